"""Keeping the index in step with the recordings folder, which stays the source of truth.

Every write goes to the files first (adapters/indexed_file_store.py); then the session's folder
is read back and saved to the index. Before the files are touched the session is marked
pending, and the mark is cleared only once the index holds it, so a crash or an unreachable
database loses nothing: the next process that uses the index catches up (pending sessions, and
folders the index has never seen).

The index is a copy: a damaged one (a bad page, a value it never writes) is moved aside once
per process and built again from the folders, saying so once; when it cannot be moved (a
read-only folder) the lists come from the folders and the person is told what to do.

`Indexer` (here) answers the services' reads and writes; it is built in layers, each a module
of its own: `opening` (the state, opening once, moving a damaged index aside, saying why it is
not used), `in_step` (whether it is in step, from a few stat calls and a read-only look),
`catch_up` (catching up and rebuilding from the folders); `ports` holds what it asks of the
adapters beyond the SessionIndex and RecordingFiles ports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Container, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from roleplay.domain.roles import NotAllowed
from roleplay.services.index.catch_up import CatchUp
from roleplay.services.index.ports import (
    FolderMarks,
    Progress,
    Reads,
    Rebuilt,
    Seen,
    SeenChanges,
    Snapshot,
)
from roleplay.services.ports import IndexUnavailable

if TYPE_CHECKING:
    from roleplay.domain.schedule import SkillCard  # fsrs loads only where cards are rated
    from roleplay.domain.session import SessionRecord
    from roleplay.services.ports.sessions import SessionLine

__all__ = [
    "FolderMarks",
    "Indexer",
    "Progress",
    "Reads",
    "Rebuilt",
    "Seen",
    "SeenChanges",
    "Snapshot",
]

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class Indexer(CatchUp):
    """Opens the index lazily (no database work at start-up) and keeps it caught up."""

    def records(self) -> list[tuple[SessionRecord, float | None]] | None:
        """Every session of this recordings folder as the index holds it, with its overall
        score, after catching up with the folders (so a session copied in or written by
        another process is there); None when the index cannot be reached (read the folders)."""
        origin = self.files.origin
        return self._caught_up(lambda index: index.records(origin))

    def lines(self) -> list[tuple[SessionLine, float | None]] | None:
        """As `records`, from the index's columns only (no record parsed)."""
        origin = self.files.origin
        return self._caught_up(lambda index: index.lines(origin))

    def newest(self) -> tuple[Container[str], tuple[str, datetime] | None] | None:
        """(the ids the index holds, its newest session's id and start) for this recordings
        folder, after catching up; None when the index cannot be reached (read the folders).
        While the in-step check kept beside the index holds, the ids held are every folder
        but those it names as not held (not asked of the index: 8,000 ids at 8,000)."""
        origin = self.files.origin

        def read(index: Reads) -> tuple[Container[str], tuple[str, datetime] | None]:
            held = self._held_as_kept
            return (index.known(origin) if held is None else held, index.newest(origin))

        return self._caught_up(read)

    def _caught_up(self, read: Callable[[Reads], _T]) -> _T | None:
        """`read` from the index once it has caught up with the folders; None (and the
        problem noted, so this process does not wait again) when it cannot be reached. A
        damaged index (a bad page, a value it never writes) is moved aside and built again."""
        self._ensure_open()
        if self.problem is not None:
            return None
        try:
            return self._repairing(lambda: self._read(read))
        except IndexUnavailable as exc:
            self._gave_up(exc)
            return None

    def _read(self, read: Callable[[Reads], _T]) -> _T:
        if self._index is None:
            with self._opening:
                found = self._in_step(read)
            if found is not None:
                return found[0]
        opened = self._index is not None
        index = self._opened()  # the first use catches up
        if opened:
            self.catch_up()
        return read(index)

    def sync(self, session_id: str) -> bool:
        """After the files of a session changed: bring its index entry up to date.

        Never raises for an unreachable database: the session stays pending and is indexed on
        the next start (a closed index is not unreachable: IndexClosed). Returns whether the
        index is up to date.
        """
        self._ensure_open()
        if self.problem is not None:  # already failed in this process: do not wait again
            return False
        self._syncing = session_id
        try:
            problems = self._repairing(lambda: self._synced(session_id))
        except IndexUnavailable as exc:
            self._gave_up(exc)
            return False
        finally:
            self._syncing = None
        for p in problems:
            log.warning("%s", p)
        return not problems

    def _synced(self, session_id: str) -> list[str]:
        index = self._opened()
        if session_id in self._caught_up_ids and session_id not in self.files.pending():
            # Indexed by the catch-up this very call ran (and not changed since).
            self._caught_up_ids.discard(session_id)
            return []
        return self._save([session_id], index=index)

    def save_cards(self, rep: str, cards: Sequence[SkillCard]) -> bool:
        """After the rep's schedule was saved: index its cards. Never raises for an unreachable
        database (the next `roleplay reindex` rebuilds them). Returns whether it was saved."""
        self._ensure_open()
        if self.problem is not None:
            return False
        try:
            self._repairing(lambda: self._opened().save_cards(self.files.origin, rep, cards))
        except IndexUnavailable as exc:
            self._gave_up(exc)
            return False
        except NotAllowed as exc:  # the rights changed under us: the file still holds them
            log.warning("%s", exc)
            return False
        return True
