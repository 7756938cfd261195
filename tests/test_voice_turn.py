"""The voice turn in real time: the reply asked for before the rep falls silent (a partial
that reads as a finished question) never costs the rep a word, and the first sentence of an
early reply is synthesised before the turn ends (tests/test_speculation.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from roleplay.adapters.scripted_customer import ScriptedCustomer
from roleplay.adapters.tts_silent import SilentSpeech
from roleplay.composition import build, build_voice, listen_settings
from roleplay.config import Settings
from roleplay.domain.scenario import Voice
from roleplay.domain.turn_taking import same_words
from roleplay.services.listening import Paused, RepListener, TurnEnded
from roleplay.services.ports import Clip, CustomerEvent, CustomerRequest
from roleplay.services.voice_call import VoiceCall, VoiceParts
from roleplay.services.voice_events import VoiceEvent
from tests.speech import RATE, needs_espeak, say, wer, write_wav
from tests.test_voice_call import tiny_en

__all__ = ["tiny_en"]
pytestmark = [needs_espeak, pytest.mark.slow]

# One turn whose partials, taken while it is spoken, read as a finished question ("How does
# a typical morning look?") before it is over.
GOES_ON = "How does a typical morning look, I mean for your dispatch team on a bad day?"


class AskedCustomer(ScriptedCustomer):
    """The scripted customer, noting the rep's last words of every reply asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def respond(self, request: CustomerRequest) -> Iterator[CustomerEvent]:
        self.asked.append(request.turns[-1].text if request.turns else "")
        events: list[CustomerEvent] = list(super().respond(request))
        yield from events


class CountingSpeech(SilentSpeech):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def synthesise(self, text: str, voice: Voice, language: str) -> Clip:
        self.texts.append(text)
        return super().synthesise(text, voice, language)


def test_an_early_guess_never_costs_the_rep_a_word(
    mini_workspace: Path, tmp_path: Path, tiny_en
) -> None:
    gap = np.zeros(int(3.0 * RATE), np.float32)
    audio = np.concatenate([gap, say(GOES_ON), gap])
    wav = write_wav(tmp_path / "goes-on.wav", audio)
    settings = Settings(rep="tester")
    services = build(mini_workspace, settings=settings)
    call = services.practice.begin("mini", services.profile(), seed=7, mode="voice")
    customer = AskedCustomer()
    call.switch_customer(customer)
    tts = CountingSpeech()
    built = build_voice(
        services, audio_in=wav, realtime=True, speaker="none", tts="silent", stt=tiny_en
    )
    parts = VoiceParts(built.source, built.speaker, built.stt, tts, built.vad, built.recorder)
    events: list[VoiceEvent] = []
    voice = VoiceCall(call, parts, listen_settings(settings), events.append)
    voice.prepare()
    voice.run()
    transcript = services.store.load(call.record.id)
    rep = [t.text for t in transcript.rep_turns()]
    assert len(rep) == 1, rep  # one turn, not cut at the comma
    assert wer(GOES_ON, rep[0]) < 0.2, rep
    # The reply committed is the one to the whole turn, whatever was guessed on the way: the
    # same words (a reply asked for before Whisper added the closing full stop is the same reply,
    # by the rule speculation commits by).
    assert same_words(customer.asked[-1], rep[0]), (customer.asked, rep)
    reply = [t for t in transcript.turns if t.speaker == "customer"][-1]
    assert reply.index == transcript.turns[-1].index and reply.text
    assert any(reply.text.startswith(x) for x in tts.texts)  # heard: it was synthesised


def test_a_question_is_announced_with_the_words_of_the_whole_turn(tmp_path: Path, tiny_en) -> None:
    """The listener on its own, live: whatever it announced early, its last announcement and
    the turn's words are the whole question."""
    from roleplay.adapters.audio_file import FileAudioSource
    from roleplay.adapters.vad import SileroVad

    line = "What would a good week look like for your drivers?"
    gap = np.zeros(int(1.5 * RATE), np.float32)
    wav = write_wav(tmp_path / "q.wav", np.concatenate([gap, say(line), gap]))
    heard: list[object] = []
    listener = RepListener(
        FileAudioSource(wav, realtime=True),
        SileroVad(),
        tiny_en,
        "en",
        listen_settings(Settings(rep="tester")),
        heard=heard.append,
        notify=lambda _e: None,
        open_track=lambda: None,
    )
    listener.start()
    assert listener._thread is not None
    listener._thread.join(timeout=60)
    listener.stop()
    ended = [h for h in heard if isinstance(h, TurnEnded)]
    assert len(ended) == 1
    words = ended[0].text.result(timeout=30)
    assert wer(line, words) < 0.2, words
    paused = [h for h in heard if isinstance(h, Paused)]
    assert paused and wer(words, paused[-1].text) == 0, [p.text for p in paused]
