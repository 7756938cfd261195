"""What the rep's listener works with and tells the call: its settings, its news (speech
started, paused, resumed, the turn ended), and the turn's audio as it grows."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from roleplay.domain.turn_taking import TurnEndPolicy
from roleplay.services.ports import SAMPLE_RATE, AudioTrack

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


@dataclass(frozen=True)
class ListenSettings:
    policy: TurnEndPolicy = field(default_factory=TurnEndPolicy)
    threshold: float = 0.5  # speech probability at which speech starts
    release: float = 0.35  # ...and below which it stops (hysteresis)
    min_speech: float = 0.09  # seconds of speech before it counts (clicks, bumps)
    barge_in: float = 0.25  # seconds of speech over the customer before they stop
    transcribe_after: float = 0.03  # seconds of silence before the words so far are transcribed
    speculate_after: float = 0.03  # seconds of silence before the reply is started early
    # ...when the words so far are a fragment ("What?": the first word, and the rep
    # hesitates), this much: a hesitation shorter than it asks for no reply. The turn ends
    # on a fragment after the policy's default silence, so a genuine "Why?" is still asked
    # for ~0.3 s (a server's first token) before its turn ends.
    fragment_pause: float = 0.35
    phrase_pause: float = 0.15  # a pause at least this long may cut the turn into phrases
    tail: float = 0.05  # seconds kept after the last speech block when cutting a phrase
    pre_roll: float = 0.3  # seconds kept before speech was detected (the first syllable)
    partial_every: float = 0.1  # seconds of speech between partial transcripts (when idle)
    # A partial that ends at most this long before the end of speech may start the reply
    # early (live only); the pause's own transcript re-checks it.
    early_partial: float = 0.3
    # A partial still running when the rep pauses is given up (its decoding skipped) unless
    # it reaches this close to the end of the speech: the pause's transcript waits behind it.
    keep_partial: float = 0.15
    # Live: a partial that reads as a finished question starts the reply before the pause.
    anticipate: bool = True
    push_to_talk: bool = False  # turns start and end only on key presses


# --- what the listener tells the call -----------------------------------------------------


@dataclass(frozen=True)
class SpeechStarted:
    at: float  # seconds of source audio


@dataclass(frozen=True)
class SpeechSustained:
    """Speech long enough to interrupt the customer."""

    at: float


@dataclass(frozen=True)
class Paused:
    text: str  # everything said so far in this turn
    at: float  # end of speech
    turn: int  # which turn of the listener (late news about an ended turn is ignored)


@dataclass(frozen=True)
class Resumed:
    at: float


@dataclass(frozen=True)
class TurnEnded:
    turn: int
    start: float  # source seconds: first speech (pre-roll aside)
    speech_end: float  # the end of the last speech block
    decided: float  # when the silence (or the key) ended the turn (source seconds)
    decided_at: float  # ...and the monotonic time at which that was decided
    text: Future[str]  # the final transcript
    audio: AudioTrack | None


@dataclass(frozen=True)
class SourceEnded:
    error: str | None = None


Heard = SpeechStarted | SpeechSustained | Paused | Resumed | TurnEnded | SourceEnded


class TurnAudio:
    """The turn's audio so far, grown in place: reading a stretch of it never copies the
    whole turn (the listening thread keeps pace with the audio while the turn grows). Views
    stay valid: samples are only ever added after the end, and a larger buffer is a new one.

    Positions count from the turn's first sample. What is before `forget`'s position (finished
    phrases: transcribed, and on disk in the turn's recording) is let go, so a long turn keeps
    only its open phrase in memory, not every sample since it began (10 minutes: 38 MB)."""

    def __init__(self) -> None:
        import numpy as np

        self._data = np.zeros(SAMPLE_RATE * 8, np.float32)
        self._size = 0
        self._first = 0  # the position of _data[0]

    def __len__(self) -> int:
        return self._size

    def append(self, samples: NDArray[np.float32]) -> None:
        end = self._size + len(samples)
        if end - self._first > len(self._data):
            self._move(self._first, max(end - self._first, 2 * len(self._data)))
        self._data[self._size - self._first : end - self._first] = samples
        self._size = end

    def forget(self, before: int) -> None:
        """Samples before position `before` are no longer read. Moved to a new, smaller buffer
        (views handed out stay valid) once that frees at least half of the one in use."""
        before = min(before, self._size)
        if before - self._first >= len(self._data) // 2:
            self._move(before, 0)

    def _move(self, first: int, size: int) -> None:
        import numpy as np

        kept = self._data[first - self._first : self._size - self._first]
        moved = np.zeros(max(size, SAMPLE_RATE * 8, 2 * len(kept)), np.float32)
        moved[: len(kept)] = kept
        self._data, self._first = moved, first

    def view(self, start: int, end: int | None = None) -> NDArray[np.float32]:
        stop = self._size if end is None else min(end, self._size)
        if start < self._first:
            raise ValueError(f"samples before {self._first} were let go (asked for {start})")
        return self._data[start - self._first : stop - self._first]
