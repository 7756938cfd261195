"""A local SQLite index through stdlib sqlite3: the one place both stdlib adapters open it.

The reader (index_peek: read-only snapshots for a rep's read commands) and the writer
(sqlite_index: what `score last` and the end of a call write) share which URL is a local file,
how a connection is set up for each, how the file's schema is read, and what damage looks like.
Everything else (creating, upgrading, a team's PostgreSQL index) stays with SQLAlchemy
(sql_engine.py, which sets up its connections as `for_writing` does).
"""

from __future__ import annotations

import os
import sqlite3
from urllib.parse import quote

SQLITE = "sqlite:///"
BUSY_TIMEOUT_MS = 30_000
READ_TIMEOUT_S = 5  # a reader waits this long for a writer's lock, then the index is opened
MMAP_BYTES = 1 << 30  # address space only; the OS pages in what is read
# What SQLite says when the file is not (or no longer) a database.
DAMAGE = ("file is not a database", "database disk image is malformed")


def local_file(url: str, *, plain: bool = False) -> str | None:
    """The path of the local SQLite file at `url` when there is a file; else None (not
    SQLite, or nothing there yet). `plain`: None too for a path SQLite would read as something
    else (in memory, a "file:" URI, query parameters): the writer opens the path as it is."""
    if not url.startswith(SQLITE):
        return None
    path = url.removeprefix(SQLITE)
    if plain and (not path or path == ":memory:" or path.startswith("file:") or "?" in path):
        return None
    return path if os.path.isfile(path) else None  # noqa: PTH113 (a str from a URL)


def read_only(path: str) -> sqlite3.Connection | None:
    """A connection that never creates, write-locks or upgrades the file; None when it cannot
    be had or the file is not a database (opening the index the ordinary way says why)."""
    try:
        db = sqlite3.connect(
            f"file:{quote(path)}?mode=ro", uri=True, timeout=READ_TIMEOUT_S, isolation_level=None
        )
    except sqlite3.Error:
        return None
    try:
        # Mapped, not read page by page: a row of the sessions table spans pages (its record
        # and scorecard), and listing 8,000 of them took 60 ms through read calls, 15 mapped.
        db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    except sqlite3.Error:
        db.close()
        return None
    return db


def for_writing(path: str) -> sqlite3.Connection:
    """A connection set up as the SQLAlchemy engine sets up its own (sql_engine.py): WAL,
    a busy timeout, foreign keys on (turns and scores go with their session), and no implicit
    transactions (writes begin IMMEDIATE: two writers wait for each other). Raises
    sqlite3.Error."""
    db = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable enough for an index
    except BaseException:
        db.close()
        raise
    return db


def schema(db: sqlite3.Connection) -> str | None:
    """The schema revision the file is stamped with; None when it has none or cannot say."""
    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else row[0]


def damaged(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file is not (or no longer) a database."""
    detail = str(exc)
    return any(d in detail for d in DAMAGE)
