"""The conversation engine: a turn-taking state machine that knows nothing about terminals.

It asks the customer port for replies, streams the sentences to whoever drives the call (the
CLI, the app, the voice loop), and appends every finished turn to the session store at once,
so a crash loses at most the turn in flight.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from roleplay.domain.session import Outcome, SessionRecord, Turn
from roleplay.domain.text import redact, valid_text
from roleplay.domain.variation import ScenarioRun
from roleplay.services.delivery import Delivery
from roleplay.services.ports import (
    Clock,
    Customer,
    CustomerEvent,
    CustomerRequest,
    EndCall,
    FirstToken,
    HangUp,
    Marker,
    Sentence,
    SessionStore,
)
from roleplay.services.speculation import Speculation


class CallState(StrEnum):
    NOT_STARTED = "not-started"
    CUSTOMER_SPEAKING = "customer-speaking"
    AWAITING_REP = "awaiting-rep"
    ENDED = "ended"


class CallStateError(RuntimeError):
    """A call method was used in the wrong state (a programming error, not a user error)."""


class Conversation:
    def __init__(
        self,
        record: SessionRecord,
        run: ScenarioRun,
        customer: Customer,
        store: SessionStore,
        clock: Clock,
        *,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.record = record
        self.run = run
        self.customer = customer
        self._store = store
        self._clock = clock
        self._secrets = secrets  # redacted from the rep's words before they are saved
        self._t0 = 0.0
        self._turns: list[Turn] = []
        self._hang_up = HangUp()  # carried by every request to the customer (hang_up)
        self.state = CallState.NOT_STARTED

    # --- what the interface reads -------------------------------------------------------

    @property
    def turns(self) -> tuple[Turn, ...]:
        return tuple(self._turns)

    @property
    def outcome(self) -> Outcome | None:
        return self.record.outcome

    @property
    def time_limit(self) -> float:
        return float(self.run.scenario.time_limit)

    def elapsed(self) -> float:
        return 0.0 if self.state is CallState.NOT_STARTED else self._clock.monotonic() - self._t0

    def time_left(self) -> float:
        return max(0.0, self.time_limit - self.elapsed())

    # --- what the interface does ---------------------------------------------------------

    def start(self, *, delivery: Delivery | None = None) -> Iterator[CustomerEvent]:
        """Save the session record and stream the customer's opening line."""
        self._require(CallState.NOT_STARTED)
        self._t0 = self._clock.monotonic()
        self._store.create(self.record)
        yield from self._customer_turn(time_up=False, delivery=delivery)

    def rep_says(
        self,
        text: str,
        *,
        start: float | None = None,
        end: float | None = None,
        speculation: Speculation | None = None,
        delivery: Delivery | None = None,
        audio: str | None = None,
        timings: dict[str, float] | None = None,
    ) -> Iterator[CustomerEvent]:
        """Record the rep's turn (times in seconds since the call started) and stream the reply.

        A `speculation` started from the same words is committed as the reply (else dropped):
        `Speculation.claim` decides, once.
        """
        self._require(CallState.AWAITING_REP)
        now = self.elapsed()
        turn = Turn(
            index=len(self._turns),
            speaker="rep",
            # A non-UTF-8 byte typed would fail the save; a key said or pasted is hidden.
            text=redact(valid_text(text), self._secrets).strip(),
            start=round(now if start is None else start, 3),
            end=round(now if end is None else end, 3),
            audio=audio,
            timings=timings or {},
        )
        self._append(turn)
        events = speculation.claim(text) if speculation is not None else None
        time_up = self.elapsed() >= self.time_limit
        yield from self._customer_turn(time_up=time_up, events=events, delivery=delivery)

    def speculate(self, text: str) -> Speculation:
        """Start the customer's reply to `text` without recording anything (the rep may not
        be done). Commit it with `rep_says(text, speculation=...)` or `discard()` it."""
        self._require(CallState.AWAITING_REP)
        now = round(self.elapsed(), 3)
        rep = Turn(index=len(self._turns), speaker="rep", text=text.strip(), start=now, end=now)
        time_up = self.elapsed() >= self.time_limit
        request = CustomerRequest(
            self.run, (*self._turns, rep), time_up=time_up, hang_up=self._hang_up
        )
        return Speculation(text, self.customer.respond(request))

    def retry_reply(self, *, delivery: Delivery | None = None) -> Iterator[CustomerEvent]:
        """Ask the customer again for a reply to the rep's last turn (after a failure)."""
        self._require(CallState.AWAITING_REP)
        last = self._turns[-1] if self._turns else None
        unanswered = last is not None and (last.speaker == "rep" or "interrupted" in last.tags)
        if not unanswered:
            raise CallStateError("the rep's last turn already has a reply")
        time_up = self.elapsed() >= self.time_limit
        yield from self._customer_turn(time_up=time_up, delivery=delivery)

    def hang_up(self) -> None:
        """The rep ends the call while the customer may still be answering: the reply in
        flight stops at once (a slow or hung chat server is not waited for); what was said of
        it is kept, tagged `interrupted`. Any thread; the call is then ended with `end`."""
        self._hang_up.set()

    def end(self, outcome: Outcome = "rep-ended") -> SessionRecord:
        """End the call (idempotent: the first outcome stands)."""
        if self.state is not CallState.ENDED:
            self._finish(outcome)
        return self.record

    def switch_customer(self, customer: Customer) -> None:
        """Continue the call with another customer (e.g. offline after the LLM failed)."""
        self.customer = customer

    # --- internals ---------------------------------------------------------------------

    def _customer_turn(
        self,
        *,
        time_up: bool,
        events: Iterator[CustomerEvent] | None = None,
        delivery: Delivery | None = None,
    ) -> Iterator[CustomerEvent]:
        self.state = CallState.CUSTOMER_SPEAKING
        started = self.elapsed()
        said: list[str] = []
        tags: list[str] = []
        ending: EndCall | None = None
        complete = False
        try:
            request = CustomerRequest(self.run, self.turns, time_up=time_up, hang_up=self._hang_up)
            for event in self.customer.respond(request) if events is None else events:
                if isinstance(event, Sentence):
                    said.append(event.text)
                elif isinstance(event, Marker):
                    tags.append(event.tag)
                    continue
                elif isinstance(event, FirstToken):
                    yield event
                    continue
                else:
                    ending = event
                yield event
            complete = not self._hang_up.is_set()  # hung up mid-reply: the line was cut
        finally:
            # Runs on success, on a customer failure and when the caller stops listening
            # (barge-in, Ctrl-C): whatever was said is kept.
            text, start, end, audio, timings = " ".join(said), started, None, None, {}
            if delivery is not None:  # a voice call: what was heard, and when
                heard = delivery.finish(tuple(said), complete)
                text, audio, timings = heard.text, heard.audio, heard.timings
                start = started if heard.start is None else heard.start
                end = heard.end
                complete = complete and not heard.interrupted
            if not complete:
                tags.append("interrupted")
            if text:
                self._append(
                    Turn(
                        index=len(self._turns),
                        speaker="customer",
                        text=text,
                        start=round(start, 3),
                        end=round(self.elapsed() if end is None else end, 3),
                        source=self.customer.name,
                        tags=tuple(tags),
                        audio=audio,
                        timings=timings,
                    )
                )
            if ending is not None:
                self._finish(ending.outcome)
            elif time_up and complete:
                self._finish("time")
            else:
                self.state = CallState.AWAITING_REP

    def _append(self, turn: Turn) -> None:
        self._store.append_turn(self.record.id, turn)
        self._turns.append(turn)

    def _finish(self, outcome: Outcome) -> None:
        self.record = self.record.model_copy(
            update={"ended_at": self._clock.now(), "outcome": outcome}
        )
        self._store.update(self.record)
        self.state = CallState.ENDED

    def _require(self, state: CallState) -> None:
        if self.state is not state:
            raise CallStateError(f"call is {self.state.value}, expected {state.value}")
