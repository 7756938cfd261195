"""The customer: the chat model that plays it, and what it streams back."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from roleplay.errors import RoleplayError

if TYPE_CHECKING:
    from roleplay.domain.session import Turn
    from roleplay.domain.variation import ScenarioRun


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


@dataclass(frozen=True)
class FirstToken:
    """The customer model has started answering (its first token), before a sentence is ready.

    Optional: a customer that yields it gets its time to first token measured per turn."""


CustomerEvent = Sentence | Marker | EndCall | FirstToken


@dataclass(frozen=True)
class CustomerRequest:
    run: ScenarioRun
    turns: tuple[Turn, ...]  # the conversation so far; empty for the opening line
    time_up: bool = False


class CustomerUnavailable(RoleplayError):
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
