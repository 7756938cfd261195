"""Audio: the microphone, the speaker, recorded tracks, voice activity, file playback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from roleplay.errors import RoleplayError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

SAMPLE_RATE = 16_000  # what audio sources deliver and speech-to-text takes: mono float32


@dataclass(frozen=True)
class AudioBlock:
    """A short block of the rep's audio: mono float32 in -1..1 at SAMPLE_RATE."""

    samples: NDArray[np.float32]
    start: float  # seconds since the source started (samples counted: exact, drift-free)

    @property
    def end(self) -> float:
        return self.start + len(self.samples) / SAMPLE_RATE


class AudioUnavailable(RoleplayError):
    """No microphone or speaker, or an unreadable audio file. The message says what to do."""


class AudioSource(Protocol):
    """The rep's side of the call: a microphone, or an audio file standing in for one."""

    @property
    def realtime(self) -> bool:
        """True when blocks arrive as they are spoken; False when read as fast as possible."""
        ...

    @property
    def description(self) -> str: ...

    def blocks(self) -> Iterator[AudioBlock]:
        """Blocks in order until the audio ends or `close` is called (AudioUnavailable)."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Clip:
    """Synthesised speech: mono float32 in -1..1."""

    samples: NDArray[np.float32]
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


class ClipPlayback(Protocol):
    """One clip queued on a speaker."""

    @property
    def started(self) -> float | None:
        """Monotonic time its first sample reached the speaker, None until then."""
        ...

    @property
    def played(self) -> float:
        """Seconds of it that were played (all of it, unless the speaker was stopped)."""
        ...

    def wait(self, timeout: float | None = None) -> bool:
        """Block until it has played to the end or was stopped; False on timeout."""
        ...


class Speaker(Protocol):
    """Where the customer's voice goes: a sound device, or nowhere (files, tests)."""

    @property
    def realtime(self) -> bool:
        """True when playing takes as long as the audio lasts."""
        ...

    def prepare(self) -> None:
        """Get ready to play now (a sound device's stream takes a moment to start), so the
        first clip is heard at once. Raises AudioUnavailable when it cannot."""
        ...

    def play(self, clip: Clip) -> ClipPlayback:
        """Queue `clip` after what is still playing; returns at once."""
        ...

    def stop(self) -> None:
        """Silence now and drop everything queued (the rep barged in)."""
        ...

    def close(self) -> None: ...


class AudioTrack(Protocol):
    """One audio file of a session, written while it is recorded."""

    @property
    def path(self) -> str:
        """Relative to the session folder."""
        ...

    def write(self, samples: NDArray[np.float32]) -> None:
        """Append; what was written survives the process being killed."""
        ...

    def close(self) -> None: ...

    def discard(self) -> None:
        """Close and delete (noise that held no words)."""
        ...


class AudioRecorder(Protocol):
    def open(self, session_id: str, name: str, rate: int) -> AudioTrack: ...


class VoiceActivity(Protocol):
    """Speech probability of consecutive blocks of `block_size` samples (stateful)."""

    @property
    def block_size(self) -> int: ...

    def probability(self, samples: NDArray[np.float32]) -> float: ...

    def prepare(self) -> None:
        """Load what it needs now rather than at the first block (after the speech model)."""
        ...

    def reset(self) -> None: ...


@dataclass(frozen=True)
class Playback:
    path: Path
    played: bool
    reason: str | None = None  # why it was not played (no output device...)


class AudioPlayer(Protocol):
    def play(self, path: Path) -> Playback:
        """Play a WAV file to the end, or say why it cannot be played here."""
        ...
