"""Questions about the local index that stdlib sqlite3 answers without opening it properly.

Opening the index imports SQLAlchemy, checks the schema and catches up with the recordings:
150-200 ms, more at thousands of sessions. A rep's read commands (`sessions`, `today`,
`progress`, `show last`) ask it one thing each: their sessions, newest first. A local SQLite
index at the schema this version writes is read here instead, in one read-only snapshot: when it
holds exactly the folders (nothing pending, nothing new or gone), its rows are the list; else
the caller opens the index as before, which catches up. Anything unexpected (a team's
PostgreSQL index, a file that cannot be read, another schema) says "maybe", and the caller
opens the index as before. A damaged file, or a value this version never writes (a time that
is not a time, a record that is not JSON, a score that is not a number), raises IndexDamaged
naming the file (and the session): the caller moves the index aside and builds it again from
the recordings, or reads the recordings themselves; nothing is hidden and nothing is guessed.

Finding out that the index holds exactly the folders means listing every folder and every id
the index holds (~40 ms at 8,000 sessions). So once it was found, that is kept beside the index
(`<index>.instep`, per recordings folder): the index file's stamps and the folder's marks
(recording_files.marks). While neither changed, the next command need not look again.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from roleplay.adapters.index_head import KNOWN_IDS
from roleplay.adapters.local_sqlite import (
    SQLITE,
    damage,
    damaged,
    local_file,
    overall,
    read_only,
    schema,
)
from roleplay.atomic import write_atomic
from roleplay.bulk import collector_paused
from roleplay.services.ports.index import IndexUnavailable
from roleplay.services.ports.sessions import SessionLine

if TYPE_CHECKING:
    from roleplay.domain.session import SessionRecord

log = logging.getLogger(__name__)

# The schema these queries were written for (index_schema.SCHEMA_HEAD; a test keeps them equal).
SCHEMA = "0004"
IN_STEP = ".instep"  # beside the index: what it was last found in step with
# A write this recent may share its time stamp with a later one: not kept (as recording_files).
STILL_NS = 2_000_000_000


def may_hold_assignments(url: str) -> bool:
    """False only when the index at `url` certainly holds no assignment that is not withdrawn."""
    if not url.startswith(SQLITE):
        return True  # a shared index: a trainer may have assigned something
    path = url.removeprefix(SQLITE)
    if not os.path.exists(path):  # noqa: PTH110 (a str from a URL)
        return False  # no index yet: nothing was ever assigned here
    db = read_only(path)
    if db is None:  # unreadable: opening the index says what is wrong
        return True
    try:
        row = db.execute("SELECT 1 FROM assignments WHERE withdrawn_at IS NULL LIMIT 1").fetchone()
    except sqlite3.Error:  # no such table (an older index), damaged, locked: the index says
        return True
    finally:
        db.close()
    return row is not None


class LocalIndex:
    """One read-only snapshot of a local SQLite index (a context manager: closes it)."""

    def __init__(
        self, db: sqlite3.Connection, path: str = "", files: list[list[int] | None] | None = None
    ) -> None:
        self._db = db
        self._known: dict[str, set[str]] = {}  # one snapshot: asked twice, the same answer
        self._path = path
        self._files = files  # the index file's stamps, taken before the snapshot began

    @classmethod
    def open(cls, url: str) -> LocalIndex | None:
        """The index at `url` in a read snapshot; None unless it is a local SQLite file at
        SCHEMA that can be read now (then the caller opens the index the ordinary way)."""
        path = local_file(url)
        if path is None:
            return None
        files = _stamps(path)  # before the snapshot: a write after it changes them
        db = read_only(path)
        if db is None:
            return None
        try:
            db.execute("BEGIN")  # every question below sees the same state of the index
        except sqlite3.Error:
            db.close()
            return None
        if schema(db) != SCHEMA:
            db.close()
            return None
        return cls(db, path, files)

    def __enter__(self) -> LocalIndex:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def kept(self, origin: str) -> dict[str, Any] | None:
        """What was kept (`keep`) when this index was last found in step with the recordings
        folder `origin`, if the index file has not changed since; else None."""
        if self._files is None:
            return None
        try:
            with open(self._path + IN_STEP, "rb") as f:  # noqa: PTH123 (a str from a URL)
                found = json.loads(f.read()).get(origin)
        except (OSError, ValueError, AttributeError):  # none yet, unreadable, not an object
            return None
        if not isinstance(found, dict) or found.get("index") != self._files:
            return None
        return found

    def keep(self, origin: str, found: dict[str, Any]) -> dict[str, Any] | None:
        """Keep `found` (JSON) as what the index is in step with for the folder `origin`,
        unless the index changed a moment ago. A cache: failing to write it costs time only.
        Returns what is (or would have been) kept, with this snapshot's stamps of the index
        file (None: none taken): what this process found, whether or not it was written."""
        files = self._files
        if files is None:
            return None
        if not any(time.time_ns() - f[2] < STILL_NS for f in files if f is not None):
            self._write_kept(origin, found, files)
        return {**found, "index": files}

    def current(self, kept: dict[str, Any]) -> bool:
        """Whether the index file is as it was when `kept` (from `keep`) was found."""
        return self._files is not None and kept.get("index") == self._files

    def _write_kept(
        self, origin: str, found: dict[str, Any], files: list[list[int] | None]
    ) -> bool:
        path = self._path + IN_STEP
        try:
            with open(path, "rb") as f:  # noqa: PTH123
                kept = json.loads(f.read())
        except (OSError, ValueError):
            kept = {}
        if not isinstance(kept, dict):
            kept = {}
        kept[origin] = {**found, "index": files}
        try:
            write_atomic(Path(path), json.dumps(kept))
        except OSError as exc:
            log.info("%s: not written (%s)", path, exc)
            return False
        return True

    def carry(self, origin: str, found: dict[str, Any], before: list[list[int] | None]) -> bool:
        """Keep `found` for the folder `origin` after this process wrote the index, which was
        in step with it before (`before`: the stamps kept then), and changed nothing the
        check rests on (it wrote sessions the index held: services/index/in_step.py says when). Not
        waited for to be still: that wait guards against a change in the same tick of the
        file system's clock, and what could change it so (another writer of these folders)
        changes the folder list or leaves a pending mark, which the marks see. Refused when
        the index file is another (moved aside and built again). Returns whether kept."""
        files = self._files
        if not files or files[0] is None or not before or before[0] is None:
            return False
        if files[0][0] != before[0][0]:  # another file (inode) at the index's place
            return False
        return self._write_kept(origin, found, files)

    def known(self, origin: str) -> set[str]:
        """As SqlIndex.known: ids of the sessions and reviews from the folder `origin`."""
        if origin not in self._known:
            with self._asked():
                found = {str(r[0]) for r in self._db.execute(KNOWN_IDS, (origin,) * 4)}
            self._known[origin] = found
        return set(self._known[origin])

    def records(self, origin: str) -> list[tuple[SessionRecord, float | None]]:
        """As SqlIndex.records."""
        from roleplay.domain.session import SessionRecord  # pydantic models: only when read

        with self._asked():
            rows = self._db.execute(
                "SELECT record, overall, id FROM sessions WHERE origin = ?", (origin,)
            ).fetchall()
        with collector_paused(), self._values(rows, 2, _record):
            return [(SessionRecord.model_validate_json(r[0]), overall(r[1])) for r in rows]

    def lines(self, origin: str) -> list[tuple[SessionLine, float | None]]:
        """Every session of `origin` with its overall score, from the columns only."""
        with self._asked():
            rows = self._db.execute(
                "SELECT id, rep, mode, started_at, ended_at, outcome, overall FROM sessions "
                "WHERE origin = ?",
                (origin,),
            ).fetchall()
        with collector_paused(), self._values(rows, 0, _line):
            return [
                (
                    SessionLine(r[0], r[1], r[2], _utc(r[3]), _utc(r[4]) if r[4] else None, r[5]),
                    overall(r[6]),  # the text columns hold text: SQLite makes them so
                )
                for r in rows
            ]

    def newest(self, origin: str) -> tuple[str, datetime] | None:
        """As SqlIndex.newest."""
        with self._asked():
            row = self._db.execute(
                "SELECT id, started_at FROM sessions WHERE origin = ? "
                "ORDER BY started_at DESC, id DESC LIMIT 1",
                (origin,),
            ).fetchone()
        if row is None:
            return None
        with self._values([row], 0, lambda r: _time("started_at", r[1])):
            return (str(row[0]), _utc(row[1]))

    @contextmanager
    def _asked(self) -> Iterator[None]:
        """What SQLite says of a question, in the index's words: a damaged file is
        IndexDamaged (moved aside and built again); anything else (busy, unreadable) is
        IndexUnavailable, and the caller opens the index the ordinary way, as for "maybe"."""
        try:
            yield
        except sqlite3.Error as exc:
            if damaged(exc):
                raise damage(self._path, str(exc)) from None
            raise IndexUnavailable(
                f"the index database {self._path} cannot be read ({exc})"
            ) from None

    @contextmanager
    def _values(
        self, rows: list[Any], id_at: int, check: Callable[[Any], object]
    ) -> Iterator[None]:
        """A value the index never writes (a hand edit, a damaged page that still parses)
        is IndexDamaged naming the session (`row[id_at]`) and the column, never a
        traceback."""
        try:
            yield
        except (ValueError, TypeError) as exc:
            for row in rows:  # which one: looked for only once something failed
                try:
                    check(row)
                except (ValueError, TypeError) as bad:
                    what = f"session {row[id_at]!r}: {bad}"
                    break
            else:
                what = str(exc)
            raise damage(self._path, f"a value it never writes: {what}"[:300]) from None


def _line(r: Any) -> object:
    """One row of `lines`, checked column by column (to name what is wrong)."""
    _time("started_at", r[3])
    if r[4]:
        _time("ended_at", r[4])
    return overall(r[6])


def _time(name: str, value: Any) -> datetime:
    try:
        return _utc(value)
    except (ValueError, TypeError):
        raise ValueError(f"{name} {value!r:.40} is not a time") from None


def _record(r: Any) -> object:
    from roleplay.domain.session import SessionRecord

    try:
        SessionRecord.model_validate_json(r[0])
    except ValueError:
        raise ValueError(f"record {str(r[0])!r:.40} is not a session record") from None
    return overall(r[1])


def _stamps(path: str) -> list[list[int] | None] | None:
    """(inode, size, modification time) of the index file and of its write-ahead log (None:
    no log, or an empty one: a reader creates it empty when the last writer removed it, and
    a write to it makes it longer); None when either cannot be looked at."""
    found: list[list[int] | None] = []
    for name in (path, f"{path}-wal"):
        try:
            st = os.stat(name)  # noqa: PTH116
        except FileNotFoundError:
            found.append(None)
            continue
        except OSError:
            return None
        found.append([st.st_ino, st.st_size, st.st_mtime_ns] if st.st_size else None)
    return found


def _utc(stored: str) -> datetime:
    """A time as SQLAlchemy stores it in SQLite (naive UTC text) -> aware UTC."""
    try:  # parsed with its offset: ~7x quicker than replace(), 16,000 times a list at 8,000
        return datetime.fromisoformat(stored + "+00:00")
    except ValueError:  # not naive text after all: as it always was read
        return datetime.fromisoformat(stored).replace(tzinfo=UTC)
