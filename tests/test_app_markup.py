"""Text from files, reps and models is shown as it is, never read as Textual markup.

A trainer's scenario title, a rep's typed line or commitment, a model's reply can hold square
brackets: "[/b]" made the app fail (a markup error: the whole app closed, a call's turn
shown nowhere), "[ask about price]" vanished, and "[@click=app.quit]" made a cell an action.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from roleplay.tui.screens.history import HistoryScreen
from roleplay.tui.screens.home import HomeScreen
from roleplay.tui.screens.library import LibraryScreen
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import (
    hang_up,
    make_app,
    make_services,
    make_workspace,
    say,
    screen_text,
    settle,
    start_call,
)

TITLE = "SPIN [/b] discovery [@click=app.quit]at[/] the [plant]"


def _titled(tmp_path: Path) -> Path:
    ws = make_workspace(tmp_path)
    path = ws / "scenarios" / "discovery-spin.yaml"
    text = path.read_text("utf-8")
    text = re.sub(r"(?m)^title: .*$", f"title: {TITLE!r}".replace("'", '"'), text, count=1)
    path.write_text(text, "utf-8")
    return ws


def _cells(table: DataTable[Any]) -> list[str]:
    return [str(c) for i in range(table.row_count) for c in table.get_row_at(i)]


async def test_a_scenario_title_with_brackets_is_shown_as_written(tmp_path: Path) -> None:
    app = make_app(_titled(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await start_call(pilot, "discovery-spin", seed=1)
        await say(pilot, "Where do [things] go wrong [/] most often?")
        assert isinstance(app.screen, PracticeScreen)
        assert "Where do [things] go wrong [/] most often?" in screen_text(app)
        await hang_up(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        await pilot.press("t")  # the transcript, under the title
        await settle(pilot)
        assert "SPIN [/b] discovery [@click=app.quit]at[/] the [plant]" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        app.pop_screen()
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        last = str(app.screen.query_one("#last-scores", Static).render())
        assert TITLE[:40] in last  # cut to its column, as written
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert any("[@click=app.quit]" in c for c in _cells(app.screen.query_one(DataTable)))
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert TITLE in _cells(app.screen.query_one("#sessions", DataTable))
        assert app.is_running


async def test_a_review_with_brackets_in_names_comments_and_turns(tmp_path: Path) -> None:
    """A reviewer's comment, the rep's turn and a rubric's criterion name with brackets: the
    review screen and its override dialog show them as written."""
    from roleplay.tui.screens.review import ReviewScreen

    ws = make_workspace(tmp_path)
    rubric = ws / "rubrics" / "discovery.yaml"
    rubric.write_text(
        rubric.read_text("utf-8").replace("name: Open questions", 'name: "Open [/] questions"'),
        "utf-8",
    )
    app = make_app(ws)
    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot)
        call = app.services.practice.begin("discovery-spin", app.services.profile(), seed=1)
        list(call.start())
        list(call.rep_says("How do [/b] things go wrong on the lines?"))
        app.services.practice.finish(call)
        app.services.reviews.comment(call.record.id, "[/] ask about [price] first", turn=1)
        app.open_review(call.record.id)
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "How do [/b] things go wrong on the lines?" in shown
        assert "[/] ask about [price] first" in shown
        assert "Open [/] questions" in shown
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#criterion").value = "open-questions"  # type: ignore[attr-defined]
        await settle(pilot)
        assert "Open [/] questions" in screen_text(app)  # the chosen criterion, as written
        assert app.is_running


OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x1b\\"  # "write this to the clipboard", ended by ST


async def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    """Textual writes an ESC in a cell or a line to the terminal as it is: a trainer's note
    or a rep's line must lose its control characters (the CLI's `today` drops them too)."""
    from roleplay.adapters.clock import ManualClock

    ws = make_workspace(tmp_path)
    clock = ManualClock()
    s = make_services(ws, clock)
    s.assignments().assign(
        "discovery-spin", to="tester", due="2099-01-06", note=f"{OSC52}ask about [price]\x07"
    )
    app = make_app(ws, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        note = app.screen.query_one("#assigned", DataTable).get_row_at(0)[3]
        assert str(note) == "]52;c;cm0gLXJmIH4K\\ask about [price]"
        app.start_practice("discovery-spin", seed=1)
        await settle(pilot)
        await say(pilot, f"How do things go {OSC52}wrong?")
        lines = [str(w.render()) for w in app.screen.query(Static)]
        assert any("How do things go ]52;c;cm0gLXJmIH4K\\wrong?" in t for t in lines)
        assert not any("\x1b" in t for t in lines)
        app.notify(f"Saved {OSC52}")
        await pilot.pause()
        assert "\x1b" not in app.export_screenshot()
