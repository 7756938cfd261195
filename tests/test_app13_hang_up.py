"""Ending a call while the LLM customer's server is slow or hung.

A rep who pressed End (or quit) while the OpenAI-compatible server was hanging on the reply was
stuck until the request timed out (30 s by default). Now the reply in flight is cut at once:
the HTTP request is closed (the server sees the client go), every line said so far is saved,
and the call is scored and saved as any ended call is.

The server here is a real HTTP server on a local port (tests/fake_openai.py) that takes the
request and then holds it, answering nothing (or one sentence, then nothing). The client's
timeout is set far beyond the tests' waits, so only a hang-up that really cuts the request
lets them pass; the waits only bound a failure.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from roleplay.adapters.clock import ManualClock
from roleplay.adapters.openai_llm import LlmClient, LlmConfig
from roleplay.composition import build, build_voice, listen_settings
from roleplay.config import LlmSettings, Settings
from roleplay.services.engine import CallState
from roleplay.services.ports import HangUp
from roleplay.services.voice_call import VoiceCall
from roleplay.services.voice_events import CallEnded, VoiceEvent
from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import make_app, make_workspace, say, settle, wait_for, wait_for_screen
from tests.fake_openai import FakeOpenAI, Reply
from tests.speech import conversation, needs_espeak, write_wav
from tests.test_voice_recovery import LINES, tiny_en  # noqa: F401 - tiny_en is a fixture

NEVER = 150  # seconds: the client's timeout and the server's hold, beyond every wait here
BOUND = 60.0  # seconds a test waits for what should happen at once, before it fails
REP_LINE = "What made you look at this now, and who else has a say in it?"
FIRST = "Honestly, the board asked for it. "  # the one sentence sent before the server stalls


@pytest.fixture
def stalling_llm(fake_llm: FakeOpenAI) -> FakeOpenAI:
    fake_llm.hold_seconds = NEVER
    return fake_llm


def _wait(condition: Any, what: str) -> None:
    done = threading.Event()
    for _ in range(int(BOUND / 0.05)):
        if condition():
            done.set()
            break
        done.wait(0.05)
    assert done.is_set(), f"timed out waiting for {what}"


@pytest.mark.parametrize(
    "reply",
    [
        Reply(hang_first=True),
        Reply(FIRST + "And the rest never comes.", chunk_size=len(FIRST), hang_after=1),
    ],
    ids=["no-answer", "one-sentence-then-nothing"],
)
def test_a_hang_up_cuts_the_request_and_ends_the_stream(
    stalling_llm: FakeOpenAI, reply: Reply
) -> None:
    stalling_llm.queue(reply)
    llm = LlmClient(
        LlmConfig(base_url=stalling_llm.url, api_key=None, model="test-model", timeout=NEVER)
    )
    hang_up = HangUp()
    got: list[str] = []
    failed: list[BaseException] = []

    def read() -> None:
        try:
            got.extend(llm.stream_chat([{"role": "user", "content": "hi"}], hang_up=hang_up))
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            failed.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    _wait(lambda: stalling_llm.holding == 1, "the server to hold the request")
    hang_up.set()
    reader.join(BOUND)
    assert not reader.is_alive(), "the stream did not end when the call was hung up"
    assert failed == []  # hung up: no error to show the rep
    assert "".join(got) == ("" if reply.hang_first else FIRST)
    _wait(lambda: stalling_llm.left == 1, "the server to see the client go")
    assert len(stalling_llm.requests) == 1  # not sent again (the openai client retries)
    # The client goes on: the next request (the judge's) is answered.
    assert llm.complete([{"role": "user", "content": "hi"}]) == "Okay."
    llm.close()


def _app(tmp_path: Path, server: FakeOpenAI) -> RoleplayApp:
    llm = {
        "base_url": server.url,
        "model": "test-model",
        "timeout": NEVER,
        "max_retries": 0,
    }
    return make_app(make_workspace(tmp_path), settings={"llm": llm})


async def _stalled_reply(
    pilot: Pilot[None], app: RoleplayApp, server: FakeOpenAI
) -> PracticeScreen:
    """A typed call whose customer (the LLM) said one sentence of its reply and stalls."""
    await settle(pilot)
    app.start_practice("price-objection", seed=2)
    screen = await wait_for_screen(pilot, PracticeScreen)  # the scenario's own opening line
    await say(pilot, "Thanks for taking the call.")  # answered in full
    server.queue(
        Reply(FIRST + "And then the rest never comes.", chunk_size=len(FIRST), hang_after=1)
    )
    box = screen.query_one("#say", Input)
    box.value = REP_LINE
    box.focus()
    await pilot.press("enter")  # not say(): it waits for the reply, which never comes

    def stalled() -> bool:
        said = [t for t in screen.query(".customer")]
        return server.holding == 1 and any("the board asked" in str(t.content) for t in said)  # type: ignore[attr-defined]

    await wait_for(pilot, stalled, BOUND)
    return screen


async def test_ending_the_call_while_the_llm_hangs_scores_and_saves_it_at_once(
    tmp_path: Path, stalling_llm: FakeOpenAI
) -> None:
    app = _app(tmp_path, stalling_llm)
    async with app.run_test(size=(100, 30)) as pilot:
        await _stalled_reply(pilot, app, stalling_llm)
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(app.screen.query("#yes")))
        await pilot.click("#yes")
        card = await wait_for_screen(pilot, ScorecardScreen, BOUND)
        # The server still held the request when the call ended: it was cut, not timed out.
        await wait_for(pilot, lambda: stalling_llm.left == 1, BOUND)
        assert card.transcript.turns[-1].text == FIRST.strip()
    [record] = app.services.store.records()
    assert record.outcome == "rep-ended" and record.ended_at is not None
    turns = app.services.store.load(record.id).turns
    rep = [t.text for t in turns if t.speaker == "rep"]
    assert rep == ["Thanks for taking the call.", REP_LINE]  # every line the rep said
    assert turns[-1].speaker == "customer" and turns[-1].text == FIRST.strip()
    assert "interrupted" in turns[-1].tags  # the customer was cut off by the hang-up
    saved = app.services.store.scorecard(record.id)
    assert saved is not None and saved.kpis.rep_turns == 2


async def test_quitting_while_the_llm_hangs_keeps_every_line_and_lets_go_of_the_server(
    tmp_path: Path, stalling_llm: FakeOpenAI
) -> None:
    """Ctrl+Q, Quit and score later: the app leaves without waiting on the hung request."""
    app = _app(tmp_path, stalling_llm)
    async with app.run_test(size=(100, 30)) as pilot:
        await _stalled_reply(pilot, app, stalling_llm)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: bool(app.screen.query("#keep")))
        await pilot.click("#keep")
        await wait_for(pilot, lambda: not app.is_running, BOUND)
    _wait(lambda: stalling_llm.left == 1, "the server to see the client go")
    [record] = app.services.store.records()
    assert record.ended_at is None  # kept to score later, as the dialog says
    turns = app.services.store.load(record.id).turns
    assert [t.text for t in turns if t.speaker == "rep"] == [
        "Thanks for taking the call.",
        REP_LINE,
    ]
    assert turns[-1].text == FIRST.strip() and "interrupted" in turns[-1].tags


@needs_espeak
@pytest.mark.slow
def test_hanging_up_a_spoken_call_while_the_llm_hangs_ends_it_at_once(
    mini_workspace: Path,
    tmp_path: Path,
    tiny_en: Any,  # noqa: F811 - the fixture
    stalling_llm: FakeOpenAI,
) -> None:
    """A spoken call ended as the app's End ends it (PracticeScreen.end_now): its loop waited
    10 s for the reply's thread, then ended the call under it, the request still open."""
    wav = write_wav(tmp_path / "rep.wav", conversation(LINES[:1], gap=2.0).audio)
    stalling_llm.default = Reply(hang_first=True)  # every reply (and early reply) hangs
    clock = ManualClock(start=datetime.now(UTC))
    llm = LlmSettings(base_url=stalling_llm.url, model="test-model", timeout=NEVER, max_retries=0)
    services = build(mini_workspace, settings=Settings(rep="tester", llm=llm), clock=clock)
    call = services.practice.begin("mini", services.profile(), seed=7, mode="voice")
    parts = build_voice(
        services, audio_in=wav, realtime=False, speaker="none", tts="silent", stt=tiny_en
    )
    events: list[VoiceEvent] = []
    voice = VoiceCall(
        call, parts, listen_settings(services.settings), events.append, timeline=clock
    )
    voice.prepare()
    loop = threading.Thread(target=voice.run, daemon=True)
    loop.start()
    _wait(lambda: any(t.speaker == "rep" for t in call.turns), "the rep's turn")
    _wait(lambda: stalling_llm.holding >= 1, "the server to hold the reply")
    call.hang_up()
    voice.hang_up()
    loop.join(BOUND)
    assert not loop.is_alive(), "the call did not end when it was hung up"
    assert call.state is CallState.ENDED
    assert any(isinstance(e, CallEnded) for e in events)
    _wait(lambda: stalling_llm.holding == 0, "the server to see every request go")
    assert stalling_llm.left >= 1
    saved = services.store.load(call.record.id)
    assert [t.speaker for t in saved.turns] == ["customer", "rep"]  # the reply never came
    services.close()
