"""The two quit questions (Ctrl+Q mid-call, Ctrl+Q while a call is scored) are one shape
(tui/screens/quit_call.QuitQuestion): each looks as it did. The mid-call one has its picture
in tests/test_appframe9_quit.py; this is the picture of the other, made on the code before
they were folded into one."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from roleplay.domain.rubric import Rubric
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import Transcript
from roleplay.tui.app import RoleplayApp
from tests.app_helpers import make_app, make_workspace, say, snapshot_home, start_call, wait_for


class JudgeUntilQuit:
    """The practice judge, scoring only once the app is asked to quit (an LLM takes a while)."""

    def __init__(self, app: RoleplayApp) -> None:
        self.app = app
        self.judge = app.services.practice.judge
        self.name = self.judge.name
        self.started = False

    def score(self, rubric: Rubric, transcript: Transcript) -> Scorecard:
        self.started = True
        deadline = time.monotonic() + 120
        while not self.app._exit and time.monotonic() < deadline:
            time.sleep(0.05)
        card: Scorecard = self.judge.score(rubric, transcript)
        return card


def test_the_question_while_scoring_at_80x24(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Input

    home = snapshot_home(tmp_path, monkeypatch)
    monkeypatch.setattr(Input, "cursor_blink", False)
    app = make_app(make_workspace(home))
    judge = JudgeUntilQuit(app)
    app.services.practice.judge = judge

    async def asked(pilot: Pilot[None]) -> None:
        await start_call(pilot, "price-objection", seed=2)
        await say(pilot, "What made you look at this now, and who else has a say in it?")
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(app.screen.query("#yes")))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: judge.started)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.screen.is_mounted and bool(app.screen.query("#wait")))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=asked)
