"""Questions about the local index that stdlib sqlite3 answers without opening it properly.

Opening the index imports SQLAlchemy, checks the schema and catches up with the recordings:
150-200 ms, more at thousands of sessions. `today` asked it for assignments on every run, though
a rep practising alone has none. A local SQLite index that does not exist, or holds no open
assignment, is answered here in a millisecond; anything else (a team's PostgreSQL index, a file
that cannot be read, an older schema) says "maybe", and the caller opens the index as before.
"""

from __future__ import annotations

import os
import sqlite3
from urllib.parse import quote

SQLITE = "sqlite:///"


def may_hold_assignments(url: str) -> bool:
    """False only when the index at `url` certainly holds no assignment that is not withdrawn."""
    if not url.startswith(SQLITE):
        return True  # a shared index: a trainer may have assigned something
    path = url.removeprefix(SQLITE)
    if not os.path.exists(path):  # noqa: PTH110 (a str from a URL)
        return False  # no index yet: nothing was ever assigned here
    try:
        # Read-only: never creates, write-locks or upgrades the file.
        db = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:  # unreadable: opening the index says what is wrong
        return True
    try:
        row = db.execute("SELECT 1 FROM assignments WHERE withdrawn_at IS NULL LIMIT 1").fetchone()
    except sqlite3.Error:  # no such table (an older index), damaged, locked: the index says
        return True
    finally:
        db.close()
    return row is not None
