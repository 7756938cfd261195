"""The index database connection: URL, engine, SQLite pragmas, errors, schema migrations.

SQLite (the default, a file in the user data folder) runs in WAL mode with a busy timeout, and
every write transaction starts with BEGIN IMMEDIATE, so two processes writing at once wait for
each other instead of failing. PostgreSQL (a team's shared server) is reached through psycopg 3.
The URL's password never leaves this module: descriptions hide it and error messages are
scrubbed of it.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    InterfaceError,
    InternalError,
    NoSuchModuleError,
    OperationalError,
)

from roleplay.adapters import index_documents
from roleplay.adapters.index_head import KNOWN_REVISIONS, SCHEMA_HEAD
from roleplay.adapters.local_sqlite import damage, read_only_index, unusable

# The SQLite set-up and damage that the stdlib writer (sqlite_index.py) shares; re-exported.
from roleplay.adapters.sqlite_index import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from roleplay.adapters.sqlite_index import DAMAGE as DAMAGE
from roleplay.adapters.sqlite_index import IndexDamaged as IndexDamaged
from roleplay.domain.text import redact
from roleplay.services.ports import IndexClosed, IndexTooNew, IndexUnavailable

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10
MIGRATION_LOCK = 7_214_503  # PostgreSQL advisory lock id: one migrating process at a time
URL_HELP = "expected sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"


def parse_url(raw: str) -> URL:
    """A database URL for SQLite or PostgreSQL (psycopg 3 is used whatever driver is named)."""
    try:
        url = make_url(raw.strip())
        url.port  # noqa: B018 - a port that is not a number fails here, not mid-connect
    except (ArgumentError, ValueError, TypeError):
        # Never echo the value: it may hold a password.
        raise IndexUnavailable(
            f"ROLEPLAY_DATABASE_URL is not a database URL ({URL_HELP}; check the port is a "
            "number and special characters in the password are %-encoded)"
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url.set(drivername="sqlite")
    raise IndexUnavailable(
        f"ROLEPLAY_DATABASE_URL: the index database must be SQLite or PostgreSQL, not "
        f"'{backend}' ({URL_HELP})"
    )


class Database:
    """An engine plus what is needed to use it safely: write transactions, clean errors."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self.dialect = url.get_backend_name()
        self._secrets = _secret_forms(url.password, *_query_passwords(url))
        if self.dialect == "sqlite":
            self.engine = _sqlite_engine(url)
        else:
            self.engine = _postgres_engine(url)
        # Connections from this engine begin with BEGIN IMMEDIATE on SQLite (see _sqlite_engine).
        self._writer = self.engine.execution_options(roleplay_write=True)
        # Disposed: SQLAlchemy would open new connections on the next use; we refuse instead.
        self._disposed = False

    def describe(self) -> str:
        return redact(self.url.render_as_string(hide_password=True), self._secrets)

    def scrub(self, message: str) -> str:
        return redact(message, self._secrets)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn "cannot use the database now" into IndexUnavailable with a message fit for a
        person. Other database errors are bugs and propagate as they are."""
        try:
            yield
        except DatabaseError as exc:
            detail = str(exc.orig).strip() if exc.orig else ""
            if self.dialect == "sqlite" and any(d in detail for d in DAMAGE):
                path = Path(self.url.database or "")
                raise damage(path, detail) from None
            if not isinstance(exc, (OperationalError, InterfaceError, InternalError)):
                raise
            detail = self.scrub(detail.splitlines()[0] if detail else "")
            if self.dialect == "sqlite":  # a read-only file named as such (local_sqlite)
                where = self.describe()
                raise unusable(where, self.url.database or "", detail) from None
            hint = "check that the server is up and ROLEPLAY_DATABASE_URL is right"
            raise IndexUnavailable(
                f"the index database {self.describe()} cannot be used ({detail}); {hint}. "
                "Sessions are still saved in recordings/ and are indexed on the next start."
            ) from None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        self._ensure_open()
        with self.guard(), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        self._ensure_open()
        with self.guard(), self._writer.begin() as conn:
            yield conn

    def _ensure_open(self) -> None:
        if self._disposed:
            raise IndexClosed(
                f"the index database {self.describe()} was used after roleplay closed it; "
                "this is a bug in roleplay (please report it). Run the command again"
            )

    def lock_sessions(self, conn: Connection, session_ids: list[str]) -> None:
        """Serialise writers of the same sessions on PostgreSQL until the transaction ends
        (SQLite's BEGIN IMMEDIATE serialises all writers). One round trip; sorted, so two
        writers locking overlapping sets cannot deadlock."""
        if self.dialect == "postgresql" and session_ids:
            conn.execute(
                text(
                    "SELECT count(pg_advisory_xact_lock(hashtext(id))) FROM "
                    "(SELECT unnest(CAST(:ids AS text[])) AS id ORDER BY 1) AS wanted"
                ),
                {"ids": sorted(set(session_ids))},
            )

    def prepare(self) -> None:
        """Create or upgrade the schema; refuse a database written by a newer roleplay."""
        with self.read() as conn:
            if self._revision(conn) == SCHEMA_HEAD:
                return
        with self.write() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            current = self._revision(conn)  # again: another process may have migrated meanwhile
            if current == SCHEMA_HEAD:
                return
            if current is not None and current not in KNOWN_REVISIONS:
                raise IndexTooNew(
                    f"the index database {self.describe()} has schema revision '{current}', "
                    f"newer than this roleplay knows (up to '{SCHEMA_HEAD}'). Upgrade roleplay "
                    "(pip install -U roleplay) or point ROLEPLAY_DATABASE_URL at another "
                    "database; roleplay did not change it."
                )
            log.info("upgrading the index database from %s to %s", current or "empty", SCHEMA_HEAD)
            upgrade(conn, SCHEMA_HEAD)

    @staticmethod
    def _revision(conn: Connection) -> str | None:
        if not inspect(conn).has_table("alembic_version"):
            return None
        value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(value) if value is not None else None

    def dispose(self) -> None:
        """Close every connection of the engine now; any use afterwards raises IndexClosed."""
        self._disposed = True
        self.engine.dispose()


def upgrade(conn: Connection, revision: str) -> None:
    """Run the Alembic migrations up to `revision` inside the caller's transaction."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "roleplay.adapters:index_migrations")
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def _secret_forms(*passwords: str | None) -> list[str]:
    forms = {
        form
        for password in passwords
        if password
        for form in (password, quote(password, safe=""), quote_plus(password))
    }
    return sorted(forms, key=len, reverse=True)


def _query_passwords(url: URL) -> list[str]:
    """`?password=...` in the URL (libpq and psycopg accept it there too)."""
    value = url.query.get("password")
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _sqlite_engine(url: URL) -> Engine:
    path = url.database
    if path and path != ":memory:" and not path.startswith("file:"):
        db = Path(path).expanduser()
        try:
            db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Create the file ourselves so it is owner-only from the first byte; SQLite gives
            # the -wal and -shm files the same permissions.
            os.close(os.open(db, os.O_CREAT | os.O_RDWR, 0o600))
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):  # named, with what to do
                raise read_only_index(db, exc.strerror or str(exc)) from None
            raise IndexUnavailable(
                f"cannot create the index database {db} ({exc.strerror}); check the folder, "
                "or set ROLEPLAY_DATABASE_URL to another place"
            ) from None
        url = url.set(database=str(db))
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        json_serializer=index_documents.dumps,  # documents pydantic already wrote as JSON
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit BEGIN is DEFERRED and skips DDL).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable enough for an index
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that reads then writes can fail at once with SQLITE_BUSY when
        # another process wrote meanwhile; IMMEDIATE takes the write lock first (and waits).
        writes = conn.get_execution_options().get("roleplay_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def _postgres_engine(url: URL) -> Engine:
    try:
        return create_engine(
            url,
            pool_pre_ping=True,  # a shared server drops idle connections
            json_serializer=index_documents.dumps,  # documents pydantic already wrote as JSON
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "roleplay"},
        )
    except (NoSuchModuleError, ImportError):
        raise IndexUnavailable(
            "a team index on PostgreSQL needs the psycopg driver, which is not installed: "
            "python -m pip install 'roleplay[postgresql]' (in a clone: '.[postgresql]')"
        ) from None
