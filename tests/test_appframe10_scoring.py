"""What a rep notices around scoring in the app:

- Ctrl+Q while a call was being scored quit at once and said nothing (the scorecard was still
  saved, the exit waits for it): now roleplay says the call is being scored, and the rep
  waits to see the scorecard or quits (Ctrl+Q again quits);
- a session left unscored (a call quit to score later) showed only its transcript in History,
  and only `roleplay score ID` could score it: now `s` scores it from History (or from its
  transcript), naming the judge, falling back to the offline judge when the LLM cannot be
  reached, and losing nothing when scoring fails;
- the scorecard said a skill "comes back Thu" while Today listed it as due (its level is
  still below the pass level): now both say the same.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from roleplay.adapters.clock import ManualClock
from roleplay.composition import build
from roleplay.config import Settings
from roleplay.domain.rubric import Rubric
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import Transcript
from roleplay.services.ports import JudgeUnavailable
from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.home import HomeScreen
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen, TranscriptScreen
from tests.app_helpers import (
    hang_up,
    make_app,
    make_workspace,
    open_screen,
    say,
    screen_text,
    settle,
    start_call,
    wait_for,
    wait_for_screen,
)

LINE = "What made you look at this now, and who else has a say in it?"


class HeldJudge:
    """The practice judge, held until the test lets it score (an LLM judge takes a while)."""

    def __init__(self, judge: Any) -> None:
        self.judge = judge
        self.name = judge.name
        self.started = threading.Event()
        self.release = threading.Event()

    def score(self, rubric: Rubric, transcript: Transcript) -> Scorecard:
        self.started.set()
        assert self.release.wait(60), "the test never let the judge score"
        card: Scorecard = self.judge.score(rubric, transcript)
        return card


class DownJudge:
    """A judge that cannot score (no fallback: `--judge llm` with the server down)."""

    name = "llm:down"

    def score(self, rubric: Rubric, transcript: Transcript) -> Scorecard:
        raise JudgeUnavailable("the LLM server at 127.0.0.1:9 did not answer", "start it")


def _notes(app: RoleplayApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notice the app gives, as given (a notice can time out before a test reads it)."""
    said: list[str] = []
    notify = app.notify

    def noted(message: Any, *args: Any, **kwargs: Any) -> None:
        said.append(f"{kwargs.get('title', '')}: {message}")
        notify(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", noted)
    return said


async def _ended_and_scoring(pilot: Pilot[None], app: RoleplayApp) -> tuple[str, HeldJudge]:
    """A call with a line, hung up; its judge held, so it is being scored."""
    held = HeldJudge(app.services.practice.judge)
    app.services.practice.judge = held
    await start_call(pilot, "price-objection", seed=2)
    screen = app.screen
    assert isinstance(screen, PracticeScreen)
    await say(pilot, LINE)
    await pilot.press("escape")
    await wait_for(pilot, lambda: bool(app.screen.query("#yes")))
    await pilot.click("#yes")
    await wait_for(pilot, held.started.is_set)
    return screen.call.record.id, held


async def _ctrl_q_while_scoring(pilot: Pilot[None], app: RoleplayApp) -> None:
    await pilot.press("ctrl+q")
    await pilot.pause()
    assert app.is_running, "Ctrl+Q while the call was scored quit without a word"
    await wait_for(pilot, lambda: app.screen.is_mounted and bool(app.screen.query("#wait")))
    assert "Scoring the call" in screen_text(app)
    text = " ".join(str(app.screen.query_one("#scoring-saved", Static).content).split())
    assert "scorecard is saved when the scoring is done" in text
    assert "offline judge (no LLM is configured)" in text


async def test_ctrl_q_while_scoring_says_so_and_the_scorecard_opens_when_ready(
    app: RoleplayApp,
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        sid, held = await _ended_and_scoring(pilot, app)
        try:
            await _ctrl_q_while_scoring(pilot, app)
        finally:
            dialog = app.screen
            held.release.set()  # the scoring ends while the question is open: the rep waited
        card = await wait_for_screen(pilot, ScorecardScreen)
        assert dialog not in app.screen_stack
        assert card.transcript.record.id == sid
        assert not any(isinstance(s, PracticeScreen) for s in app.screen_stack)
        await pilot.press("ctrl+q")  # nothing being scored: quits without asking
        await wait_for(pilot, lambda: not app.is_running)
    assert app.services.store.scorecard(sid) is not None


async def test_ctrl_q_twice_while_scoring_quits_and_the_scorecard_is_saved(
    app: RoleplayApp,
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        sid, held = await _ended_and_scoring(pilot, app)
        try:
            await _ctrl_q_while_scoring(pilot, app)
            await pilot.press("escape")  # wait: back to the call's screen, still scoring
            await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen))
            assert app.is_running
            await _ctrl_q_while_scoring(pilot, app)
            await pilot.press("ctrl+q")  # again, by habit: quits now
            await wait_for(pilot, lambda: app._exit)  # asked to exit (waits for the scoring)
        finally:
            held.release.set()
        await wait_for(pilot, lambda: not app.is_running)
    assert app.services.store.scorecard(sid) is not None  # the exit waited for it


async def test_quit_now_while_scoring_prints_the_session(
    app: RoleplayApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed: list[str] = []
    exit_ = app.exit

    def exit_with(result: None = None, return_code: int = 0, message: Any = None) -> None:
        printed.append(str(message))
        exit_(result, return_code, message)

    monkeypatch.setattr(app, "exit", exit_with)
    async with app.run_test(size=(100, 30)) as pilot:
        sid, held = await _ended_and_scoring(pilot, app)
        try:
            await _ctrl_q_while_scoring(pilot, app)
            await pilot.click("#quit")
            await wait_for(pilot, lambda: app._exit)
        finally:
            held.release.set()
        await wait_for(pilot, lambda: not app.is_running)
    [said] = printed  # what roleplay prints as it quits
    assert f"session {sid}" in said and f"roleplay show {sid}" in said
    assert app.services.store.scorecard(sid) is not None


def _unfinished(app: RoleplayApp) -> str:
    """A typed call with a line, left unfinished (quit to score later), before the app runs."""
    services = app.services
    call = services.practice.begin("price-objection", services.profile(), seed=2, mode="text")
    list(call.start())
    list(call.rep_says(LINE))
    return call.record.id


async def _history(pilot: Pilot[None]) -> None:
    await open_screen(pilot, "f3")
    app = pilot.app
    await wait_for(pilot, lambda: "unfinished" in screen_text(app))
    app.screen.query_one("#sessions").focus()
    await settle(pilot)


async def test_history_scores_an_unfinished_session_naming_the_judge(
    app: RoleplayApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = _unfinished(app)
    said = _notes(app, monkeypatch)
    async with app.run_test(size=(110, 30)) as pilot:
        await _history(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Score this call" in footer  # offered for the session that has no score
        await pilot.press("s")
        card = await wait_for_screen(pilot, ScorecardScreen)
        assert card.transcript.record.id == sid
        assert any("offline judge (no LLM is configured)" in s for s in said)
        assert card.card.kpis.rep_turns == 1
        await pilot.press("escape")  # back to History, which shows the score
        await wait_for(pilot, lambda: "Score this call" not in screen_text(app).splitlines()[-1])
    assert app.services.store.scorecard(sid) is not None


async def test_an_unscored_transcript_opened_from_history_is_scored_with_s(
    app: RoleplayApp,
) -> None:
    sid = _unfinished(app)
    async with app.run_test(size=(110, 30)) as pilot:
        await _history(pilot)
        await pilot.press("enter")
        transcript = await wait_for_screen(pilot, TranscriptScreen)
        text = " ".join(screen_text(app).split())
        assert "Not scored yet. Press s to score this call" in text
        assert "Score this call" in screen_text(app).splitlines()[-1]
        await pilot.press("s")
        card = await wait_for_screen(pilot, ScorecardScreen)
        assert transcript not in app.screen_stack  # the transcript became its scorecard
        assert card.transcript.record.id == sid
        await pilot.press("t")  # a scored session's transcript offers no scoring
        await wait_for_screen(pilot, TranscriptScreen)
        assert "Score this call" not in screen_text(app).splitlines()[-1]
    assert app.services.store.scorecard(sid) is not None


async def test_history_scoring_with_the_llm_unreachable_scores_offline_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace(tmp_path)
    sid = _unfinished(make_app(ws))
    settings = Settings(
        rep="tester",
        timezone="UTC",
        llm={"base_url": "http://127.0.0.1:9/v1", "max_retries": 0, "timeout": 5},
    )
    app = RoleplayApp(build(ws, settings=settings, clock=ManualClock()), voice=False)
    said = _notes(app, monkeypatch)
    async with app.run_test(size=(110, 30)) as pilot:
        await _history(pilot)
        await pilot.press("s")
        card = await wait_for_screen(pilot, ScorecardScreen)
        assert any("LLM judge (the offline judge if the LLM cannot be reached)" in s for s in said)
        assert any("LLM judge could not be reached" in s for s in said)
        assert card.card.approximate
        assert "could not score this call" in card.card.notes[0]
    assert app.services.store.scorecard(sid) is not None


async def test_history_scoring_that_fails_loses_nothing_and_says_why(
    app: RoleplayApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = _unfinished(app)
    before = (app.services.store.folder(sid) / "transcript.jsonl").read_bytes()
    app.services.practice.judge = DownJudge()
    said = _notes(app, monkeypatch)
    async with app.run_test(size=(110, 30)) as pilot:
        await _history(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: any("Not scored" in s for s in said))
        await settle(pilot)
        [why] = [s for s in said if "Not scored" in s]
        assert "127.0.0.1:9 did not answer" in why and "nothing is lost" in why
        assert app.is_running and not isinstance(app.screen, ScorecardScreen)
        assert "Score this call" in screen_text(app).splitlines()[-1]  # can be tried again
    assert app.services.store.scorecard(sid) is None
    assert (app.services.store.folder(sid) / "transcript.jsonl").read_bytes() == before


async def test_the_scorecard_and_today_agree_on_a_skill_below_the_pass_level(
    app: RoleplayApp,
) -> None:
    """A weak first call: Today lists its skills as due (below the pass level) while the
    scorecard said they come back tomorrow. Now the scorecard says they stay in today's
    queue, and gives a day only for the skills Today does not list."""
    async with app.run_test(size=(100, 40)) as pilot:
        await start_call(pilot, "cold-call-gatekeeper", seed=1)
        await say(pilot, "Hi.")
        await hang_up(pilot)
        card = await wait_for_screen(pilot, ScorecardScreen)
        [shown] = [str(w.content) for w in card.query(Static) if "Comes back" in str(w.content)]
        await pilot.press("escape")
        home = await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
        # Due on Today: a queued skill, or one its call practises too (QueueItem.also).
        due = {s for i in home._items if i.kind == "due" for s in (i.skill, *i.also)}
        scored = set(card.comes_back)
        assert scored & due, "the weak call left no skill due today"
        assert _said_today(shown) == scored & due
        for skill in scored - due:
            assert f"{skill}: {card.comes_back[skill]:%a %d %b}" in shown


def test_the_cli_says_it_as_the_scorecard_does(app: RoleplayApp) -> None:
    """`roleplay score ID` (and practice) print the same words as the app's scorecard."""
    from roleplay.cli.render import schedule_lines
    from roleplay.services.daily import today

    services = app.services
    call = services.practice.begin("cold-call-gatekeeper", services.profile(), seed=1)
    list(call.start())
    list(call.rep_says("Hi."))
    result = services.end_of_call().finish(call)
    printed = "\n".join(schedule_lines(result))
    shown = today(services.habit("tester"), services.catalog())
    due = {s for i in (*shown.plan, *shown.more) if i.kind == "due" for s in (i.skill, *i.also)}
    assert set(result.comes_back) & due, "a one-line call left no skill due today"
    assert _said_today(printed) == set(result.comes_back) & due
    for skill, day in result.comes_back.items():
        if skill not in due:
            assert f"  {skill}: {day:%a %d %b}" in printed


def _said_today(text: str) -> set[str]:
    """The skills a scorecard's "Comes back" says are back today (below the pass level),
    and none of them also given a later day."""
    lines = text.splitlines()
    heads = [n for n, line in enumerate(lines) if "today (below the pass level):" in line]
    if not heads:
        return set()
    [head] = heads
    indent = len(lines[head]) - len(lines[head].lstrip())
    skills = set()
    for line in lines[head + 1 :]:
        if len(line) - len(line.lstrip()) <= indent:
            break
        skills.add(line.strip())
    assert not any(line.strip().startswith(f"{s}:") for s in skills for line in lines)
    return skills
