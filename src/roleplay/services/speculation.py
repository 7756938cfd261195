"""A customer reply started before the rep's turn has surely ended.

When the rep falls silent, the voice loop asks the customer for a reply to the words so far;
by the time the silence is long enough to end the turn, the reply is already on its way. If
the rep keeps talking, the reply is dropped unheard; if the final transcript says the same
words, the call commits it (`Conversation.rep_says(..., speculation=...)`) and nothing was
lost but the wait.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator

from roleplay.domain.turn_taking import same_words
from roleplay.services.ports import CustomerEvent


class Speculation:
    def __init__(self, text: str, events: Iterator[CustomerEvent]) -> None:
        self.text = text
        self._events = events
        self._buffer: deque[CustomerEvent] = deque()
        self._lock = threading.Lock()  # one step of the customer's stream at a time
        self._exhausted = False
        self._discarded = False
        self._committed = False
        self.error: BaseException | None = None  # raised again to whoever commits it

    def matches(self, text: str) -> bool:
        return not self._discarded and not self._committed and same_words(self.text, text)

    @property
    def discarded(self) -> bool:
        return self._discarded

    def prefetch(self) -> bool:
        """Pull the next event into the buffer (from a worker thread, while the rep is silent).

        Returns False when there is nothing more to pull (complete, failed, committed or
        discarded)."""
        with self._lock:
            if self._exhausted or self._discarded or self._committed:
                if self._discarded:
                    self._close()
                return False
            try:
                self._buffer.append(next(self._events))
            except StopIteration:
                self._exhausted = True
                return False
            except Exception as exc:  # noqa: BLE001 - re-raised to whoever commits it
                self.error = exc
                self._exhausted = True
                return False
            return True

    def discard(self) -> None:
        """Drop the reply unheard. Never blocks: a prefetch in progress closes it after."""
        self._discarded = True
        if self._lock.acquire(blocking=False):
            try:
                self._close()
            finally:
                self._lock.release()

    def commit(self) -> Iterator[CustomerEvent]:
        """The reply's events: those already prefetched, then the rest as they come."""
        self._committed = True
        while True:
            with self._lock:
                if self._buffer:
                    event = self._buffer.popleft()
                elif self.error is not None:
                    raise self.error
                elif self._exhausted:
                    return
                else:
                    try:
                        event = next(self._events)
                    except StopIteration:
                        self._exhausted = True
                        return
            yield event

    def _close(self) -> None:
        close = getattr(self._events, "close", None)
        if close is not None:
            close()
        self._exhausted = True
