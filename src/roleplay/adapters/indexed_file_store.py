"""The file store that also keeps the index up to date: every write of the whole app goes
through it (practice, re-scoring, commitments...), so no writer can leave the index behind.

Order of every write: mark the session pending, write the files (the source of truth), then
index the session. A crash or an unreachable database leaves the pending mark, and the next
process that uses the index catches up. Turns are written, not indexed: a call's turns reach
the index when it ends, so no database round trip sits between two turns.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from roleplay.adapters.file_store import FileSessionStore
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import SessionRecord, Turn


class IndexedFileStore(FileSessionStore):
    def __init__(
        self,
        root: Path,
        *,
        pending: Callable[[str], None],
        written: Callable[[str], object],
    ) -> None:
        super().__init__(root)
        self._pending = pending  # marks a session as changed since last indexed
        self._written = written  # indexes a session (never raises for an unreachable index)

    def create(self, record: SessionRecord) -> None:
        self._pending(record.id)
        super().create(record)
        self._written(record.id)

    def append_turn(self, session_id: str, turn: Turn) -> None:
        self._pending(session_id)
        super().append_turn(session_id, turn)

    def update(self, record: SessionRecord) -> None:
        self._pending(record.id)
        super().update(record)
        self._written(record.id)

    def save_scorecard(self, session_id: str, scorecard: Scorecard) -> None:
        self._pending(session_id)
        super().save_scorecard(session_id, scorecard)
        self._written(session_id)
