"""The SpeechToText contract, run against the real tiny.en model (shipped offline) and the
taught recogniser. Lines are spoken by espeak-ng; the taught one learns those same recordings,
so both must hear the same words in the same places."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from roleplay.adapters.memory_speech import TaughtSpeech
from roleplay.services.ports import SAMPLE_RATE, SpeechToText, SpeechUnavailable
from tests.speech import needs_espeak, say, wer, write_wav

pytestmark = needs_espeak

LINES = [
    "How does a typical morning look for your dispatch team",
    "What happens when a truck breaks down before nine",
]


@pytest.fixture(scope="module")
def spoken() -> list[np.ndarray]:
    return [say(line) for line in LINES]


@pytest.fixture(scope="module", params=["tiny.en", "taught"])
def stt(request: pytest.FixtureRequest, spoken: list[np.ndarray]) -> Iterator[SpeechToText]:
    if request.param == "tiny.en":
        from roleplay.adapters.stt_whisper import WhisperSpeech

        yield WhisperSpeech("tiny.en", models_dir=Path("unused"))
        return
    taught = TaughtSpeech()
    for audio, line in zip(spoken, LINES, strict=True):
        taught.teach(audio, line)
    yield taught


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), np.float32)


def test_loading_twice_is_harmless(stt: SpeechToText) -> None:
    stt.load()
    stt.load()
    assert stt.name


def test_a_spoken_line_is_heard(stt: SpeechToText, spoken: list[np.ndarray]) -> None:
    for audio, line in zip(spoken, LINES, strict=True):
        assert wer(line, stt.transcribe(audio, "en")) < 0.25


def test_quiet_around_a_line_changes_nothing(stt: SpeechToText, spoken: list[np.ndarray]) -> None:
    padded = np.concatenate([_silence(0.5), spoken[1], _silence(0.8)])
    assert wer(LINES[1], stt.transcribe(padded, "en")) < 0.25


def test_a_language_the_model_cannot_hear_is_refused_before_the_call(stt: SpeechToText) -> None:
    stt.check_language("en-GB")  # fine
    with pytest.raises(SpeechUnavailable, match="nb"):
        stt.check_language("nb")


def test_a_recording_gives_segments_and_word_times_in_order(
    stt: SpeechToText, spoken: list[np.ndarray], tmp_path: Path
) -> None:
    audio = np.concatenate([_silence(0.5), spoken[0], _silence(1.0), spoken[1], _silence(0.5)])
    wav = write_wav(tmp_path / "call.wav", audio)
    seen: list[tuple[float, float]] = []
    result = stt.transcribe_file(wav, "en", progress=lambda done, total: seen.append((done, total)))
    assert result.duration == pytest.approx(len(audio) / SAMPLE_RATE, abs=0.01)
    assert result.language == "en"
    assert wer(" ".join(LINES), result.text) < 0.25
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts) and result.segments[-1].end <= result.duration + 0.1
    first_line_ends = 0.5 + len(spoken[0]) / SAMPLE_RATE
    words = [w for s in result.segments for w in s.words]
    assert words and all(w.start <= w.end for w in words)
    truck = next(w for w in words if "truck" in w.text.lower())
    assert truck.start > first_line_ends  # said in the second line, after the pause
    assert seen and all(total == pytest.approx(result.duration, abs=0.01) for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
