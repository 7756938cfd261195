"""A rep's name with an invisible character in it passed for another rep's.

`practice --rep $'\\u202eKari'` was taken: every list and report strips the override before it
reaches a terminal, so the sessions showed as Kari's while the index kept them apart (and a
zero-width space did the same). Such names are refused where they are typed, like a control
character; the joiners that real names and emoji need are kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.domain.rep_name import rep_name_problem

runner = CliRunner()


@pytest.mark.parametrize("name", ["\u202eKari", "Ka\u2066ri\u2069", "Kari\u200b", "\ufeffKari"])
def test_an_invisible_character_is_refused(name: str) -> None:
    problem = rep_name_problem(name)
    assert problem is not None and "invisible character" in problem


@pytest.mark.parametrize("name", ["Kari", "مریم\u200cسادات", "Ana 👩\u200d💻", "Kåre Ødegård"])
def test_real_names_stay_welcome(name: str) -> None:
    assert rep_name_problem(name) is None


def test_practice_refuses_a_name_that_shows_as_another(mini_workspace: Path) -> None:
    result = runner.invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--text", "--rep", "\u202eKari"],
        input="/end\n",
    )
    assert result.exit_code == 2, result.output
    assert "invisible character (U+202E RIGHT-TO-LEFT OVERRIDE)" in result.output
    assert not list((mini_workspace / "recordings").glob("*/session.json"))


def test_the_environment_variable_is_checked_the_same_way(
    mini_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_REP", "Kari\u200b")
    result = runner.invoke(app, ["--workspace", str(mini_workspace), "sessions"])
    assert result.exit_code != 0
    assert "U+200B" in result.output
