"""Speech-to-text without a model: recognises the recordings it was taught, word for word.

The offline SpeechToText for tests and demos that must not load Whisper: `teach(audio, text)`
registers a recording; `transcribe` finds the taught recordings in what it hears (leading and
trailing quiet ignored, several in a row allowed) and returns their text; anything else is
heard as no words, as Whisper hears a cough. Whole files (16-bit WAV) are cut at pauses into
segments, with words spread evenly over each. tests/contracts/ holds it to the contract that
tiny.en meets.
"""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay.services.ports import (
    SAMPLE_RATE,
    AudioUnavailable,
    Segment,
    SpeechUnavailable,
    Transcription,
    Word,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

QUIET = 0.01  # below this amplitude a sample is silence
PAUSE = 0.3  # seconds of silence that separate two segments of a file


class TaughtSpeech:
    """Knows the recordings it was taught; English only unless told other languages."""

    def __init__(self, languages: tuple[str, ...] = ("en",)) -> None:
        self.languages = languages
        self._taught: list[tuple[NDArray[np.float32], str]] = []
        self.loads = 0

    @property
    def name(self) -> str:
        return "taught"

    def teach(self, audio: NDArray[np.float32], text: str) -> None:
        self._taught.append((_trim(audio), text.strip()))

    def check_language(self, language: str) -> None:
        code = language.split("-")[0].lower()
        if code not in self.languages:
            raise SpeechUnavailable(
                f"the taught speech model understands {', '.join(self.languages)} only, not "
                f"'{language}'; teach it recordings in that language"
            )

    def load(self, progress: Callable[[str], None] | None = None) -> None:
        self.loads += 1  # nothing to load

    def transcribe(
        self,
        samples: NDArray[np.float32],
        language: str,
        prompt: str = "",
        *,
        wanted: Callable[[], bool] | None = None,  # nothing costly to give up here
    ) -> str:
        import numpy as np

        heard: list[str] = []
        rest = _trim(samples)
        while len(rest):
            for audio, text in self._taught:
                head = rest[: len(audio)]
                if len(head) == len(audio) and np.allclose(head, audio, atol=2e-3):
                    heard.append(text)
                    rest = _trim(rest[len(audio) :])
                    break
            else:
                break  # not a taught recording: no words
        return " ".join(heard)

    def transcribe_file(
        self,
        path: Path,
        language: str | None = None,
        progress: Callable[[float, float], None] | None = None,
    ) -> Transcription:
        import numpy as np

        if language is not None:
            self.check_language(language)
        try:
            with wave.open(str(path), "rb") as wav:
                if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (
                    1,
                    2,
                    SAMPLE_RATE,
                ):
                    raise AudioUnavailable(f"{path}: only 16 kHz mono 16-bit WAV is read here")
                pcm = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
        except (OSError, wave.Error, EOFError) as exc:
            raise AudioUnavailable(f"{path}: cannot read it as audio ({exc})") from None
        audio = pcm.astype(np.float32)
        audio /= 32767
        duration = len(audio) / SAMPLE_RATE
        segments: list[Segment] = []
        for start, end in _voiced(audio):
            text = self.transcribe(audio[start:end], language or "en")
            if not text:
                continue
            t0, t1 = start / SAMPLE_RATE, end / SAMPLE_RATE
            words = text.split()
            step = (t1 - t0) / len(words)
            segments.append(
                Segment(
                    t0,
                    t1,
                    text,
                    tuple(
                        Word(w, t0 + i * step, t0 + (i + 1) * step, 1.0)
                        for i, w in enumerate(words)
                    ),
                )
            )
            if progress:
                progress(t1, duration)
        return Transcription(language or "en", round(duration, 3), tuple(segments))


def _trim(audio: NDArray[np.float32]) -> NDArray[np.float32]:
    import numpy as np

    loud = np.flatnonzero(np.abs(audio) > QUIET)
    return audio[loud[0] : loud[-1] + 1] if len(loud) else audio[:0]


def _voiced(audio: NDArray[np.float32]) -> list[tuple[int, int]]:
    """Stretches of sound separated by at least PAUSE seconds of silence."""
    import numpy as np

    loud = np.flatnonzero(np.abs(audio) > QUIET)
    if not len(loud):
        return []
    gaps = np.flatnonzero(np.diff(loud) > PAUSE * SAMPLE_RATE)
    starts = [int(loud[0]), *(int(loud[g + 1]) for g in gaps)]
    ends = [*(int(loud[g]) + 1 for g in gaps), int(loud[-1]) + 1]
    return list(zip(starts, ends, strict=True))
