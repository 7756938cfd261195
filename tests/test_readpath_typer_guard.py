"""The plain option check leans on typer's private names (typer 0.29). pyproject allows other
typers (an older one has no `typer._param_types`), so when a name is missing typer must be left
exactly as it is: slower, never broken (a rep who installs another typer must not lose every
command to an ImportError)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from typer.core import _TyperParameter

from roleplay.cli import plain_params


def typers_own(self: Any) -> Any:  # stands for an unpatched typer's method
    raise AssertionError("not called here")


@pytest.mark.parametrize("missing", ["typer._param_types", "typer._coercion"])
def test_a_typer_without_the_private_names_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setattr(_TyperParameter, "get_runtime_param", typers_own)
    monkeypatch.setitem(sys.modules, missing, None)  # importing it fails, as when absent
    plain_params.install()
    assert _TyperParameter.get_runtime_param is typers_own


def test_this_typer_gets_the_plain_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_TyperParameter, "get_runtime_param", typers_own)
    plain_params.install()
    assert getattr(_TyperParameter.get_runtime_param, "plain", False)
