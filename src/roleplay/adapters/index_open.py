"""Where the index database is, and opening it (SQLAlchemy is imported only then, and not
at all to write a rep's local index that is already at the newest schema).

Default: a SQLite file in the user data folder (`<data dir>/index.sqlite`), one per user, over
every workspace they practise in; each row remembers which recordings folder it came from.
A team shares a PostgreSQL database instead: ROLEPLAY_DATABASE_URL=postgresql://USER:PASS@HOST/DB.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from roleplay.config import DATABASE_ENV, SECRET_NAMES, data_dir, env_secrets
from roleplay.services.ports import SessionIndex

if TYPE_CHECKING:
    from roleplay.config import AnySettings  # plain settings, or a validated model

log = logging.getLogger(__name__)

__all__ = ["DATABASE_ENV", "SECRET_NAMES", "database_url", "known_secrets", "open_index"]


def default_index_file() -> Path:
    return data_dir() / "index.sqlite"


def database_url(settings: AnySettings) -> str:
    """The configured index database (`Settings.database_url`), else the SQLite default."""
    configured = settings.database_url.get_secret_value() if settings.database_url else ""
    return configured or f"sqlite:///{default_index_file()}"


def open_index(url: str) -> SessionIndex:
    """The index at `url`, created or upgraded. A damaged SQLite file is moved aside (kept,
    for a post-mortem) and a new index is built: the recordings are the truth, and the index
    catches up from them on first use. Raises IndexUnavailable."""
    from roleplay.adapters.sqlite_index import IndexDamaged, SqliteIndex

    # A rep's own index at the newest schema: written without SQLAlchemy (sqlite_index.py).
    local = SqliteIndex.open(url)
    if local is not None:
        return local
    from roleplay.adapters.sql_index import SqlIndex

    try:
        full = SqlIndex.open(url)
    except IndexDamaged as exc:
        if exc.path is None:  # no file to move (not SQLite)
            raise
        moved = move_aside(exc.path, exc)
        log.warning("%s; moved it to %s and building a new index from the recordings", exc, moved)
        full = SqlIndex.open(url)
    # Just created or upgraded: a local file is now at the newest schema, so the catch-up that
    # follows (every folder, at the first command after sessions were copied in) is written
    # through stdlib sqlite3 too (SQLAlchemy's per-row bind processing was ~1 s of 8,000).
    local = SqliteIndex.open(url)
    if local is None:
        return full
    local.adopt(full)
    return local


def move_aside(path: Path, why: Exception) -> Path:
    """Rename a damaged database file (and its -wal/-shm) to `NAME.damaged-TIME` (an earlier
    one of the same second is kept: `-2`, `-3`...)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.replace(target.with_name(target.name + suffix))
        path.replace(target)
    except OSError as exc:
        from roleplay.services.ports import IndexUnavailable

        reason = getattr(why, "reason", "") or str(why)
        raise IndexUnavailable(
            f"the index database {path} is damaged ({reason}) and cannot be moved aside "
            f"({exc.strerror}); sessions are read from the recordings meanwhile. Make "
            f"{path.parent} writable, or move or delete {path} yourself, then run "
            "`roleplay reindex`"
        ) from None
    return target


def known_secrets(settings: AnySettings) -> list[str]:
    """Values that must never appear in an export: the LLM key, the database password (in
    the URL's user-info or its `?password=`), a password in the LLM base URL, and any
    environment variable named like a key, token, secret or password."""
    found = env_secrets()
    if settings.llm.api_key is not None:
        found.append(settings.llm.api_key.get_secret_value())
    if settings.llm.base_url:
        found += _url_credentials(settings.llm.base_url)
    return found


def _url_credentials(url: str) -> list[str]:
    """The password of `url`, and a user name long enough to be a key."""
    try:
        parts = urlsplit(url)
        password, user = parts.password, parts.username
    except ValueError:  # not a URL (the LLM client says so); hide it whole
        return [url]
    found = [password, unquote(password)] if password else []
    return found + ([user, unquote(user)] if user and len(user) >= 16 else [])
