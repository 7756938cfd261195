"""Speech: speech-to-text (live turns and whole recordings) and text-to-speech."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from roleplay.domain.scenario import Voice
from roleplay.errors import RoleplayError
from roleplay.services.ports.audio import Clip

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcription:
    """A whole recording transcribed, with segment and word times in seconds."""

    language: str
    duration: float
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())


class SpeechUnavailable(RoleplayError):
    """The speech model cannot be used (missing, corrupt, wrong language). Says what to do."""


class SpeechToText(Protocol):
    @property
    def name(self) -> str: ...

    def check_language(self, language: str) -> None:
        """Raise SpeechUnavailable, naming a model that can, if `language` is not understood."""
        ...

    def load(self, progress: Callable[[str], None] | None = None) -> None:
        """Load the model (slow the first time; call off the UI thread). Idempotent."""
        ...

    def transcribe(
        self,
        samples: NDArray[np.float32],
        language: str,
        prompt: str = "",
        *,
        wanted: Callable[[], bool] | None = None,
    ) -> str:
        """One stretch of live speech at SAMPLE_RATE, fast; `prompt` is the text before it.
        `wanted`, if given, is asked between the costly steps: False gives up (returns "")."""
        ...

    def transcribe_file(
        self,
        path: Path,
        language: str | None = None,
        progress: Callable[[float, float], None] | None = None,
    ) -> Transcription:
        """A recording of any length, with word times; language None detects it.
        `progress(seconds_done, seconds_total)` is called as it goes."""
        ...


class TextToSpeech(Protocol):
    @property
    def name(self) -> str: ...

    def synthesise(self, text: str, voice: Voice, language: str) -> Clip: ...
