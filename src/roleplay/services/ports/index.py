"""The index database: the searchable, shared copy of every session (teams)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from roleplay.errors import RoleplayError

if TYPE_CHECKING:
    from roleplay.domain.history import (
        HumanLevel,
        RepSkillCard,
        ScoredSession,
        SessionFiles,
        SessionFilter,
        SessionSummary,
        SessionView,
    )
    from roleplay.domain.roles import Identity
    from roleplay.domain.schedule import SkillCard
    from roleplay.domain.session import SessionRecord
    from roleplay.services.ports.sessions import SessionLine


class IndexUnavailable(RoleplayError):
    """The index database cannot be used right now (unreachable, refused, locked too long).
    The message says what to do and never contains the database password. Nothing is lost:
    the recordings folder is the source of truth and the index catches up later."""


class IndexDamaged(IndexUnavailable):
    """The local index file is not a database, is corrupt, or holds values it never writes.
    The index is a copy of the recordings: it can be moved aside (`path`, the file) and built
    again from them. `path` is None when there is no file to move (a team's server)."""

    def __init__(self, message: str, path: Path | None, reason: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason  # what SQLite (or the value found) said, for a shorter note


class IndexReadOnly(IndexUnavailable):
    """The local index file, its folder or its -wal/-shm files cannot be written: waiting
    will not help, the person must change permissions or point the index elsewhere."""


class IndexTooNew(IndexUnavailable):
    """The database was upgraded by a newer roleplay; this one leaves it untouched."""


class IndexClosed(RoleplayError):
    """The index was closed (its services ended) and was asked again. Not an IndexUnavailable:
    a closed index is a mistake in roleplay, not a database to wait for or read around, so it
    is said, never silently reopened or skipped."""

    title = "Index closed"


class SessionIndex(Protocol):
    """The searchable copy of every session, scorecard and review, shared by a team.

    Every row remembers the recordings folder (`origin`) it came from, so rebuilding the index
    from one machine's recordings never removes another machine's sessions. Every method raises
    IndexUnavailable when the database cannot be reached.
    """

    def describe(self) -> str:
        """Where the index lives, with any password hidden."""
        ...

    def close(self) -> None:
        """Let go of the database (a damaged file is closed before it is moved aside)."""
        ...

    def save(self, folders: Sequence[SessionFiles]) -> list[str]:
        """Make the index hold what each folder holds (its session; the review items written
        in that folder are added, never replaced). Returns what the login may not write and
        so was left out, one line each (a shared index checks rights, see domain/roles.py)."""
        ...

    def forget(self, origin: str, session_ids: Sequence[str]) -> None:
        """These folders of `origin` are gone: drop their sessions (reviews are history and
        stay)."""
        ...

    def identity(self) -> Identity:
        """Who the index sees: the database login and its role (single-user on SQLite)."""
        ...

    def known(self, origin: str) -> set[str]:
        """Ids of the sessions and reviews indexed from the recordings folder `origin`."""
        ...

    def save_cards(self, origin: str, rep: str, cards: Sequence[SkillCard]) -> None:
        """Replace the scheduler cards of `rep` that came from the recordings folder `origin`."""
        ...

    def cards(self, rep: str | None = None) -> list[RepSkillCard]:
        """Scheduler cards (of one rep, or everyone's), by rep and skill."""
        ...

    def refresh_statistics(self) -> None:
        """After many rows changed at once: let the database plan queries on fresh figures."""
        ...

    def sessions(
        self, where: SessionFilter, limit: int = 50, offset: int = 0
    ) -> list[SessionSummary]:
        """Newest first."""
        ...

    def records(self, origin: str) -> list[tuple[SessionRecord, float | None]]:
        """Every session indexed from the recordings folder `origin`, with its overall score
        (None: not scored), in no particular order: a rep's lists without reading the folders."""
        ...

    def lines(self, origin: str) -> list[tuple[SessionLine, float | None]]:
        """As `records`, from the index's columns only (no record parsed): a long list."""
        ...

    def newest(self, origin: str) -> tuple[str, datetime] | None:
        """The id and start of the newest session indexed from `origin` (latest start, then
        the greater id), None when there is none: `show last` without reading every record."""
        ...

    def session(self, session_id: str) -> SessionView | None: ...

    def matching(self, prefix: str, limit: int = 5) -> list[str]:
        """Session ids starting with `prefix` (the full id matches itself)."""
        ...

    def human_levels(self, rubric: str | None = None) -> list[HumanLevel]: ...

    def scored(self, where: SessionFilter) -> list[ScoredSession]:
        """Finished, scored sessions, oldest first, for reports."""
        ...
