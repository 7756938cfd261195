"""Ctrl+Q in the middle of a call. It quit at once: every turn was kept, but the session was
left unfinished and unscored, with no word said. Now the rep is asked (end and score / quit
keeping it unfinished / keep talking) and each answer does what it says, the LLM reachable
or not. Nothing already said is lost either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.practice import FailureChoice, PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import (
    make_app,
    make_workspace,
    say,
    screen_text,
    settle,
    snapshot_home,
    start_call,
    wait_for,
    wait_for_screen,
)


def _said(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def _ctrl_q(pilot: Pilot[None]) -> None:
    """Mid-call: roleplay asks (it quit at once, the call left unfinished and unscored)."""
    await pilot.press("ctrl+q")
    await settle(pilot)
    assert pilot.app.is_running


async def _dialog(pilot: Pilot[None]) -> Screen[Any]:
    """The question on screen (found by its buttons: the old code had no such screen)."""
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.is_mounted and bool(app.screen.query("#keep")))
    return app.screen


LINE = "What made you look at this now, and who else has a say in it?"


async def _call_with_a_line(pilot: object, app: RoleplayApp) -> PracticeScreen:
    await start_call(pilot, "price-objection", seed=2)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, PracticeScreen)
    await say(pilot, LINE)  # type: ignore[arg-type]
    return screen


async def test_ctrl_q_mid_call_asks_and_end_and_score_shows_the_scorecard(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _call_with_a_line(pilot, app)
        said = len(screen.call.turns)
        await _ctrl_q(pilot)
        dialog = await _dialog(pilot)
        text = " ".join(screen_text(app).split())
        assert "Quit in the middle of the call?" in text
        assert f"({said} turn(s))" in _said(dialog, "#quit-saved")
        assert "offline judge (no LLM is configured)" in _said(dialog, "#quit-score-means")
        # What the CLI can do: score it later, not resume it.
        assert "roleplay score last" in _said(dialog, "#quit-keep-means")
        await pilot.click("#score")
        card = await wait_for_screen(pilot, ScorecardScreen)
        assert dialog not in app.screen_stack
        assert any(t.text == LINE for t in card.transcript.turns)
        await pilot.press("ctrl+q")  # no call open any more: quits without asking
        await wait_for(pilot, lambda: not app.is_running)
    [record] = app.services.store.records()
    assert record.ended_at is not None
    saved = app.services.store.scorecard(record.id)
    assert saved is not None and saved.kpis.rep_turns == 1


async def test_quit_keeping_it_unfinished_keeps_every_turn_and_can_be_scored_later(
    app: RoleplayApp,
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _call_with_a_line(pilot, app)
        turns = list(screen.call.turns)
        sid = screen.call.record.id
        await _ctrl_q(pilot)
        await _dialog(pilot)
        await pilot.click("#keep")
        await wait_for(pilot, lambda: not app.is_running)
    store = app.services.store
    [record] = store.records()
    assert record.id == sid and record.ended_at is None  # unfinished, as chosen
    assert store.scorecard(sid) is None
    assert [t.text for t in store.load(sid).turns] == [t.text for t in turns]
    # What the dialog and the printed line promise: `roleplay score ID` scores it.
    result = app.services.end_of_call().rescore(sid)
    assert result.scorecard.kpis.rep_turns == 1


async def test_ctrl_q_twice_quits_keeping_the_call_and_escape_keeps_talking(
    app: RoleplayApp,
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _call_with_a_line(pilot, app)
        await _ctrl_q(pilot)
        await _dialog(pilot)
        await pilot.press("escape")  # keep talking
        await wait_for(pilot, lambda: app.screen is screen)
        await say(pilot, "So the budget is set for this quarter?")
        assert not screen.ended
        assert sum(t.speaker == "rep" for t in screen.call.turns) == 2
        await _ctrl_q(pilot)
        await _dialog(pilot)
        await pilot.press("ctrl+q")  # by habit, again: quits, the call kept unfinished
        await wait_for(pilot, lambda: not app.is_running)
    [record] = app.services.store.records()
    assert record.ended_at is None
    assert sum(t.speaker == "rep" for t in app.services.store.load(record.id).turns) == 2


async def test_end_and_score_with_the_llm_unreachable_scores_offline_and_says_so(
    tmp_path: Path,
) -> None:
    """The customer's model fails (its question is open) and the rep presses Ctrl+Q, then
    End and score: the question is closed, the offline judge scores, and the scorecard says
    why."""
    llm = {"base_url": "http://127.0.0.1:9/v1", "max_retries": 0, "timeout": 5}
    app = make_app(make_workspace(tmp_path), settings={"llm": llm})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.start_practice("price-objection", seed=2)
        await wait_for_screen(pilot, PracticeScreen)  # the scenario's opening line
        await say(pilot, LINE)
        await wait_for_screen(pilot, FailureChoice)  # nobody answers on port 9
        await _ctrl_q(pilot)
        await _dialog(pilot)
        means = _said(app.screen, "#quit-score-means")
        assert "LLM judge (the offline judge if the LLM cannot be reached)" in means
        await pilot.click("#score")
        card = await wait_for_screen(pilot, ScorecardScreen)
        assert not any(isinstance(s, FailureChoice) for s in app.screen_stack)
        assert "could not score this call" in card.card.notes[0]
        assert "offline judge" in card.card.notes[0]
    [record] = app.services.store.records()
    assert record.ended_at is not None
    saved = app.services.store.scorecard(record.id)
    assert saved is not None and saved.kpis.rep_turns == 1


def test_the_question_at_80x24(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The question as a rep sees it in a small terminal: each answer and what it does."""
    from textual.widgets import Input

    home = snapshot_home(tmp_path, monkeypatch)
    monkeypatch.setattr(Input, "cursor_blink", False)
    app = make_app(make_workspace(home))

    async def asked(pilot: Pilot[None]) -> None:
        await _call_with_a_line(pilot, app)
        await _ctrl_q(pilot)
        await _dialog(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=asked)


