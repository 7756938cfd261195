"""A failure in the app is a dialog that says what to do, never an exit: the one error model
(RoleplayError: message + hint) meets the user the same way from every worker."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from roleplay.tui.app import RoleplayApp
from roleplay.tui.failures import FailureDialog
from roleplay.tui.screens.practice import PracticeScreen
from tests.app_helpers import hang_up, make_app, make_workspace, say, settle, start_call


async def test_removing_the_rubric_during_a_call_is_a_dialog_not_a_crash(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot, "price-objection", seed=2)
        await say(pilot, "What did you and the team think of the proposal?")
        (ws / "rubrics" / "objection-handling.yaml").unlink()  # a trainer's git pull, say
        await hang_up(pilot)
        assert app.is_running  # no WorkerFailed traceback, no exit
        assert isinstance(app.screen, FailureDialog)
        title = str(app.screen.query_one("#failure-title", Static).content)
        message = str(app.screen.query_one("#failure-message", Static).content)
        hint = str(app.screen.query_one("#failure-hint", Static).content)
        assert title == "Cannot score this call"
        assert "rubric 'objection-handling'" in message and "not in the workspace" in message
        assert "restore rubrics/objection-handling.yaml" in hint and "roleplay score" in hint
        await pilot.press("enter")  # closes it; the app goes on
        await pilot.pause()
        assert not isinstance(app.screen, FailureDialog)
        assert isinstance(app.screen, PracticeScreen)
    [record] = app.services.store.records()
    turns = app.services.store.load(record.id).turns
    assert len(turns) == 3  # the customer's opening, the rep's line, the reply: all kept
    assert "proposal" in turns[1].text


async def test_an_unexpected_failure_says_where_the_details_are(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.show_failure(RuntimeError("disk controller on fire"), "test")
        await pilot.pause()
        assert isinstance(app.screen, FailureDialog)
        assert "disk controller on fire" in str(
            app.screen.query_one("#failure-message", Static).content
        )
        assert "roleplay.log" in str(app.screen.query_one("#failure-hint", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, FailureDialog)
