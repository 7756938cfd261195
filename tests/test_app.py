"""The app's main flows, driven by Textual's pilot on offline adapters."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, OptionList, Select, Static

from roleplay.config import config_file, load_settings
from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.history import HistoryScreen
from roleplay.tui.screens.home import HomeScreen
from roleplay.tui.screens.library import LibraryScreen
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen, TranscriptScreen
from roleplay.tui.screens.settings import SettingsScreen
from tests.app_helpers import (
    call_to_scorecard,
    configured_app,
    make_app,
    make_workspace,
    open_screen,
    say,
    settle,
    start_call,
    wait_for,
    write_config,
)

WIN = [
    "Walk me through how maintenance is organised across the two plants today.",
    "Where do things go wrong most often on the lines?",
    "When line three goes down, what does that cost you?",
    "How is all that firefighting affecting your techs?",
    "If you could cut those unplanned stops in half, what would that mean for Dayton?",
    "Could we set up a meeting next week with Lena and Dave to look at line three together?",
]


def text_of(widget: Static) -> str:
    return str(widget.content)


async def test_first_launch_with_no_config_is_offline_and_useful(tmp_path: Path) -> None:
    assert not config_file().exists()
    app = make_app(make_workspace(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        banner = text_of(app.screen.query_one("#offline-banner", Static))
        assert "Offline" in banner and "OPENAI_API_KEY" in banner
        queue = app.screen.query_one("#queue", DataTable)
        assert queue.row_count >= 1  # new skills are introduced on day one
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert app.screen.query_one("#scenarios", DataTable).row_count >= 8


async def test_a_typed_call_from_library_to_scorecard_and_commitment(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot, "discovery-spin", seed=1)
        assert isinstance(app.screen, PracticeScreen)
        for line in WIN:
            if not isinstance(app.screen, PracticeScreen):
                break
            await say(pilot, line)
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)  # the customer agreed: call over
        card = app.screen.card
        assert card.overall is not None and card.overall >= 3
        # An evidence quote jumps to its turn in the transcript.
        criteria = app.screen.query_one("#criteria", OptionList)
        criteria.focus()
        first_quote = next(i for i, o in enumerate(criteria._options) if o.id)
        criteria.highlighted = first_quote
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TranscriptScreen)
        turn = int(str(criteria._options[first_quote].id).rsplit(":", 1)[1])
        assert app.screen.current == turn
        assert app.screen.query_one(f"#turn-{turn}").has_class("highlight")
        await pilot.press("escape")
        await settle(pilot)
        # Commit to the suggested behaviour.
        box = app.screen.query_one("#commitment", Input)
        box.value = "Ask how often it happens before I talk about us"
        await pilot.click("#commit")
        await settle(pilot)
    saved = app.services.habit("tester").open_commitments()
    assert [c.commitment.text for c in saved] == ["Ask how often it happens before I talk about us"]
    records = app.services.store.records()
    assert len(records) == 1 and records[0].outcome == "win"


async def test_ending_a_call_early_keeps_and_scores_it(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await call_to_scorecard(
            pilot, "price-objection", 2, "What did you and the team think of the proposal?"
        )
    [record] = app.services.store.records()
    assert record.outcome == "rep-ended"
    assert len(app.services.store.load(record.id).turns) == 3


async def test_history_opens_a_session(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot, "discovery-spin", seed=1)
        for line in WIN:
            if not isinstance(app.screen, PracticeScreen):
                break
            await say(pilot, line)
        await pilot.press("escape")  # close the scorecard
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one("#sessions", DataTable)
        assert table.row_count == 1
        assert "SPIN discovery" in str(table.get_row_at(0)[1])
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TranscriptScreen)
        assert len(app.screen.query("TurnLine")) == len(app.screen.transcript.turns)


async def test_history_filters_and_sorts(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for scenario in ("discovery-spin", "price-objection"):
            call = app.services.practice.begin(scenario, app.services.profile(), seed=1)
            list(call.start())
            app.services.practice.finish(call)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#sessions", DataTable)
        assert table.row_count == 2
        screen.query_one("#filter", Input).value = "price"
        await settle(pilot)
        assert table.row_count == 1 and "Price" in str(table.get_row_at(0)[1])
        screen.query_one("#filter", Input).value = ""
        await settle(pilot)
        await pilot.click("#sessions", offset=(30, 0))  # the Scenario header: A to Z
        await settle(pilot)
        assert [str(table.get_row_at(i)[1])[:5] for i in range(2)] == ["Price", "SPIN "]
        await pilot.click("#sessions", offset=(30, 0))  # again: Z to A
        await settle(pilot)
        assert [str(table.get_row_at(i)[1])[:5] for i in range(2)] == ["SPIN ", "Price"]


async def test_settings_are_saved_and_reloaded(tmp_path: Path, app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await open_screen(pilot, "f5")
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#daily_goal_drills", Input).value = "5"
        app.screen.query_one("#llm--model", Input).value = "llama3.2"
        app.screen.query_one("#llm--api_key", Input).value = "sk-typed-in-the-app-123456"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.services.settings.daily_goal_drills == 5
        assert app.screen.query_one("#llm--api_key", Input).value == ""
    text = config_file().read_text()
    assert "daily_goal_drills = 5" in text and 'model = "llama3.2"' in text
    settings = load_settings()
    assert settings.llm.model == "llama3.2" and settings.daily_goal_drills == 5
    assert oct(config_file().stat().st_mode)[-3:] == "600"  # it holds a key now
    app2 = configured_app(make_workspace(tmp_path))  # reads the config file
    async with app2.run_test(size=(100, 40)) as pilot:
        await open_screen(pilot, "f5")
        assert app2.screen.query_one("#daily_goal_drills", Input).value == "5"
        assert app2.screen.query_one("#llm--model", Input).value == "llama3.2"
        assert app2.screen.query_one("#llm--api_key", Input).value == ""  # never shown back


async def test_saved_settings_apply_while_the_screen_keeps_answering(
    app: RoleplayApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The services are built again off the UI thread: while they build, the screen answers
    keys and says it is applying them; then the new settings (and theme) are in use."""
    from roleplay import composition

    real_build = composition.build
    building, release = threading.Event(), threading.Event()

    def slow_build(*args: Any, **kwargs: Any) -> Any:
        building.set()
        assert release.wait(60), "the test never let the build finish"
        return real_build(*args, **kwargs)

    # What the app said, as it said it: its notices last 3 s, and on a busy machine one can
    # be gone (and no longer in app._notifications) before the test looks for it.
    said: list[str] = []
    notify = app.notify

    def noted(message: Any, *args: Any, **kwargs: Any) -> None:
        said.append(str(message))
        notify(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", noted)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_screen(pilot, "f5")
        screen, old = app.screen, app.services
        screen.query_one("#daily_goal_drills", Input).value = "5"
        screen.query_one("#ui--theme", Select).value = "nord"
        monkeypatch.setattr(composition, "build", slow_build)
        try:
            await pilot.press("ctrl+s")
            await wait_for(pilot, building.is_set)
            assert any("Applying the new settings" in n for n in said), said
            model = screen.query_one("#llm--model", Input)
            model.focus()
            await pilot.press("q", "w")  # answered while the services build...
            # (a key goes through a few message queues; on a busy machine `press` can return
            # before the input has it: waited for, the build held until `release`)
            await wait_for(pilot, lambda: model.value == "qw")
            assert app.services is old and not release.is_set()
        finally:
            release.set()
        await wait_for(pilot, lambda: app.services is not old)
        await settle(pilot)
        assert app.services.settings.daily_goal_drills == 5 and app.theme == "nord"
        assert app.services.practice.clock is old.practice.clock  # the same clock goes on
        assert any("new settings are in use" in n for n in said), said


async def test_today_shows_the_new_goal_and_banner_once_saved_settings_apply(
    app: RoleplayApp, fake_llm: Any
) -> None:
    """Today is drawn from the services: once the saved settings are in use its goal line
    says the new goal, and the offline banner goes when an LLM is set up (both stayed as
    they were until the app restarted)."""
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert "0/3 drills" in text_of(home.query_one("#goal", Static))
        assert home.query("#offline-banner")
        await pilot.press("f5")
        await settle(pilot)
        old = app.services
        app.screen.query_one("#daily_goal_drills", Input).value = "5"
        app.screen.query_one("#daily_goal_minutes", Input).value = "20"
        app.screen.query_one("#llm--base_url", Input).value = fake_llm.url
        app.screen.query_one("#llm--model", Input).value = "test-model"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.services is not old)
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen is home
        assert text_of(home.query_one("#goal", Static)) == "Goal: 0/5 drills, 0/20 minutes"
        assert not home.query("#offline-banner")


