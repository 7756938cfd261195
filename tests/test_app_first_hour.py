"""Issue 17, the app: what a new rep tripped over in the first hour, driven by the pilot."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, OptionList, Static

from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.history import HistoryScreen
from roleplay.tui.screens.home import HomeScreen
from roleplay.tui.screens.library import LibraryScreen
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.progress import ProgressScreen
from roleplay.tui.screens.scorecard import TranscriptScreen
from tests.app_helpers import (
    call_to_scorecard,
    make_app,
    make_workspace,
    open_screen,
    screen_text,
    settle,
    start_call,
)

LINES = [
    "Walk me through how maintenance is organised across the two plants today.",
    "Where do things go wrong most often on the lines?",
]


def text_of(widget: Static) -> str:
    return str(widget.content)


async def test_today_is_drawn_while_the_microphone_check_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queue must be on screen (not "Loading...", not cut to its headers' widths) even
    when the microphone check is slower than the queue."""
    import roleplay.adapters.audio_sounddevice as audio

    release = threading.Event()

    def slow_check(device: object = None) -> str | None:
        release.wait(30)
        return "no microphone found"

    monkeypatch.setattr(audio, "microphone_problem", slow_check)
    app = make_app(make_workspace(tmp_path), voice=True)
    async with app.run_test(size=(120, 32)) as pilot:
        for _ in range(50):  # the home worker, not the stuck microphone check
            await pilot.pause(0.05)
            if app.screen.query_one("#queue", DataTable).row_count:
                break
        await pilot.pause(0.2)
        assert app.microphone is None  # the check is still running
        shot = screen_text(app)
        assert "Loading today" not in shot
        assert "discovery questions" in shot and "new skill" in shot  # whole cells, not "disco"
        assert "new skill: not practised yet" in shot  # the Why column is explained
        release.set()
        await settle(pilot)
        assert app.microphone is False


async def test_after_a_call_today_history_and_progress_update_without_refresh(
    app: RoleplayApp,
) -> None:
    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot)
        for key in ("f3", "f4", "f1"):  # every screen is open before the call
            await pilot.press(key)
            await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "No sessions yet" in text_of(home.query_one("#last-scores", Static))
        await call_to_scorecard(pilot, "discovery-spin", 1, *LINES)
        await pilot.press("escape")
        await settle(pilot)
        assert "No sessions yet" not in text_of(home.query_one("#last-scores", Static))
        assert "practised today" in text_of(home.query_one("#streak", Static))
        await pilot.press("f3")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one("#sessions", DataTable)
        assert table.row_count == 1 and "No sessions" not in str(table.get_row_at(0)[0])
        await pilot.press("f4")
        await settle(pilot)
        progress = app.screen
        assert isinstance(progress, ProgressScreen)
        summary = text_of(progress.query_one("#progress-summary", Static))
        assert summary.startswith("1 session on 1 day ·"), summary
        # One day of data: the x-axis is that week, not 1963 to 2058.
        shot = screen_text(app)
        assert "2058" not in shot and "1963" not in shot
        assert f"{app.services.practice.clock.now():%Y-%m}" in shot


async def test_the_next_brief_shows_the_commitment(app: RoleplayApp) -> None:
    async with app.run_test(size=(110, 34)) as pilot:
        await call_to_scorecard(pilot, "discovery-spin", 1, *LINES)
        box = app.screen.query_one("#commitment", Input)
        box.value = "Ask how often line three stops before I mention Plantwise."
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        notes = [str(n.message) for n in app._notifications]
        assert any("Plantwise. Your next" in n for n in notes), notes  # not ".."
        await pilot.press("escape")
        await start_call(pilot, "discovery-spin", seed=2)
        assert isinstance(app.screen, PracticeScreen)
        reminders = [text_of(s) for s in app.screen.query(".reminder").results(Static)]
        assert reminders == [
            "Your commitment from last time (discovery questions): "
            "Ask how often line three stops before I mention Plantwise."
        ]


