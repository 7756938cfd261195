"""When things happened in a spoken turn, in one unit: seconds since the session started.

`SessionClock` turns the moments the parts report (a monotonic time, a position in the
source audio) into session seconds, live and when a recording is read faster than real time.
`TurnTimings` is the one place a spoken exchange's timings are gathered: the rep's turn
(speech_start, speech_end, turn_end, transcript_ready) and the customer's reply
(reply_requested, first_token, first_sentence, synthesised, first_audio_out, and
`speculative` when the reply was started before the turn had surely ended).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from roleplay.services.engine import Conversation
    from roleplay.services.listening import TurnEnded
    from roleplay.services.speculation import Prefetch

REP_KEYS = ("speech_start", "speech_end", "turn_end", "transcript_ready")


class Timeline(Protocol):
    """The call's clock when audio is read faster than real time: the call moves it."""

    def monotonic(self) -> float: ...

    def advance(self, seconds: float) -> None: ...


class SessionClock:
    def __init__(
        self, call: Conversation, timeline: Timeline | None, position: Callable[[], float]
    ) -> None:
        self._call = call
        self.timeline = timeline
        self._position = position  # source seconds read so far
        self.offset = 0.0  # session seconds at source second 0 (grows in fast mode)

    @property
    def fast(self) -> bool:
        return self.timeline is not None

    def started(self) -> None:
        """The session has started (its folder exists): live, the source's second 0 is now."""
        if self.timeline is None:
            self.offset = self._call.elapsed()

    def anchor(self, monotonic: float) -> None:
        """Live: the source's second 0 was heard at `monotonic` (its first block came)."""
        if self.timeline is None:
            self.offset = self.at(monotonic)

    def at(self, monotonic: float) -> float:
        if self.timeline is not None:  # fast: where the audio (or the customer) has got to
            return max(self._call.elapsed(), self.offset + self._position())
        return self._call.elapsed() - (time.monotonic() - monotonic)

    def now(self) -> float:
        return self.at(time.monotonic())

    def source(self, seconds: float) -> float:
        """Session seconds of a position in the source audio."""
        return self.offset + seconds

    def catch_up(self) -> None:
        """Fast mode: move the call's clock to where the audio has got to."""
        if self.timeline is not None:
            ahead = self.offset + self._position() - self._call.elapsed()
            self.timeline.advance(max(0.0, ahead))

    def played(self, seconds: float) -> None:
        """Fast mode with a speaker that does not keep time: a clip was "played" at once."""
        if self.timeline is not None:
            self.timeline.advance(seconds)
            self.offset += seconds


class TurnTimings:
    """Marks are set from several threads (the call's, the reply's, the speculation's); each
    is set once, the first value wins, rounded to the millisecond."""

    def __init__(self, clock: SessionClock) -> None:
        self._clock = clock
        self._marks: dict[str, float] = {}
        self._lock = threading.Lock()

    def mark(self, key: str, at: float | None = None) -> None:
        """Note `key` at session time `at` (now when None), unless it is already noted."""
        with self._lock:
            if key not in self._marks:
                self._marks[key] = round(self._clock.now() if at is None else at, 3)

    def get(self, key: str) -> float | None:
        with self._lock:
            return self._marks.get(key)

    def rep_turn(self, ended: TurnEnded, transcribed: float) -> None:
        """The rep's turn ended (`transcribed`: monotonic time its words were ready)."""
        clock = self._clock
        self.mark("speech_start", clock.source(ended.start))
        self.mark("speech_end", clock.source(ended.speech_end))
        if clock.fast:  # decided on the audio's clock, and transcribed "at once"
            self.mark("turn_end", clock.source(ended.decided))
            self.mark("transcript_ready", clock.source(ended.decided))
        else:
            self.mark("turn_end", clock.at(ended.decided_at))
            self.mark("transcript_ready", clock.at(transcribed))

    def reply_started(self, prefetch: Prefetch | None) -> None:
        """The customer's reply produced its first event: was it the speculative one?"""
        requested = self.get("turn_end")
        if prefetch is not None and prefetch.speculation.committed:
            self.mark("reply_requested", min(requested or prefetch.requested, prefetch.requested))
            self.mark("speculative", 1.0)
            for key, value in (
                ("first_token", prefetch.first_token),
                ("first_sentence", prefetch.first_sentence),
            ):
                if value is not None:
                    self.mark(key, value)
        elif requested is not None:
            self.mark("reply_requested", requested)
        self.mark("first_token")

    def rep(self) -> dict[str, float]:
        with self._lock:
            return {k: v for k, v in self._marks.items() if k in REP_KEYS}

    def reply(self) -> dict[str, float]:
        with self._lock:
            return {k: v for k, v in self._marks.items() if k not in REP_KEYS}
