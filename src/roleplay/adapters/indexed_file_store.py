"""The file store that also keeps the index up to date: every write of the whole app goes
through it (practice, re-scoring, commitments...), so no writer can leave the index behind.

Order of every write: mark the session pending, write the files (the source of truth), then
index the session. A crash or an unreachable database leaves the pending mark, and the next
process that uses the index catches up. Turns are written, not indexed: a call's turns reach
the index when it ends, so no database round trip sits between two turns.

Listing the sessions (`sessions`, `today`, `show last`, the app's history) reads them from the
index once the folder holds many: parsing thousands of session files took a second, the index
answers in one query. The index catches up with the folders first (new, copied-in, pending
sessions), and a folder it cannot hold (a damaged file) is read from disk, so the list is the
same as the folders' own. A few sessions are read from their files: quicker than loading the
database layer, and kept in memory (SessionRecords) until their files change.

`current()` is that one list with a version (the same version: the same list), which the habit
service keeps its schedule against: there is one way to a rep's sessions, kept current.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Container, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from roleplay.adapters.file_store import (
    SESSION_FILE,
    FileSessionStore,
    Scores,
    parse_file,
)
from roleplay.adapters.session_records import SessionRecords
from roleplay.services.ports import BrokenRecording, Damaged
from roleplay.services.ports.sessions import SessionLine

# The models (and pydantic) load where a file is parsed: a list from the index needs none.
if TYPE_CHECKING:
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import SessionRecord, Turn
    from roleplay.services.ports.sessions import Listed

log = logging.getLogger(__name__)

INDEX_FROM = 300  # session folders from which a list is read from the index
Indexed = list[tuple["SessionRecord", float | None]]
# The ids the index holds for this folder, and its newest session's (id, start).
Newest = tuple[Container[str], tuple[str, datetime] | None]
_L = TypeVar("_L", "SessionRecord", SessionLine)


class IndexedFileStore(FileSessionStore):
    def __init__(
        self,
        root: Path,
        *,
        pending: Callable[[str], None],
        written: Callable[[str], object],
        indexed: Callable[[], Indexed | None] = lambda: None,
        newest: Callable[[], Newest | None] = lambda: None,
        lines: Callable[[], list[tuple[SessionLine, float | None]] | None] = lambda: None,
        lines_in_step: Callable[[], list[tuple[SessionLine, float | None]] | None] = (lambda: None),
        making: Callable[[str], AbstractContextManager[object]] = lambda session_id: nullcontext(),
    ) -> None:
        super().__init__(root)
        self._pending = pending  # marks a session as changed since last indexed
        # Held from before a new session's folder is made until its session.json is written:
        # a mark beside a folder without that file, found while nobody holds it, is a dead
        # writer's (FileRecordings.abandoned), which a catch-up settles.
        self._making = making
        self._written = written  # indexes a session (never raises for an unreachable index)
        self._indexed = indexed  # the sessions the index holds, caught up (None: unreachable)
        self._newest = newest  # the same, for 'last': its ids and newest only
        self._lines = lines  # the same, from the index's columns only
        # The same, only when the local index is in step without opening it (None: not):
        # a small folder's list then reads no session file, so loads no model (issue 18).
        self._lines_in_step = lines_in_step
        self._scores: Scores = {}  # overall scores of the last indexed list
        # The last list of each kind ("records", "lines") from the index and the folder state
        # it was read at (see _folder_state)
        self._last: dict[str, tuple[tuple[int, int], list[Any], list[Damaged], Scores]] = {}
        self._small = SessionRecords(root)  # the list of a small folder, kept by file stamps
        self._read_lists = 0  # lists read from the index (or every file): a new version each
        self._version: object = None

    # --- listing -------------------------------------------------------------------------

    def current(self) -> tuple[object, list[SessionRecord]]:
        """(version, every readable record newest first); the same version, the same list."""
        records, _ = self.survey()
        return self._version, records

    def survey(self) -> tuple[list[SessionRecord], list[Damaged]]:
        return self._survey("records", self._indexed)

    def listing(self) -> tuple[list[Listed], list[Damaged]]:
        """As `survey`, but a long folder's sessions come from the index's columns (no record
        parsed): what a list shows and the schedule checks. Records of sessions the index does
        not hold are read from their files, as in `survey`."""
        lines, damaged = self._survey("lines", self._lines)
        return list(lines), damaged

    def current_lines(self) -> tuple[object, list[Listed]]:
        """(version, `listing()`'s sessions); the same version, the same list."""
        lines, _ = self.listing()
        return self._version, lines

    def _survey(
        self, kind: str, read: Callable[[], list[tuple[_L, float | None]] | None]
    ) -> tuple[list[_L | SessionRecord], list[Damaged]]:
        state = self._folder_state()
        last = self._last.get(kind)
        if state is not None and last is not None and last[0] == state:
            self._scores = last[3]
            return list(last[1]), list(last[2])  # nothing changed since (no folder listed)
        entries = _folders(self.root)
        self._scores = {}  # until the index answers: scores come from the files
        indexed: list[tuple[_L, float | None]] | None = None
        if len(entries) < INDEX_FROM:
            if kind == "lines":  # the index's columns, when they come without opening it
                indexed = self._lines_in_step()  # type: ignore[assignment]  # kind: lines
            if indexed is None:
                return self._from_files()  # type: ignore[return-value]  # records are lines too
        self._read_lists += 1
        self._version = ("index", self._read_lists)
        if indexed is None:
            indexed = read()
        if indexed is None:  # no index: the folders are the truth anyway
            return self._from_files()  # type: ignore[return-value]
        held = {item.id: (item, overall) for item, overall in indexed}
        items: list[_L | SessionRecord] = []
        damaged: list[Damaged] = []
        scores: Scores = {}
        for name in entries:
            if name in held:
                items.append(held[name][0])
                scores[name] = held[name][1]
                continue
            path = self.root / name / SESSION_FILE  # not indexed: damaged, or being written
            if not path.is_file():
                continue  # a folder of reviews only, or not a session
            from roleplay.domain.session import SessionRecord

            try:
                items.append(parse_file(path, SessionRecord))
            except BrokenRecording as exc:
                log.warning("%s", exc)
                damaged.append(Damaged(name, str(exc)))
        items.sort(key=_newest_first, reverse=True)
        damaged.sort(key=lambda d: d.id)
        self._scores = scores
        if state is not None:
            self._last[kind] = (state, items, damaged, scores)
        return list(items), list(damaged)

    def resolve(self, ref: str) -> str:
        """'last' in a long folder: the index's newest session, unless a folder it does not
        hold (being written, or with a damaged file) holds a newer readable one: the same
        answer as the whole list's first, without reading every record."""
        if ref != "last":
            return super().resolve(ref)
        entries = _folders(self.root)
        found = self._newest() if len(entries) >= INDEX_FROM else None
        if found is None:
            return super().resolve(ref)
        held, newest = found
        candidates = [] if newest is None else [(newest[1], newest[0])]
        for name in entries:
            if name in held:
                continue
            path = self.root / name / SESSION_FILE
            if not path.is_file():
                continue
            from roleplay.domain.session import SessionRecord

            try:
                record = parse_file(path, SessionRecord)
            except BrokenRecording:  # not readable: never 'last' (the list leaves it out too)
                continue
            candidates.append((record.started_at, record.id))
        if not candidates:
            return super().resolve(ref)  # says there is no session yet, as before
        return max(candidates)[1]

    def _from_files(self) -> tuple[list[SessionRecord], list[Damaged]]:
        version, listed, broken = self._small.listing()
        self._version = ("files", version)
        return listed, broken

    def scores(self, records: Sequence[Listed]) -> tuple[Scores, dict[str, str]]:
        # The sessions the index listed had their scorecard read whole when indexed.
        listed = {r.id: self._scores[r.id] for r in records if r.id in self._scores}
        scores, problems = super().scores([r for r in records if r.id not in listed])
        return {**listed, **scores}, problems

    def _folder_state(self) -> tuple[int, int] | None:
        """When the folder list or the pending marks last changed; None when that was a moment
        ago (a file system's clock ticks coarsely: a change in the same tick would be missed)."""
        try:
            folders = self.root.stat().st_mtime_ns
            pending = self.root / ".index" / "pending"
            marks = pending.stat().st_mtime_ns if pending.is_dir() else 0
        except OSError:
            return None
        if time.time_ns() - max(folders, marks) < 2_000_000_000:
            return None
        return folders, marks

    def _changed(self) -> None:
        self._last = {}
        self._scores = {}

    def create(self, record: SessionRecord) -> None:
        self._changed()
        with self._making(record.id):
            super().create(record)  # marked pending once its folder is made (`_made`)
        self._written(record.id)

    def _made(self, session_id: str) -> None:
        # Marked after the folder is made, not before: a catch-up in another process that
        # finds a mark without a folder takes the session as deleted before it was indexed
        # and clears the mark; while the folder is there, the mark stays.
        self._pending(session_id)

    def append_turn(self, session_id: str, turn: Turn) -> None:
        self._pending(session_id)
        super().append_turn(session_id, turn)

    def update(self, record: SessionRecord) -> None:
        self._changed()
        self._pending(record.id)
        super().update(record)
        self._written(record.id)

    def discard(self, session_id: str) -> None:
        # The index forgets it at the next catch-up, as a folder deleted by hand: the
        # recordings folder's own stamp changed, so no check finds the index in step.
        self._changed()
        super().discard(session_id)

    def save_scorecard(self, session_id: str, scorecard: Scorecard) -> None:
        self._changed()
        self._pending(session_id)
        super().save_scorecard(session_id, scorecard)
        self._written(session_id)


def _newest_first(item: Listed) -> tuple[datetime, str]:
    return (item.started_at, item.id)


def _folders(root: Path) -> list[str]:
    """Names of the folders directly inside `root` (no stat per folder; links not followed)."""
    try:
        with os.scandir(root) as found:
            return [
                e.name
                for e in found
                if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)
            ]
    except (FileNotFoundError, NotADirectoryError):
        return []
