"""The TextToSpeech contract (the customer's voice), run against espeak-ng through pyttsx3 and
the silent voice. Whatever speaks, a sentence lasts as long as saying it takes, at the persona's
pace, so turn timings mean the same with or without sound."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from roleplay.adapters.tts_silent import SilentSpeech
from roleplay.domain.scenario import Voice
from roleplay.services.ports import Clip, TextToSpeech
from tests.speech import needs_espeak


@pytest.fixture(params=[pytest.param("espeak", marks=needs_espeak), "silent"])
def tts(request: pytest.FixtureRequest) -> Iterator[TextToSpeech]:
    if request.param == "silent":
        yield SilentSpeech()
        return
    from roleplay.adapters.tts_pyttsx3 import Pyttsx3Speech

    made = Pyttsx3Speech()
    yield made
    made.close()


def test_speech_lasts_as_long_as_the_sentence(tts: TextToSpeech) -> None:
    short = tts.synthesise("Okay.", Voice(), "en")
    long = tts.synthesise("We re-plan every route by hand, every single morning.", Voice(), "en")
    for clip in (short, long):
        assert isinstance(clip, Clip) and clip.samples.dtype == np.float32 and clip.rate > 0
        assert clip.samples.ndim == 1 and float(np.max(np.abs(clip.samples))) <= 1.0
    assert 0.2 < short.duration < long.duration < 6
    assert tts.name


def test_the_personas_pace_is_kept(tts: TextToSpeech) -> None:
    line = "Send me an invite for next week."
    slow = tts.synthesise(line, Voice(rate=120), "en")
    fast = tts.synthesise(line, Voice(rate=220), "en")
    assert slow.duration > fast.duration * 1.4


def test_the_same_line_lasts_the_same_each_time(tts: TextToSpeech) -> None:
    line = "What budget have you set aside for this?"
    first, again = tts.synthesise(line, Voice(), "en"), tts.synthesise(line, Voice(), "en")
    assert again.duration == pytest.approx(first.duration, abs=0.05)