async def test_scorecard_scrolls_by_keyboard_while_the_commit_box_has_focus(
    app: RoleplayApp,
) -> None:
    async with app.run_test(size=(100, 24)) as pilot:
        await call_to_scorecard(pilot, "discovery-spin", 1, *LINES)
        box = app.screen.query_one("#commitment", Input)
        box.focus()
        await pilot.pause()
        criteria = app.screen.query_one("#criteria", OptionList)
        assert criteria.max_scroll_y > 0
        before = criteria.scroll_y
        await pilot.press("pagedown")
        await pilot.pause()
        assert criteria.scroll_y > before
        await pilot.press("up")
        await pilot.pause()
        assert app.focused is box  # the box keeps the focus; typing still goes there


async def test_transcript_names_the_customer_as_the_live_call_did(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await call_to_scorecard(pilot, "discovery-spin", 1, *LINES)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TranscriptScreen)
        lines = [text_of(t) for t in app.screen.query("TurnLine").results(Static)]
        assert any("Marcus:" in line for line in lines)
        assert not any("Customer:" in line for line in lines)


async def test_palette_lists_navigation_with_key_and_id_and_finds_nav(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert "key f3" in commands["Go to History (nav.history)"]
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"nav")
        for _ in range(40):
            await pilot.pause(0.05)
            shown = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
            if len(shown) >= 6:
                break
        assert sum("nav." in s for s in shown) == 6, shown  # F1-F6


async def test_library_shows_a_sample_draw_not_placeholders(app: RoleplayApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(pilot, "f2")
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        row = next(i for i, e in enumerate(screen._shown) if e.scenario == "competitor-objection")
        screen.query_one("#scenarios", DataTable).move_cursor(row=row)
        await settle(pilot)
        persona = text_of(screen.query_one("#persona", Static))
        brief = text_of(screen.query_one("#brief", Static))
        assert "{" not in persona + brief
        assert "Changes every call" in brief and "competitor:" in brief
        shot = screen_text(app)
        assert "5:00" in shot and "4:00" in shot  # the Time column is whole at 120 columns


async def test_settings_doctor_result_is_visible_and_literal(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 24)) as pilot:
        await open_screen(pilot, "f5")
        await pilot.press("ctrl+d")
        await settle(pilot)
        await pilot.pause(0.3)
        result = app.screen.query_one("#doctor-result", Static)
        shown = " ".join(screen_text(app).split())
        assert "base_url under [llm] in the config file" in shown
        form = app.screen.query_one("#settings-form")
        assert form.scroll_y > 0  # scrolled down to the result
        assert result.region.y < app.size.height - 1  # on screen, above the footer


async def test_header_and_settings_say_which_workspace(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = make_app(ws)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert f"workspace {ws.resolve()}" in screen_text(app)
        await pilot.press("f5")
        await settle(pilot)
        note = text_of(app.screen.query_one("#workspace", Static))
        assert str(ws.resolve()) in note and "--workspace PATH" in note


async def test_a_tall_terminal_shows_the_whole_brief(app: RoleplayApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await start_call(pilot, "discovery-spin", seed=1)
        brief = app.screen.query_one("#practice-brief")
        assert brief.region.height > 3
        assert brief.max_scroll_y == 0  # nothing hidden


async def test_a_narrow_header_still_names_the_workspace(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = make_app(ws)
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        top = screen_text(app).splitlines()[0]
        assert "workspace" in top and top.rstrip().endswith(ws.name)


async def test_the_today_queue_names_skills_as_roleplay_today_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app showed ids ("discovery-questions") where `roleplay today` shows names."""
    from typer.testing import CliRunner

    from roleplay.cli import app as cli

    ws = make_workspace(tmp_path)
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    said = CliRunner().invoke(cli, ["--workspace", str(ws), "today"])
    assert said.exit_code == 0, said.output
    told = re.findall(r"^\s*\d+\. (.+?) · ", said.output, re.M)
    assert "discovery questions" in told
    app = make_app(ws)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#queue", DataTable)
        shown = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    assert shown[: len(told)] == told
    assert not any("-" in name and " " not in name for name in shown)  # no id left
