"""A typed call the rep ends before saying a word is not practice: the app scored it (level 1
on every criterion, a session in History that counted toward an assignment), as `practice
--text` did until flows13. Now it says so, goes back, and keeps nothing."""

from __future__ import annotations

from pathlib import Path

from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import hang_up, make_app, make_workspace, say, settle, start_call


async def test_a_call_ended_before_a_word_is_not_scored_or_kept(tmp_path: Path) -> None:
    app = make_app(make_workspace(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot, "discovery-spin", seed=7)
        assert isinstance(app.screen, PracticeScreen)
        await hang_up(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, ScorecardScreen | PracticeScreen)
        told = [n.message for n in app._notifications]
        assert any("You said nothing in this call" in m and "Nothing was saved" in m for m in told)
        assert list(app.services.store.records()) == []  # no session left to count

        # A call in which the rep speaks is scored as before.
        await start_call(pilot, "discovery-spin", seed=7)
        await say(pilot, "Walk me through how maintenance is organised across the two plants.")
        await hang_up(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        assert len(list(app.services.store.records())) == 1
