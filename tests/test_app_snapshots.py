"""A snapshot of every screen at a fixed size, on offline adapters and fixture data.

Update after an intended change with: pytest tests/test_app_snapshots.py --snapshot-update
(then look at the report's pictures before committing them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from roleplay.adapters.clock import ManualClock
from tests.app_helpers import (
    hang_up,
    make_app,
    make_workspace,
    open_screen,
    say,
    settle,
    snapshot_home,
    start_call,
)

SIZE = (100, 30)
LINES = [
    "Walk me through how maintenance is organised across the two plants today.",
    "Where do things go wrong most often on the lines?",
]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    # Paths shown on screen (the workspace, the config file) must not change from run to run:
    # they are in this test's own home folder, shown as ~.
    home = snapshot_home(tmp_path, monkeypatch)
    # A blinking cursor is on or off depending on how long the test took (a busy machine):
    # pictures are taken with it steady.
    monkeypatch.setattr(Input, "cursor_blink", False)
    clock = ManualClock()
    app = make_app(make_workspace(home), clock)
    app.services.audio_devices = lambda: []  # type: ignore[method-assign]  # not this machine's
    for scenario, seed in (("discovery-spin", 1), ("price-objection", 2)):
        call = app.services.practice.begin(scenario, app.services.profile(), seed=seed)
        list(call.start())
        clock.advance(20)
        list(call.rep_says(LINES[0]))
        clock.advance(20)
        app.services.practice.finish(call)
        clock.advance(3600 * 24)
    return app


async def _home(pilot: Pilot[None]) -> None:
    await settle(pilot)


async def _library(pilot: Pilot[None]) -> None:
    await open_screen(pilot, "f2")


async def _practice(pilot: Pilot[None]) -> None:
    await start_call(pilot, "discovery-spin", seed=7)
    for line in LINES:
        await say(pilot, line)


async def _scorecard(pilot: Pilot[None]) -> None:
    await _practice(pilot)
    await hang_up(pilot)


async def _transcript(pilot: Pilot[None]) -> None:
    await _scorecard(pilot)
    await pilot.press("t")
    await settle(pilot)


async def _end_dialog(pilot: Pilot[None]) -> None:
    await _practice(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def _history(pilot: Pilot[None]) -> None:
    await open_screen(pilot, "f3")


async def _review(pilot: Pilot[None]) -> None:
    await _history(pilot)
    pilot.app.screen.query_one("#sessions").focus()
    await pilot.press("v")
    await settle(pilot)


async def _progress(pilot: Pilot[None]) -> None:
    await open_screen(pilot, "f4")


async def _settings(pilot: Pilot[None]) -> None:
    await open_screen(pilot, "f5")


@pytest.mark.parametrize(
    "before",
    [
        _home,
        _library,
        _practice,
        _scorecard,
        _transcript,
        _end_dialog,
        _history,
        _review,
        _progress,
        _settings,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_screen(snap_compare: Any, app: Any, before: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_practice_at_80x24(snap_compare: Any, app: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=_practice)


def test_light_theme(snap_compare: Any, app: Any) -> None:
    async def light(pilot: Pilot[None]) -> None:
        pilot.app.theme = "textual-light"
        await _scorecard(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=light)
