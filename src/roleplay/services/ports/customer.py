"""The customer: the chat model that plays it, and what it streams back."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
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


class HangUp:
    """The rep has hung up: a reply still on its way stops at once, whatever it waits for.

    One per call, carried by each of its requests. A customer that blocks (a chat server that
    is slow or hung) registers, while it blocks, what unblocks it (`calling`); `set` calls it,
    from the thread that hangs up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._set = False
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._next = 0

    def set(self) -> None:
        with self._lock:
            self._set = True
            callbacks = list(self._callbacks.values())
        for callback in callbacks:
            callback()

    def is_set(self) -> bool:
        return self._set

    @contextlib.contextmanager
    def calling(self, callback: Callable[[], None]) -> Iterator[None]:
        """Within the block, hanging up calls `callback` (at once if it already happened)."""
        with self._lock:
            key, self._next = self._next, self._next + 1
            self._callbacks[key] = callback
            already = self._set
        try:
            if already:
                callback()
            yield
        finally:
            with self._lock:
                del self._callbacks[key]


@dataclass(frozen=True)
class CustomerRequest:
    run: ScenarioRun
    turns: tuple[Turn, ...]  # the conversation so far; empty for the opening line
    time_up: bool = False
    # The call's hang-up: a customer that can stop mid-reply ends its stream when it is set.
    hang_up: HangUp | None = field(default=None, compare=False)


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