async def test_a_bad_setting_is_refused_with_the_reason(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await open_screen(pilot, "f5")
        app.screen.query_one("#daily_goal_drills", Input).value = "500"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not config_file().exists()
        notes = [str(n.message) for n in app._notifications]
        assert any("Not saved" in n and "daily_goal_drills" in n for n in notes)


async def test_a_rep_name_of_two_lines_is_refused_in_settings(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await open_screen(pilot, "f5")
        app.screen.query_one("#rep", Input).value = "Ann\nSmith"  # pasted with its line break
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not config_file().exists()
        notes = [str(n.message) for n in app._notifications]
        assert (
            "Not saved: rep: the name 'Ann\\nSmith' holds a line break (U+000A); a name is one "
            "line of text, e.g. 'Ann Smith' or 'ann.smith'"
        ) in notes


async def test_every_binding_has_an_id_and_a_palette_entry(app: RoleplayApp) -> None:
    from textual.binding import Binding

    from roleplay.tui.app import RoleplayApp
    from roleplay.tui.screens import history, home, library, practice, progress, scorecard
    from roleplay.tui.screens import settings as settings_screen

    screens: list[Any] = [
        RoleplayApp,
        home.HomeScreen,
        library.LibraryScreen,
        practice.PracticeScreen,
        scorecard.ScorecardScreen,
        scorecard.TranscriptScreen,
        history.HistoryScreen,
        progress.ProgressScreen,
        settings_screen.SettingsScreen,
    ]
    ids = [b.id for s in screens for b in s.BINDINGS if isinstance(b, Binding)]
    assert all(ids) and len(ids) == len(set(ids))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert (
            "Go to Library (nav.library)" in titles
            and "Practise: SPIN discovery: unplanned downtime at a bakery plant" in titles
        )


async def test_keys_can_be_remapped_from_the_config(tmp_path: Path) -> None:
    write_config('[ui]\nkeys = { "nav.library" = "f9" }\n')
    app = configured_app(make_workspace(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(pilot, "f9")
        assert isinstance(app.screen, LibraryScreen)


async def test_wrong_key_entries_are_said_and_their_actions_keep_their_default_keys(
    tmp_path: Path,
) -> None:
    """An unknown id, a key Textual cannot match and a key another binding has were taken
    without a word: the action lost its key, or the other binding was dropped."""
    path = write_config(
        "[ui]\nkeys = { "
        '"nav.libary" = "f9", '  # a misspelt id
        '"nav.history" = "Ctrl+H", '  # not a key Textual matches
        '"nav.progress" = "f2", '  # Library's key
        '"nav.team" = "f8" }\n'  # fine
    )
    app = configured_app(make_workspace(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        [note] = [n for n in app._notifications if "keys in the config file" in n.title]
        lines = str(note.message).splitlines()
        where = f"{path}: [ui] keys: "
        assert lines == [
            f'{where}"nav.libary" = "f9": no binding has the id \'nav.libary\'; did you mean '
            "'nav.library'? (the command palette, Ctrl+P, lists every id); ignored",
            f"{where}\"nav.history\" = \"Ctrl+H\": 'Ctrl+H' is not a key ('Ctrl' is not a "
            "modifier (they are ctrl, shift, alt, meta, super, hyper, in lower case)); keys "
            'are written like "f10", "ctrl+e", "shift+tab", "escape", "a" (several: '
            '"f10,ctrl+e"); did you mean "ctrl+h"?; the default f3 is kept',
            f'{where}"nav.progress" = "f2": f2 is already the key of nav.library on every '
            "screen, and one key cannot do both; the default f4 is kept for nav.progress",
        ]
        for key, screen in [
            ("f3", "HistoryScreen"),
            ("f2", "LibraryScreen"),
            ("f4", "ProgressScreen"),
            ("f8", "TeamScreen"),
        ]:
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen).__name__ == screen, key
        await pilot.press("f6")  # Team's default key was given up for f8
        await settle(pilot)
        assert type(app.screen).__name__ == "TeamScreen"
        titles = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert titles["Go to History (nav.history)"].endswith("key f3")


def test_a_key_a_screens_own_binding_has_is_a_clash_there_and_the_default_is_kept() -> None:
    from roleplay.tui.app import RoleplayApp
    from roleplay.tui.keys import check, scopes

    checked = check(
        {"nav.home": "escape", "history.filter": "/", "history.review": "slash"},
        scopes(RoleplayApp),
        "config.toml",
    )
    assert checked.keymap == {"history.filter": "slash"}  # "/" as Textual names it
    [review, home] = checked.problems
    assert review == (
        'config.toml: [ui] keys: "history.review" = "slash": slash is already the key of '
        "history.filter on the History screen, and one key cannot do both; the default v is "
        "kept for history.review"
    )
    assert re.fullmatch(
        r'config\.toml: \[ui\] keys: "nav\.home" = "escape": escape is already the key of '
        r".+ on the \w+ screen, and one key cannot do both; the default f1 is kept for "
        r"nav\.home",
        home,
    )


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_practice_fits_small_and_large_terminals(
    app: RoleplayApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await start_call(pilot, "cold-call-gatekeeper", seed=1)
        say_box = app.screen.query_one("#say", Input)
        turns = app.screen.query_one("#turns")
        assert say_box.region.height >= 1 and turns.region.height >= 3
        assert say_box.region.bottom <= size[1]
        assert json.dumps(app.screen.query_one("#timer", Static).content.__str__())


async def test_review_a_session_comment_override_and_mark(app: RoleplayApp) -> None:
    from roleplay.tui.screens.review import ReviewScreen

    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot)
        call = app.services.practice.begin("discovery-spin", app.services.profile(), seed=1)
        list(call.start())
        list(call.rep_says(WIN[0]))
        judged = app.services.practice.finish(call).criterion("open-questions").level
        await pilot.press("f3")
        await settle(pilot)
        app.screen.query_one("#sessions", DataTable).focus()
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("down")  # turn 1: the rep's question
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#text", Input).value = "Good opener: it made him talk."
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#criterion").value = "open-questions"  # type: ignore[attr-defined]
        dialog.query_one("#level").value = 4  # type: ignore[attr-defined]
        dialog.query_one("#reason", Input).value = "Two strong open questions in a short call."
        await pilot.click("#save")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        view = screen.view
        assert [(c.turn, c.text) for c in view.comments] == [(1, "Good opener: it made him talk.")]
        assert [(o.criterion, o.level) for o in view.overrides] == [("open-questions", 4)]
        assert view.reviewed
        assert view.scorecard is not None
        assert view.scorecard.criterion("open-questions").level == judged  # never overwritten
        assert "Good opener" in str(screen.query_one("#rturn-1", Static).content)
    # Everything is in the recordings folder (the source of truth) and in the calibration data.
    review = json.loads((app.services.store.folder(call.record.id) / "review.json").read_text())
    assert review["overrides"][0]["reason"] == "Two strong open questions in a short call."
    assert app.services.reviews.human_levels("discovery") == [(call.record.id, "open-questions", 4)]
