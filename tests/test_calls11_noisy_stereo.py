"""Stereo calls on a noisy phone line: a stretch read alone makes no word up (calls11, stop 34).

`call_audio.missed` reads alone a stereo channel's loud stretch that no word touches, to find
the rep's "Right." Whisper left out. On a phone line with hiss the quiet between turns is
"loud" too (the hiss is within MISSED_LEVEL_DB of the speech at 10-15 dB), so those stretches
are candidates; only the speech filter and Whisper's no-speech checks stand between the hiss
and a made-up word. These calls are made of the real recordings (the customer, right) and
espeak-ng (the rep, left), each side through its own 300-3400 Hz line with its own noise, and go
through the real pipeline (tiny.en): every word read alone must be one its side said.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.calls import READER, make_call, phone_line, real_utterances, write_stereo
from tests.speech import RATE, needs_espeak, normalise, speech_dir

__all__ = ["speech_dir"]  # the fixture


class Counting:
    """The real speech to text, recording what each stretch read alone said."""

    def __init__(self, stt: Any) -> None:
        self.stt = stt
        self.alone: list[tuple[int, str]] = []  # (channel: 0 left, 1 right, what it said)
        self.channel = -1

    def transcribe_samples(self, *args: Any, **kwargs: Any) -> Any:
        self.channel += 1  # the channels are transcribed in turn, each read alone after it
        return self.stt.transcribe_samples(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stt, name)

    def transcribe(self, samples: np.ndarray, language: str, prompt: str = "") -> str:
        said: str = self.stt.transcribe(samples, language, prompt)
        self.alone.append((self.channel, said))
        return said


@pytest.fixture(scope="module")
def stt() -> Any:
    from roleplay.adapters.stt_whisper import WhisperSpeech

    speech = WhisperSpeech("tiny.en", models_dir=Path("unused"), cpu_threads=1)
    speech.load()
    return speech


def _noisy(track: np.ndarray, speech_power: float, snr_db: float, seed: int) -> np.ndarray:
    level = np.sqrt(speech_power / 10 ** (snr_db / 10))
    hiss = np.random.default_rng(seed).normal(0, level, len(track))
    return (track + hiss).astype(np.float32)


def _bursts(length: int, level: float, seed: int) -> np.ndarray:
    """Crackle on the line: 0.3-0.6 s bursts of noise every few seconds."""
    rng = np.random.default_rng(seed)
    out = np.zeros(length, np.float32)
    at = int(rng.uniform(1, 3) * RATE)
    while at < length:
        n = int(rng.uniform(0.3, 0.6) * RATE)
        out[at : at + n] = rng.normal(0, level, len(out[at : at + n]))
        at += n + int(rng.uniform(2, 5) * RATE)
    return out


@needs_espeak
@pytest.mark.slow
@pytest.mark.parametrize(
    ("snr_db", "echo_db", "crackle"),
    [(15.0, None, False), (10.0, None, False), (30.0, -18.0, True), (25.0, -25.0, True)],
)
def test_a_noisy_phone_stereo_call_gets_no_word_made_up(
    stt: Any,
    speech_dir: Path,
    tmp_path: Path,
    snr_db: float,
    echo_db: float | None,
    crackle: bool,
) -> None:
    from roleplay.adapters.call_audio import CallTranscriber

    made = make_call(
        customer_audio=real_utterances(speech_dir / "multilingual.mp3"),
        customer_text=READER,
        turns=6,
        overlap=-0.6,  # pauses between the turns: the line's noise alone, on both channels
    )
    rep, customer = phone_line(made.rep), phone_line(made.customer)
    both = rep + customer
    power = float(np.mean(both[np.abs(both) > 0.005] ** 2))
    if echo_db is not None:  # each side heard faintly on the other's line
        rep, customer = rep + customer * 10 ** (echo_db / 20), customer + rep * 10 ** (echo_db / 20)
    left = _noisy(rep, power, snr_db, 1)
    right = _noisy(customer, power, snr_db, 2)
    if crackle:
        left += _bursts(len(left), np.sqrt(power), 3)
        right += _bursts(len(right), np.sqrt(power), 4)
    peak = max(1.0, float(np.abs(np.concatenate([left, right])).max()) / 0.9)
    path = write_stereo(tmp_path / "call.wav", left / peak, right / peak)
    reading = Counting(stt)
    reading_any: Any = reading
    found = CallTranscriber(reading_any).transcribe(path, "en", "stereo")
    assert {w.speaker for w in found.words} == {"left", "right"}
    said = (made.rep_vocabulary, made.customer_vocabulary)
    made_up = [
        (("left", "right")[side], text)
        for side, text in reading.alone
        if any(w not in said[side] for w in normalise(text).split())
    ]
    assert made_up == [], reading.alone  # nothing read out of the noise or the other's echo
    print(f"{snr_db} dB, echo {echo_db}: read alone {reading.alone}")
