"""The database login named by the index URL (ROLEPLAY_DATABASE_URL), known without connecting.

On a shared PostgreSQL index, people write as their login (the database checks it). When the
server cannot be reached, the login in the URL still says who is writing, so a note saved to
the recordings folder meanwhile carries the name the database will accept later.
"""

from __future__ import annotations

import getpass
import os
from urllib.parse import unquote, urlsplit


def shared_login(database_url: str) -> str | None:
    """The PostgreSQL login of `database_url` (as libpq would pick it), or None for SQLite."""
    url = urlsplit(database_url)
    if not url.scheme.startswith("postgres"):
        return None
    if url.username:
        return unquote(url.username)
    try:
        return os.environ.get("PGUSER") or getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return None