async def test_quitting_a_spoken_call_to_score_later_stops_its_listening(
    tmp_path: Path,
) -> None:
    """A spoken call runs until it is hung up: quitting left its listening thread running,
    and the exit (asyncio's, which waits for the app's threads) waited for it for good. Now
    the call is hung up as the app exits: the rep's turn is saved, nothing is scored."""
    import numpy as np

    from roleplay.services.engine import CallState
    from tests.speech import conversation, espeak_available, write_wav

    if not espeak_available():
        pytest.skip("espeak-ng is not installed (scripts/test installs it)")
    # After the customer's opening line (a few seconds, read in real time), the rep speaks.
    spoken = conversation(["Who looks after energy across the hotels?"], gap=2.0, lead=8.0)
    quiet = np.zeros(16000 * 120, np.float32)  # then two minutes of silence, read in real time
    wav = write_wav(tmp_path / "rep.wav", np.concatenate([spoken.audio, quiet]))
    app = make_app(make_workspace(tmp_path), audio_in=wav, realtime=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.ready_to_talk, timeout=180)
        app.start_practice("cold-call-gatekeeper", seed=1)
        screen = await wait_for_screen(pilot, PracticeScreen)
        assert screen.voice is not None

        def rep_spoke() -> bool:
            return any(t.speaker == "rep" for t in screen.call.turns)

        await wait_for(pilot, rep_spoke, timeout=120)
        await pilot.press("ctrl+q")  # not _ctrl_q: its settle would wait for the call's end
        await _dialog(pilot)
        assert screen.call.state is not CallState.ENDED
        await pilot.click("#keep")
        await wait_for(pilot, lambda: not app.is_running)
    # The exit waited for the call's loop (EXIT_WAIT_SECONDS at most): it was hung up.
    assert screen.call.state is CallState.ENDED  # type: ignore[comparison-overlap]
    [record] = app.services.store.records()
    assert app.services.store.scorecard(record.id) is None
    rep = [t for t in app.services.store.load(record.id).turns if t.speaker == "rep"]
    assert rep and "energy" in rep[0].text.lower()
