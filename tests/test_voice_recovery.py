"""When a part of a call fails: the customer (one policy for every kind of call) or the voice.

The customer is the LLM customer against the real OpenAI-compatible test server, failing the
way a server does (HTTP 500); the voice is the silent text-to-speech that breaks after its
first sentence, as espeak-ng does when it hangs or writes no audio.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from roleplay.adapters.tts_silent import SilentSpeech
from roleplay.composition import build, build_voice, listen_settings
from roleplay.config import LlmSettings, Settings
from roleplay.domain.scenario import Voice
from roleplay.services.engine import CallState
from roleplay.services.ports import Clip, Customer, CustomerUnavailable
from roleplay.services.recovery import OFFLINE_NOTICE, CustomerRecovery, Recovery
from roleplay.services.voice_call import VoiceCall
from roleplay.services.voice_errors import SynthesisFailed
from roleplay.services.voice_events import CustomerSentence, Notice, VoiceEvent
from tests.fake_openai import FakeOpenAI, Reply
from tests.helpers import said
from tests.speech import conversation, needs_espeak, write_wav

LINES = [
    "Hi Dana, thanks for taking the time. How does a typical morning look for your team?",
    "That sounds painful. What budget have you set aside for fixing that?",
]


def _llm_services(ws: Path, server: FakeOpenAI, clock: ManualClock | None = None):
    llm = LlmSettings(base_url=server.url, model="test-model", api_key="sk-test", max_retries=0)
    return build(ws, settings=Settings(rep="tester", llm=llm), clock=clock or ManualClock())


def _failed_call(ws: Path, server: FakeOpenAI):
    """A typed call whose LLM customer opened (its opening line is scripted) and failed on
    the rep's first turn."""
    server.queue(Reply(status=500, error="boom"))
    s = _llm_services(ws, server)
    call = s.practice.begin("mini", s.profile(), seed=7)
    said(call.start())
    with pytest.raises(CustomerUnavailable):
        said(call.rep_says("How does a typical morning look for your team?"))
    return s, call


def test_going_offline_answers_the_rep_turn_that_failed(mini_workspace: Path, fake_llm) -> None:
    s, call = _failed_call(mini_workspace, fake_llm)
    recovery = CustomerRecovery(call, s.offline_customer)
    assert recovery.choices() == (Recovery.RETRY, Recovery.OFFLINE, Recovery.END)
    notes: list[str] = []
    events = recovery.apply(Recovery.OFFLINE, notes.append)
    assert events is not None
    assert said(events)  # the scripted customer answers the question that was left hanging
    assert notes == [OFFLINE_NOTICE]
    turns = s.store.load(call.record.id).turns
    assert [t.speaker for t in turns] == ["customer", "rep", "customer"]
    assert turns[0].source != turns[2].source  # the LLM opened, the scripted customer answered


def test_retry_asks_the_same_customer_again(mini_workspace: Path, fake_llm) -> None:
    s, call = _failed_call(mini_workspace, fake_llm)
    fake_llm.queue(Reply("Mornings are chaos, honestly."))
    events = CustomerRecovery(call, s.offline_customer).apply(Recovery.RETRY, print)
    assert events is not None and said(events) == "Mornings are chaos, honestly."


def test_without_a_fallback_only_retry_and_end_are_offered(mini_workspace: Path, fake_llm) -> None:
    s, call = _failed_call(mini_workspace, fake_llm)
    recovery = CustomerRecovery(call, None)
    assert recovery.choices() == (Recovery.RETRY, Recovery.END)
    assert recovery.unattended() is None  # a spoken call keeps listening
    with pytest.raises(ValueError, match="offline"):
        recovery.apply(Recovery.OFFLINE, print)
    assert recovery.apply(Recovery.END, print) is None
    assert call.state is CallState.AWAITING_REP  # ending is the interface's call.end()
    assert len(s.store.load(call.record.id).turns) == 2  # nothing lost


# --- spoken calls -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_en():
    from roleplay.adapters.stt_whisper import WhisperSpeech

    stt = WhisperSpeech("tiny.en", models_dir=Path("unused"))
    stt.load()
    return stt


class VoiceThatBreaks(SilentSpeech):
    """Speaks `works` sentences, then fails as espeak-ng does when it writes no audio."""

    def __init__(self, works: int) -> None:
        self.left = works

    def synthesise(self, text: str, voice: Voice, language: str) -> Clip:
        if self.left <= 0:
            raise SynthesisFailed(f"espeak-ng produced no audio for {text[:20]!r}")
        self.left -= 1
        return super().synthesise(text, voice, language)


def _spoken_call(wav: Path, stt, services, clock: ManualClock, *, tts=None, fallback=None):
    call = services.practice.begin("mini", services.profile(), seed=7, mode="voice")
    parts = build_voice(
        services, audio_in=wav, realtime=False, speaker="none", tts="silent", stt=stt
    )
    if tts is not None:
        parts = dataclasses.replace(parts, tts=tts)
    events: list[VoiceEvent] = []
    voice = VoiceCall(
        call,
        parts,
        listen_settings(services.settings),
        events.append,
        timeline=clock,
        fallback=fallback,
    )
    voice.prepare()
    voice.run()
    return services.store.load(call.record.id), events


@needs_espeak
@pytest.mark.slow
def test_when_the_voice_fails_the_call_goes_on_in_text(
    mini_workspace: Path, tmp_path: Path, tiny_en
) -> None:
    wav = write_wav(tmp_path / "rep.wav", conversation(LINES, gap=2.0).audio)
    clock = ManualClock(start=datetime.now(UTC))
    services = build(mini_workspace, settings=Settings(rep="tester"), clock=clock)
    switched: list[str] = []

    def fallback() -> Customer:  # a broken voice is not the customer's fault
        switched.append("scripted")
        return services.offline_customer()

    transcript, events = _spoken_call(
        wav, tiny_en, services, clock, tts=VoiceThatBreaks(works=1), fallback=fallback
    )
    customer = [t for t in transcript.turns if t.speaker == "customer"]
    rep = transcript.rep_turns()
    assert len(rep) == 2 and len(customer) == 3  # every rep turn was answered
    assert customer[0].audio is not None  # the opening line was heard...
    assert all(t.audio is None and t.text for t in customer[1:])  # ...then shown as text
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert sum("voice failed" in n for n in notices) == 1, notices  # said once, plainly
    assert "shown as text" in " ".join(notices)
    shown = [e.text for e in events if isinstance(e, CustomerSentence)]
    assert all(t.text in " ".join(shown) for t in customer)  # every reply reached the screen
    assert switched == []


@needs_espeak
@pytest.mark.slow
def test_a_spoken_call_goes_on_with_the_scripted_customer_when_the_llm_fails(
    mini_workspace: Path, tmp_path: Path, tiny_en, fake_llm: FakeOpenAI
) -> None:
    wav = write_wav(tmp_path / "rep.wav", conversation(LINES, gap=2.0).audio)
    fake_llm.default = Reply(status=500, error="boom")  # down from the rep's first turn on
    clock = ManualClock(start=datetime.now(UTC))
    services = _llm_services(mini_workspace, fake_llm, clock)
    transcript, events = _spoken_call(
        wav, tiny_en, services, clock, fallback=services.offline_customer
    )
    turns = transcript.turns
    assert [t.speaker for t in turns[:3]] == ["customer", "rep", "customer"]
    assert turns[2].text and turns[2].source != turns[0].source  # answered, offline
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert OFFLINE_NOTICE in notices
    assert all(t.speaker == "customer" for t in turns[2::2])  # every rep turn answered
