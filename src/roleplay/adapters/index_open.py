"""Where the index database is, and opening it (SQLAlchemy is imported only then).

Default: a SQLite file in the user data folder (`<data dir>/index.sqlite`), one per user, over
every workspace they practise in; each row remembers which recordings folder it came from.
A team shares a PostgreSQL database instead: ROLEPLAY_DATABASE_URL=postgresql://USER:PASS@HOST/DB.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from roleplay.config import Settings, data_dir
from roleplay.services.ports import SessionIndex

DATABASE_ENV = "ROLEPLAY_DATABASE_URL"
SECRET_NAMES = re.compile(r"(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD)$", re.IGNORECASE)


def default_index_file() -> Path:
    return data_dir() / "index.sqlite"


def database_url() -> str:
    configured = os.environ.get(DATABASE_ENV, "").strip()
    return configured or f"sqlite:///{default_index_file()}"


def open_index() -> SessionIndex:
    from roleplay.adapters.sql_index import SqlIndex

    return SqlIndex.open(database_url())


def known_secrets(settings: Settings) -> list[str]:
    """Values that must never appear in an export: the LLM key, the database password, and
    any environment variable named like a key, token, secret or password."""
    found = [v for k, v in os.environ.items() if SECRET_NAMES.search(k) and v]
    if settings.llm.api_key is not None:
        found.append(settings.llm.api_key.get_secret_value())
    password = urlsplit(os.environ.get(DATABASE_ENV, "")).password
    if password:
        found += [password, unquote(password)]
    return found
