"""The app driven by a hostile tester: a tiny terminal, odd characters everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.tui.app import RoleplayApp
from roleplay.tui.failures import FailureDialog
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen, TranscriptScreen
from tests.app_helpers import (
    call_to_scorecard,
    hang_up,
    make_app,
    make_workspace,
    open_screen,
    say,
    screen_text,
    settle,
    start_call,
)


@pytest.mark.parametrize("size", [(10, 10), (5, 30), (1, 1)])
async def test_the_scorecard_survives_a_terminal_a_few_columns_wide(
    app: RoleplayApp, size: tuple[int, int]
) -> None:
    """Below ~12 columns the criteria list had no room for a letter and Textual failed
    wrapping its options (ValueError: range() arg 3 must not be zero): the app closed."""
    async with app.run_test(size=(100, 30)) as pilot:
        await call_to_scorecard(pilot, "price-objection", 2, "What did the team think?")
        await pilot.resize_terminal(*size)
        await settle(pilot)
        await pilot.press("t")  # the transcript over it
        await settle(pilot)
        assert isinstance(app.screen, TranscriptScreen)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert app.is_running
    [record] = app.services.store.records()
    assert record.outcome == "rep-ended"


ODD = "[bold]Vic🙂tor[/] שלום"


async def test_odd_characters_in_a_scenario_a_name_and_a_line_are_shown_as_written(
    tmp_path: Path,
) -> None:
    """Emoji, right-to-left text and Textual markup in the customer's name, company and
    lines, the rep's name and the rep's line: shown literally, nothing fails. (It held on
    main; kept so that it keeps holding.)"""
    ws = make_workspace(tmp_path)
    path = ws / "scenarios" / "price-objection.yaml"
    text = path.read_text("utf-8")
    text = text.replace("  name: Victor Salas", f'  name: "{ODD}"')
    text = text.replace("  company: Keystone Building Supply", '  company: "[/] عربي 👍🏽 Co"')
    text = text.replace('  - "Victor Salas. Yeah,', '  - "[b]Victor[/b] [/] שלום. Yeah,')
    path.write_text(text, "utf-8")
    app = make_app(ws, settings={"rep": "[bold]Ann[/] 🙂"})
    async with app.run_test(size=(120, 30)) as pilot:
        await start_call(pilot, "price-objection", seed=3)
        assert isinstance(app.screen, PracticeScreen)
        shown = screen_text(app)
        assert ODD in shown and "[/] عربي 👍🏽 Co" in shown
        await say(pilot, "[bold]hi[/] [/] 🙂 مرحبا [@click=app.quit]q[/]")
        assert "[bold]hi[/] [/] 🙂 مرحبا [@click=app.quit]q[/]" in screen_text(app)
        await hang_up(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        await pilot.press("f3")
        await settle(pilot)
        assert "[bold]Ann[/] 🙂" in screen_text(app)
        assert not isinstance(app.screen, FailureDialog)
        assert app.is_running


async def test_enter_in_a_library_just_opened_starts_the_scenario_under_the_cursor(
    app: RoleplayApp,
) -> None:
    """The footer says "enter Practise", but the first filter had the focus: Enter opened its
    menu (and a second Enter picked a skill), no call started."""
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(pilot, "f2")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PracticeScreen)
