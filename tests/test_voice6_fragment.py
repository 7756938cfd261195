"""Issue 18 (voice6): the rep's first word, heard on its own while they go on ("What... would
make this a priority?"), does not ask the customer for a reply; a genuine one-word turn
("Really?") is still answered from the reply asked for early.

A spoken call in real time: espeak-ng speaks the rep's lines from a file standing in for the
microphone, Silero hears them, tiny.en transcribes them, and the customer is the LLM customer
against the OpenAI-compatible test server (real sockets, SSE, 300 ms to the first token)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from roleplay.adapters.clock import ManualClock
from roleplay.composition import build, build_voice
from roleplay.config import LlmSettings, Settings
from roleplay.domain.turn_taking import TurnEndPolicy
from roleplay.services.listening import ListenSettings
from roleplay.services.voice_call import VoiceCall
from tests.fake_openai import FakeOpenAI, Reply
from tests.speech import RATE, needs_espeak, normalise, say, wer, write_wav
from tests.test_voice_call import tiny_en

__all__ = ["tiny_en"]

HESITATES = "What... would make this a priority for your boss?"
ONE_WORD = "Really?"


@pytest.mark.parametrize(
    ("said", "language"),
    [
        ("What?", "en"),
        ("How?", "en"),
        ("Um, what?", "en"),
        ("So?", "en"),
        ("Would?", "en"),
        ("That sounds painful. What?", "en"),  # the next sentence has just begun
        ("What? Would?", "en"),  # a partial after the rep went on: its last word alone
        ("Hva?", "nb"),
    ],
)
def test_a_lone_opening_word_is_a_fragment(said: str, language: str) -> None:
    from roleplay.domain.turn_taking import fragment

    assert fragment(said, language)
    # ...which does not end the turn after a question's short pause: the default silence
    policy = TurnEndPolicy(silence=0.65, question=0.25)
    assert policy.silence_needed(said, language) == policy.silence


@pytest.mark.parametrize(
    "said",
    ["Really?", "Yes?", "Right?", "Okay?", "Seriously?", "What would it be?", "Why not?", ""],
)
def test_a_word_that_can_be_a_whole_turn_is_not(said: str) -> None:
    from roleplay.domain.turn_taking import fragment

    assert not fragment(said)


def _rep_words(request: dict[str, Any]) -> str:
    messages = request["body"].get("messages") or []
    users = [m["content"] for m in messages if m.get("role") == "user"]
    return users[-1] if users else ""


@needs_espeak
@pytest.mark.slow
def test_the_first_word_alone_does_not_ask_for_a_reply(
    mini_workspace: Path, tmp_path: Path, tiny_en, fake_llm: FakeOpenAI
) -> None:
    gap = np.zeros(int(3.0 * RATE), np.float32)
    audio = np.concatenate([gap, say(HESITATES), gap, say(ONE_WORD), gap])
    wav = write_wav(tmp_path / "rep.wav", audio)
    fake_llm.default = Reply("Hmm. Let me think about that.", first_token_delay=0.3)
    llm = LlmSettings(base_url=fake_llm.url, model="test-model", api_key="sk-t", max_retries=0)
    services = build(mini_workspace, settings=Settings(rep="tester", llm=llm), clock=ManualClock())
    call = services.practice.begin("mini", services.profile(), seed=7, mode="voice")
    parts = build_voice(
        services, audio_in=wav, realtime=True, speaker="none", tts="silent", stt=tiny_en
    )
    # Long silences to end a turn, so that on a busy machine (transcription ~0.5 s) each turn
    # ends on its words and after its early reply was asked for, never on the clock: what
    # is tested is which words a reply is asked for, not how soon.
    policy = TurnEndPolicy(silence=2.0, question=1.0, statement=1.0, trailing=2.0)
    voice = VoiceCall(call, parts, ListenSettings(policy=policy))
    voice.prepare()
    voice.run()
    transcript = services.store.load(call.record.id)
    rep = [t.text for t in transcript.rep_turns()]
    assert len(rep) == 2, rep  # the hesitation did not end the turn
    assert wer(HESITATES, rep[0]) < 0.3, rep
    asked = [normalise(_rep_words(r)) for r in fake_llm.requests]
    assert not any(a.split()[-1:] == ["what"] for a in asked), asked  # "What?", "What? What?"
    # The one-word turn was answered from the reply asked for before the turn ended.
    reply = transcript.turns[-1]
    assert reply.speaker == "customer" and reply.text, transcript.turns
    assert normalise(rep[1]) == "really", rep
    assert reply.timings.get("speculative") == 1.0, (asked, reply.timings)
