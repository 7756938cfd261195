"""Bulk reads pause the cyclic garbage collector and leave it as they found it."""

from __future__ import annotations

import gc

import pytest

from roleplay.bulk import collector_paused


def test_the_collector_is_paused_inside_and_as_it_was_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError, match="bad file"), collector_paused():
        raise ValueError("bad file")
    assert gc.isenabled()  # an error on the way does not leave it off


def test_a_collector_paused_by_someone_else_stays_paused() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
