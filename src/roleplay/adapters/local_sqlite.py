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
from pathlib import Path
from typing import Any
from urllib.parse import quote

from roleplay.services.ports.index import IndexDamaged, IndexReadOnly, IndexUnavailable

SQLITE = "sqlite:///"
BUSY_TIMEOUT_MS = 30_000
READ_TIMEOUT_S = 5  # a reader waits this long for a writer's lock, then the index is opened
MMAP_BYTES = 1 << 30  # address space only; the OS pages in what is read
# What SQLite says when the file is not (or no longer) a database.
DAMAGE = ("file is not a database", "database disk image is malformed")
# What SQLite says when the file, its folder or its side files (-wal, -shm) cannot be written.
READ_ONLY = "readonly database"
CANNOT_OPEN = "unable to open database file"  # read-only too, when its folder is (-wal, -shm)


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


def overall(value: Any) -> float | None:
    """An overall score as SQLite keeps it (REAL or NULL); anything else there is damage.
    Raises ValueError."""
    if value is None or value.__class__ is float:
        return value
    raise ValueError(f"overall {value!r:.40} is not a score")


def damage(path: str | Path, detail: str) -> IndexDamaged:
    """A damaged index file, said the same way by every reader and writer."""
    return IndexDamaged(
        f"the index database {path} is damaged ({detail}); it can be rebuilt from the "
        "recordings with `roleplay reindex`",
        Path(path),
        detail,
    )


def unusable(where: str, path: str | Path, detail: str) -> IndexUnavailable:
    """Why a local index cannot be used now, and what to do: a read-only file or folder is
    named as such (waiting for "another roleplay" would never help), else a lock."""
    where_read_only = _read_only(str(path))
    if READ_ONLY in detail or (CANNOT_OPEN in detail and where_read_only):
        return read_only_index(path, detail, where_read_only)
    return IndexUnavailable(
        f"the index database {where} cannot be used ({detail}); another roleplay may be "
        "holding it; try again. Sessions are still saved in recordings/ and are indexed on "
        "the next start."
    )


def read_only_index(path: str | Path, detail: str, where: str = "") -> IndexReadOnly:
    """The index cannot be written for want of permission: which file, and what to do."""
    where = where or _read_only(str(path)) or "it is read-only"
    return IndexReadOnly(
        f"the index database {path} cannot be written ({detail}): {where}. Make it writable "
        "by you (chmod u+w), or set ROLEPLAY_DATABASE_URL=sqlite:///PATH to an index in a "
        "writable folder. Sessions are still saved in recordings/ and are indexed once the "
        "index can be written."
    )


def _read_only(path: str) -> str:
    """Which of the index's files cannot be written: its folder (where the -wal and -shm
    files go; a read-only folder is the thing to fix), the file, or those side files; ""
    when each can."""
    folder = os.path.dirname(os.path.abspath(path))  # noqa: PTH100, PTH120 (a str from a URL)
    if not os.access(folder, os.W_OK):
        return f"its folder {folder} is read-only"
    for suffix, what in (("", "the file"), ("-wal", "its -wal file"), ("-shm", "its -shm file")):
        name = path + suffix
        if os.path.exists(name) and not os.access(name, os.W_OK):  # noqa: PTH110
            return f"{what} is read-only"
    return ""
