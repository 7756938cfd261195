"""A customer reply started before the rep's turn has surely ended.

When the rep falls silent, the voice loop asks the customer for a reply to the words so far;
by the time the silence is long enough to end the turn, the reply is already on its way. If
the rep keeps talking, the reply is dropped unheard; if the final transcript says materially
the same (`same_reply`: punctuation, case, fillers, "what's"/"what is", "ten"/"10" aside),
the call commits it and nothing was lost but the wait. The turn keeps the final words.

Whether a speculation is used is decided in one place, `claim`, under a lock: the engine
asks it once with the rep's final words (`Conversation.rep_says(..., speculation=...)`).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import TYPE_CHECKING

from roleplay.domain.turn_taking import same_reply
from roleplay.services.ports import CustomerEvent, Sentence

if TYPE_CHECKING:
    from roleplay.services.ports import Clip


class Speculation:
    def __init__(self, text: str, events: Iterator[CustomerEvent], language: str = "en") -> None:
        self.text = text
        self.language = language  # how the words are compared (set by the voice call)
        self._events = events
        self._buffer: deque[CustomerEvent] = deque()
        # Two locks: `_state` guards the decision (discarded / committed) and is only ever
        # held for a moment; `_pull` is held while the customer's stream is stepped, which
        # can block for as long as the model takes to answer.
        self._state = threading.Lock()
        self._pull = threading.Lock()
        self._exhausted = False
        self._discarded = False
        self._committed = False
        self.error: BaseException | None = None  # raised again to whoever commits it

    def matches(self, text: str) -> bool:
        with self._state:
            return self._open() and same_reply(self.text, text, self.language)

    @property
    def committed(self) -> bool:
        with self._state:
            return self._committed

    def claim(self, text: str) -> Iterator[CustomerEvent] | None:
        """The one decision: the rep's final words are `text`. If they are (materially) the
        words this reply was started from (and it is still open), it is committed and its events are
        returned (those prefetched, then the rest as they come); otherwise it is dropped
        unheard and None is returned."""
        with self._state:
            if self._open() and same_reply(self.text, text, self.language):
                self._committed = True
                return self._committed_events()
        self.discard()
        return None

    def prefetch(self) -> CustomerEvent | None:
        """Pull the next event into the buffer (from a worker thread, while the rep is silent)
        and return it. Returns None when there is nothing more to pull (complete, failed,
        committed or discarded)."""
        with self._pull:
            with self._state:
                discarded, stop = self._discarded, self._exhausted or not self._open()
            if discarded:
                self._close()
            if stop:
                return None
            try:
                event = next(self._events)
            except StopIteration:
                self._exhausted = True
                return None
            except Exception as exc:  # noqa: BLE001 - re-raised to whoever commits it
                self.error = exc
                self._exhausted = True
                return None
            self._buffer.append(event)
            return event

    def discard(self) -> None:
        """Drop the reply unheard. Never blocks: a prefetch in progress closes it after."""
        with self._state:
            if self._committed:
                return
            self._discarded = True
        if self._pull.acquire(blocking=False):
            try:
                self._close()
            finally:
                self._pull.release()

    def _open(self) -> bool:
        return not self._discarded and not self._committed

    def _committed_events(self) -> Iterator[CustomerEvent]:
        while True:
            with self._pull:
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
        if not self._exhausted:
            close = getattr(self._events, "close", None)
            if close is not None:
                close()
        self._exhausted = True


class Prefetch:
    """Pulls a speculative reply on its own thread while the rep is silent, noting when its
    first token and first sentence came (`stamp` gives the session time).

    With `synthesise`, the first sentence is also synthesised here, before the rep's turn is
    declared over, so its audio is ready the moment the reply is committed (`clip`); a reply
    that is dropped cost one short synthesis."""

    def __init__(
        self,
        speculation: Speculation,
        stamp: Callable[[], float],
        synthesise: Callable[[str], Clip | None] | None = None,
    ) -> None:
        self.speculation = speculation
        self._stamp = stamp
        self._synthesise = synthesise
        self._first_clip: tuple[str, Future[Clip | None]] | None = None
        self.requested = stamp()
        self.first_token: float | None = None
        self.first_sentence: float | None = None
        self._thread = threading.Thread(target=self._run, name="speculate", daemon=True)
        self._thread.start()

    def clip(self, text: str) -> Future[Clip | None] | None:
        """The first sentence's audio, synthesised early (or under way), if `text` is it."""
        first = self._first_clip
        if first is None or first[0] != text:
            return None
        return first[1]

    def _run(self) -> None:
        while (event := self.speculation.prefetch()) is not None:
            now = self._stamp()
            if self.first_token is None:
                self.first_token = now
            if self.first_sentence is None and isinstance(event, Sentence):
                self.first_sentence = now
                self._synthesise_first(event.text)

    def _synthesise_first(self, text: str) -> None:
        if self._synthesise is None:
            return
        done: Future[Clip | None] = Future()
        self._first_clip = (text, done)
        try:
            done.set_result(self._synthesise(text))
        except BaseException as exc:  # noqa: BLE001 - the reply meets it and handles it
            done.set_exception(exc)
