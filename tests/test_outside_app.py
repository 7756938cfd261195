"""The app tried from outside: keys pressed faster than screens change, one call at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, Static

from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.library import LibraryScreen
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import (
    hang_up,
    make_app,
    make_workspace,
    say,
    screen_text,
    settle,
    wait_for,
    wait_for_screen,
)


def _sessions(ws: Path) -> list[str]:
    return sorted(p.name for p in (ws / "recordings").iterdir() if not p.name.startswith("."))


def _calls(app: object) -> int:
    stack = app.screen_stack  # type: ignore[attr-defined]
    return sum(isinstance(s, PracticeScreen) for s in stack)


async def test_a_burst_of_enter_on_today_starts_one_call(tmp_path: Path) -> None:
    """Enter pressed four times before the call's screen is up (a key held down, a rep
    double-pressing) used to start four calls stacked on each other: three hidden ones with
    their own session folders, left unfinished forever."""
    ws = make_workspace(tmp_path)
    app = make_app(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.query_one("#queue", DataTable).row_count > 0)
        for _ in range(4):  # all queued before the first is handled, as a terminal sends them
            app.post_message(events.Key("enter", "\r"))
        await wait_for_screen(pilot, PracticeScreen)
        await settle(pilot)
        assert _calls(app) == 1
        assert len(_sessions(ws)) == 1


async def test_starting_a_second_call_from_the_library_goes_back_to_the_open_one(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path)
    app = make_app(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.start_practice("discovery-spin", seed=1)
        first = await wait_for_screen(pilot, PracticeScreen)
        await settle(pilot)
        await pilot.press("f2")
        library = await wait_for_screen(pilot, LibraryScreen)
        await settle(pilot)
        library.query_one("#scenarios", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is first  # back on the call that is still open
        assert len(_sessions(ws)) == 1
        assert any("still open" in n.message for n in app._notifications)
        # Once it has ended, the next call starts as usual.
        await say(pilot, "How do you plan maintenance at the moment?")
        await hang_up(pilot)
        await wait_for_screen(pilot, ScorecardScreen)
        app.start_practice("discovery-spin", seed=2)
        await wait_for_screen(pilot, PracticeScreen)
        assert len(_sessions(ws)) == 2


async def test_a_workspace_with_no_scenarios_says_so_on_today_and_in_the_library(
    tmp_path: Path,
) -> None:
    """Today cut its note to "Nothing due: pick any sc"; the Library said "No scenario matches
    these filters" with every filter at Any."""
    ws = make_workspace(tmp_path)
    shutil.rmtree(ws / "scenarios")
    (ws / "scenarios").write_text("")  # a file where the folder should be
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "Nothing due" in screen_text(app))
        assert "Nothing due: pick any scenario in the Library (F2)." in screen_text(app)
        await pilot.press("f2")
        library = await wait_for_screen(pilot, LibraryScreen)
        await settle(pilot)
        said = str(library.query_one("#persona", Static).render())
        assert "No scenarios in " in said and "(it is not a folder)" in said
        assert "roleplay new scenario NAME" in said
        assert "filters" not in said


@pytest.mark.parametrize("size", [(40, 10), (60, 16), (80, 20)])
async def test_a_small_terminal_still_shows_the_call_and_that_it_is_offline(
    app: RoleplayApp, size: tuple[int, int]
) -> None:
    """At 40x10 and 60x16 the transcript had no row left (the customer's replies could not be
    seen) and the screen scrolled the offline banner away."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.start_practice("discovery-spin", seed=1)
        await wait_for_screen(pilot, PracticeScreen)
        await settle(pilot)
        await say(pilot, "How do you plan maintenance at the moment?")
        shot = screen_text(app)
        reply = app.screen.call.turns[-1]  # type: ignore[attr-defined]
        assert reply.speaker == "customer"
        assert reply.text.split()[-1] in shot, shot  # the end of the reply, at least
        assert "Offline: scripted customer, rule-based" in shot, shot
        assert app.screen.query_one("#say").region.height >= 1


async def test_todays_queue_fits_an_80_column_terminal(app: RoleplayApp) -> None:
    """At 80 columns the Drill column pushed Minutes off the screen, the title cut mid-word."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "new skill " in screen_text(app))
        lines = screen_text(app).splitlines()
        assert any("Minutes" in line for line in lines), lines
        row = next(line for line in lines if "new skill " in line)
        assert "…" in row and row.rstrip().split()[-1].isdigit(), row  # minutes shown
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        row = next(line for line in screen_text(app).splitlines() if "new skill " in line)
        assert "…" not in row  # room again: the whole title
