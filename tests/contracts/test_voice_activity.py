"""The VoiceActivity contract (is the rep speaking in this block?), run against the Silero model
shipped with faster-whisper and the loudness threshold."""

from __future__ import annotations

import numpy as np
import pytest

from roleplay.adapters.vad import EnergyVad, SileroVad
from roleplay.services.ports import VoiceActivity
from tests.speech import needs_espeak, say


@pytest.fixture(params=["silero", "energy"])
def vad(request: pytest.FixtureRequest) -> VoiceActivity:
    return SileroVad() if request.param == "silero" else EnergyVad()


def _blocks(vad: VoiceActivity, audio: np.ndarray) -> list[float]:
    n = vad.block_size
    return [vad.probability(audio[i : i + n]) for i in range(0, len(audio) - n + 1, n)]


def test_silence_is_not_speech(vad: VoiceActivity) -> None:
    quiet = np.random.default_rng(1).normal(0, 1e-4, 16_000).astype(np.float32)  # a quiet room
    assert max(_blocks(vad, quiet)) < 0.5


@needs_espeak
def test_speech_is_speech(vad: VoiceActivity) -> None:
    speech = say("How does a typical morning look for your dispatch team?")
    probabilities = _blocks(vad, speech)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert sum(p > 0.5 for p in probabilities) > len(probabilities) / 3  # most of a sentence


@needs_espeak
def test_reset_starts_a_new_stream(vad: VoiceActivity) -> None:
    speech = say("Tell me more about that.")
    first = _blocks(vad, speech)
    vad.reset()
    assert _blocks(vad, speech) == pytest.approx(first, abs=1e-5)  # no memory of the last call
