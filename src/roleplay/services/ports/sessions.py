"""The session store (recordings/ is the source of truth) and the scheduler's state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from roleplay.errors import RoleplayError

if TYPE_CHECKING:
    from roleplay.domain.habit import HabitState
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import SessionRecord, Transcript, Turn


class Listed(Protocol):
    """A session as a list shows it and the schedule checks it: a SessionRecord has these, and
    so has a SessionLine (the index's columns, read without parsing a record)."""

    @property
    def id(self) -> str: ...
    @property
    def rep(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def ended_at(self) -> datetime | None: ...
    @property
    def outcome(self) -> str | None: ...


class SessionLine(NamedTuple):
    """A session from the index's columns (see Listed). A tuple: thousands are made per list,
    at a third of a frozen dataclass's cost."""

    id: str
    rep: str
    mode: str
    started_at: datetime
    ended_at: datetime | None
    outcome: str | None


class SessionNotFound(RoleplayError):
    """No session matches the reference; the message lists close matches."""

    title = "No such session"


class SessionStore(Protocol):
    """Sessions on disk are the source of truth. Writes are durable when the call returns."""

    def create(self, record: SessionRecord) -> None: ...

    def append_turn(self, session_id: str, turn: Turn) -> None: ...

    def update(self, record: SessionRecord) -> None: ...

    def save_scorecard(self, session_id: str, scorecard: Scorecard) -> None: ...

    def discard(self, session_id: str) -> None:
        """Remove a session and all of its files: only for a call that holds nothing of the
        rep's (a typed call ended before their first line). Raises BrokenRecording for a
        folder that is a link out of the recordings folder; nothing there is touched."""
        ...

    def load(self, session_id: str) -> Transcript:
        """Raises SessionNotFound (with close matches in the message) for unknown ids."""
        ...

    def scorecard(self, session_id: str) -> Scorecard | None: ...

    def records(self) -> Sequence[SessionRecord]:
        """Newest first; half-finished sessions included."""
        ...


@dataclass(frozen=True)
class Damaged:
    """A session folder that cannot be read whole: its id and why."""

    id: str
    reason: str


class TurnProblems(Protocol):
    """What could not be read of a transcript. A torn last line from a crash is not damage
    (the turns before it are intact) but is said, never skipped silently."""

    @property
    def torn_tail(self) -> str | None:
        """The half-written last line of a crash, if any."""
        ...

    def problem(self) -> str | None:
        """One line about the damaged lines; None when there are none."""
        ...


class SessionArchive(SessionStore, Protocol):
    """The sessions as the interfaces list, find and show them: the store, plus a session by
    reference, the listing with its damaged folders, what can still be read of a damaged
    session, and where a session's files are (shown to the rep; a turn's audio is played
    from there)."""

    def resolve(self, ref: str) -> str:
        """A full id, a unique prefix of one, or 'last' -> the id. Raises SessionNotFound."""
        ...

    def folder(self, session_id: str) -> Path: ...

    def overall(self, session_id: str) -> float | None:
        """The overall score for a listing: None when not scored or the scorecard is damaged."""
        ...

    def survey(self) -> tuple[list[SessionRecord], list[Damaged]]:
        """Every readable session (newest first) and every folder that cannot be read."""
        ...

    def listing(self) -> tuple[list[Listed], list[Damaged]]:
        """As `survey`, as a list shows them: a long folder's from the index's columns."""
        ...

    def scores(self, records: Sequence[Listed]) -> tuple[dict[str, float | None], dict[str, str]]:
        """The overall score of each listed session (None: not scored), and why a scorecard
        could not be read (the session stays listed; its scorecard is the problem)."""
        ...

    def load_readable(self, session_id: str) -> tuple[Transcript, TurnProblems]:
        """What can be read of a session, and the transcript lines that could not be."""
        ...


class HabitStore(Protocol):
    """The rep's scheduler state (a cache of the recordings; rebuildable from them)."""

    def load(self, key: str) -> HabitState | None:
        """None when there is none yet, or it cannot be read (the caller rebuilds it)."""
        ...

    def save(self, key: str, state: HabitState) -> None:
        """Durable and atomic when the call returns."""
        ...

    def load_to_read(self, key: str) -> HabitState | None:
        """The saved state as `load` would return it, for reading only (`roleplay today`):
        it may lack what only progress plots (each session's KPIs, evidence and
        retrievability; the checkpoints), so it is never changed and saved back. None: no
        such quick copy of the state as saved now; the caller uses `load`."""
        ...

    def note(self, key: str) -> dict[str, Any] | None:
        """What `keep_note` kept about the quick copy saved now (None: nothing, or it was kept
        about another copy)."""
        ...

    def keep_note(self, key: str, note: dict[str, Any]) -> None:
        """Keep `note` (JSON) about the quick copy saved now. A cache: may do nothing."""
        ...
