"""The small interfaces through which services reach the outside world.

Each port has a real adapter and an offline one; contract tests run against every one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from roleplay.domain.rubric import Rubric
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import SessionRecord, Transcript, Turn
from roleplay.domain.variation import ScenarioRun

# --- the customer (chat model) ------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One complete sentence the customer says; delivered as soon as it is ready."""

    text: str


@dataclass(frozen=True)
class Marker:
    """What a customer turn did in the scenario (revealed a fact, raised an objection...).

    Never spoken; saved as a tag on the turn so the call can be understood and resumed.
    """

    tag: str


@dataclass(frozen=True)
class EndCall:
    """The customer ends the call; structured, never spoken aloud."""

    outcome: Literal["win", "loss", "time"]
    reason: str


CustomerEvent = Sentence | Marker | EndCall


@dataclass(frozen=True)
class CustomerRequest:
    run: ScenarioRun
    turns: tuple[Turn, ...]  # the conversation so far; empty for the opening line
    time_up: bool = False


class CustomerUnavailable(Exception):
    """The customer model cannot answer (server down, key rejected...). The message says
    what to do; it never contains a secret."""


class Customer(Protocol):
    """Plays the customer. `respond` streams the reply: sentences, markers, maybe an EndCall."""

    @property
    def name(self) -> str:
        """What produced the turns (recorded per turn): 'scripted', or a model name."""
        ...

    def respond(self, request: CustomerRequest) -> Iterator[CustomerEvent]: ...


class ChatServer(Protocol):
    """An OpenAI-compatible chat server, as far as diagnostics need it."""

    @property
    def where(self) -> str: ...

    @property
    def model(self) -> str: ...

    def list_models(self) -> list[str]: ...

    def complete(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int | None = None
    ) -> str: ...


# --- the judge ----------------------------------------------------------------------------


class Judge(Protocol):
    @property
    def name(self) -> str: ...

    def score(self, rubric: Rubric, transcript: Transcript) -> Scorecard: ...


# --- time -------------------------------------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC wall time."""
        ...

    def monotonic(self) -> float:
        """Seconds for measuring durations; only differences are meaningful."""
        ...


# --- storage ------------------------------------------------------------------------------


class SessionNotFound(KeyError):
    pass


class SessionStore(Protocol):
    """Sessions on disk are the source of truth. Writes are durable when the call returns."""

    def create(self, record: SessionRecord) -> None: ...

    def append_turn(self, session_id: str, turn: Turn) -> None: ...

    def update(self, record: SessionRecord) -> None: ...

    def save_scorecard(self, session_id: str, scorecard: Scorecard) -> None: ...

    def load(self, session_id: str) -> Transcript:
        """Raises SessionNotFound (with close matches in the message) for unknown ids."""
        ...

    def scorecard(self, session_id: str) -> Scorecard | None: ...

    def records(self) -> Sequence[SessionRecord]:
        """Newest first; half-finished sessions included."""
        ...
