"""A rep's local index (SQLite) written through stdlib sqlite3, without SQLAlchemy.

`score last` and the end of a call write to the index (catch up with the folders, save the
scored session, save the schedule's cards). Importing SQLAlchemy for that took 150-200 ms of a
~400 ms command; sqlite3 is part of Python and loads in a few. This writes the same file, the
same schema and the same values as SQLAlchemy does (tests/contracts/test_index_writers.py saves
the same folders both ways and compares every row), and only to an index that is already at
the newest schema: creating and upgrading it (Alembic), a team's PostgreSQL index, and every
question beyond the writer's (lists, a session's view, reports, the team) stay with SqlIndex,
opened on first use and only then.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from roleplay.adapters import index_documents
from roleplay.adapters.index_head import KNOWN_IDS, SCHEMA_HEAD
from roleplay.adapters.local_sqlite import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from roleplay.adapters.local_sqlite import DAMAGE as DAMAGE
from roleplay.adapters.local_sqlite import (
    damage,
    damaged,
    for_writing,
    local_file,
    overall,
    schema,
    unusable,
)
from roleplay.domain.roles import Identity
from roleplay.services.ports import IndexClosed
from roleplay.services.ports import IndexDamaged as IndexDamaged

if TYPE_CHECKING:
    from roleplay.adapters.sql_index import SqlIndex
    from roleplay.domain.history import (
        HumanLevel,
        RepSkillCard,
        ScoredSession,
        SessionFiles,
        SessionFilter,
        SessionSummary,
        SessionView,
    )
    from roleplay.domain.schedule import SkillCard
    from roleplay.domain.session import SessionRecord
    from roleplay.services.ports.sessions import SessionLine

# Columns SQLAlchemy stores as JSON text (None too: as 'null', JSON's none_as_null=False).
DOCUMENTS = frozenset({"record", "scorecard", "doc"})


def bind(column: str, value: Any) -> Any:
    """A value as SQLAlchemy binds it for SQLite: JSON documents as json.dumps text, times
    as naive UTC 'YYYY-MM-DD HH:MM:SS.ffffff' (schema's UtcDateTime), the rest as it is."""
    if column in DOCUMENTS:
        return index_documents.dumps(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the index stores UTC times only")
        v = value.astimezone(UTC)
        return (
            f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
            f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}"
        )
    return value


class SqliteIndex:
    """SessionIndex on a local SQLite file at the newest schema: writes here, reads elsewhere."""

    def __init__(self, url: str, path: str, db: sqlite3.Connection) -> None:
        self.url = url
        self.path = path
        self._db = db
        self._lock = threading.RLock()  # one connection, shared by the app's workers
        self._full: SqlIndex | None = None
        self._closed = False

    @classmethod
    def open(cls, url: str) -> SqliteIndex | None:
        """The index at `url` when it is a local SQLite file already at the newest schema;
        None otherwise (not there yet, older or newer, unreadable, damaged, not SQLite): then
        SqlIndex opens it, and creates, upgrades or says what is wrong, as it always did."""
        path = local_file(url, plain=True)
        if path is None:
            return None
        try:
            db = for_writing(path)
        except sqlite3.Error:
            return None
        if schema(db) != SCHEMA_HEAD:
            db.close()
            return None
        return cls(url, path, db)

    def full(self) -> SqlIndex:
        """The SQLAlchemy index on the same file, for everything but the writes."""
        with self._lock:
            self._ensure_open()  # closed: not opened again behind the closer's back
            if self._full is None:
                from roleplay.adapters.sql_index import SqlIndex

                self._full = SqlIndex.open(self.url)
            return self._full

    def adopt(self, full: SqlIndex) -> None:
        """Answer the questions beyond the writer's with `full`, already open on this file."""
        with self._lock:
            self._full = full

    def describe(self) -> str:
        return self.url  # no password in a SQLite URL

    def identity(self) -> Identity:
        return Identity(role="single")

    def close(self) -> None:
        """Close both connections now; any use afterwards raises IndexClosed."""
        with self._lock:
            self._closed = True
            self._db.close()
            if self._full is not None:
                self._full.close()

    def _ensure_open(self) -> None:
        if self._closed:
            raise IndexClosed(
                f"the index database {self.path} was used after roleplay closed it; this is "
                "a bug in roleplay (please report it). Run the command again"
            )

    # --- writing (as SqlIndex writes, statement for statement) -------------------------------

    def save(self, folders: Sequence[SessionFiles]) -> list[str]:
        if not folders:
            return []
        now = datetime.now(UTC)
        recorded = [f for f in folders if f.transcript is not None]
        ids = [f.session_id for f in recorded]
        with self._write() as db:
            if recorded:
                rows = [index_documents.session_row(f, now) for f in recorded]
                self._insert(db, "sessions", rows, upsert=True)
                for chunk in index_documents.chunks(ids):
                    marks = ", ".join("?" * len(chunk))
                    db.execute(f"DELETE FROM turns WHERE session_id IN ({marks})", chunk)
                    db.execute(f"DELETE FROM criterion_scores WHERE session_id IN ({marks})", chunk)
                self._insert(
                    db, "turns", [r for f in recorded for r in index_documents.turn_rows(f)]
                )
                self._insert(
                    db,
                    "criterion_scores",
                    [r for f in recorded for r in index_documents.score_rows(f)],
                )
            for table, rows in index_documents.review_rows(folders).items():
                self._insert(db, table, rows, skip_known=True)
        return []  # one person's index: every folder is theirs to write

    def forget(self, origin: str, session_ids: Sequence[str]) -> None:
        if not session_ids:
            return
        with self._write() as db:
            for chunk in index_documents.chunks(list(session_ids)):
                marks = ", ".join("?" * len(chunk))
                db.execute(
                    f"DELETE FROM sessions WHERE id IN ({marks}) AND origin = ?", [*chunk, origin]
                )

    def save_cards(self, origin: str, rep: str, cards: Sequence[SkillCard]) -> None:
        rows = [index_documents.card_row(origin, rep, c) for c in cards]
        with self._write() as db:
            db.execute("DELETE FROM skill_cards WHERE origin = ? AND rep = ?", (origin, rep))
            self._insert(db, "skill_cards", rows)

    def refresh_statistics(self) -> None:
        with self._write() as db:
            db.execute("PRAGMA optimize")

    @staticmethod
    def _insert(
        db: sqlite3.Connection,
        table: str,
        rows: list[dict[str, Any]],
        *,
        upsert: bool = False,
        skip_known: bool = False,
    ) -> None:
        if not rows:
            return
        columns = list(rows[0])
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        if upsert:  # a folder may change hands: its row is replaced whole
            changed = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
            sql += f" ON CONFLICT (id) DO UPDATE SET {changed}"
        elif skip_known:  # review items are never changed
            sql += " ON CONFLICT (id) DO NOTHING"
        db.executemany(sql, [[bind(c, r[c]) for c in columns] for r in rows])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._guard():
            self._ensure_open()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Errors as sql_engine.Database.guard words them: "cannot use the database now"
        becomes IndexUnavailable; other database errors are bugs and propagate."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            detail = str(exc).strip()
            if damaged(exc):
                raise damage(self.path, detail) from None
            if not isinstance(
                exc, (sqlite3.OperationalError, sqlite3.InterfaceError, sqlite3.InternalError)
            ):
                raise
            line = detail.splitlines()[0] if detail else ""
            raise unusable(self.describe(), self.path, line) from None

    # --- reading ---------------------------------------------------------------------------

    def known(self, origin: str) -> set[str]:
        with self._lock, self._guard():
            self._ensure_open()
            return {str(r[0]) for r in self._db.execute(KNOWN_IDS, [origin] * 4)}

    # Everything else is asked of SqlIndex (SQLAlchemy), opened on the first such question.

    def cards(self, rep: str | None = None) -> list[RepSkillCard]:
        return self.full().cards(rep)

    def sessions(
        self, where: SessionFilter, limit: int = 50, offset: int = 0
    ) -> list[SessionSummary]:
        return self.full().sessions(where, limit, offset)

    def records(self, origin: str) -> list[tuple[SessionRecord, float | None]]:
        with self._values():
            return [(r, overall(o)) for r, o in self.full().records(origin)]

    # The list and its newest session are read with stdlib sqlite3 on this connection, the
    # same query and checks as index_peek's (what `today` lists from): the same rows, without
    # importing SQLAlchemy for them (`score last` at 8,000 sessions, issue 18). A value the
    # index never writes is IndexDamaged naming the session, as through SqlIndex.

    def lines(self, origin: str) -> list[tuple[SessionLine, float | None]]:
        from roleplay.adapters.index_peek import LocalIndex

        with self._lock, self._guard():
            self._ensure_open()
            return LocalIndex(self._db, self.path).lines(origin)

    def newest(self, origin: str) -> tuple[str, datetime] | None:
        from roleplay.adapters.index_peek import LocalIndex

        with self._lock, self._guard():
            self._ensure_open()
            return LocalIndex(self._db, self.path).newest(origin)

    @contextmanager
    def _values(self) -> Iterator[None]:
        """A value this version never writes (a hand edit; a damaged page that still
        parses) makes the index damaged, which is moved aside and built again: never a
        traceback, never a session missing from a list."""
        try:
            yield
        except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
            what = "; ".join(str(exc).splitlines()[:3])
            raise damage(self.path, f"a value it never writes: {what}"[:300]) from None

    def session(self, session_id: str) -> SessionView | None:
        return self.full().session(session_id)

    def matching(self, prefix: str, limit: int = 5) -> list[str]:
        return self.full().matching(prefix, limit)

    def human_levels(self, rubric: str | None = None) -> list[HumanLevel]:
        return self.full().human_levels(rubric)

    def scored(self, where: SessionFilter) -> list[ScoredSession]:
        return self.full().scored(where)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        """The team's questions (members, add_member...): SqlIndex answers (or refuses) them."""
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.full(), name)  # type: ignore[no-any-return]
