"""The session store (recordings/ is the source of truth) and the scheduler's state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from roleplay.domain.habit import HabitState
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import SessionRecord, Transcript, Turn
from roleplay.errors import RoleplayError


class SessionNotFound(RoleplayError):
    """No session matches the reference; the message lists close matches."""

    title = "No such session"


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


class HabitStore(Protocol):
    """The rep's scheduler state (a cache of the recordings; rebuildable from them)."""

    def load(self, key: str) -> HabitState | None:
        """None when there is none yet, or it cannot be read (the caller rebuilds it)."""
        ...

    def save(self, key: str, state: HabitState) -> None:
        """Durable and atomic when the call returns."""
        ...
