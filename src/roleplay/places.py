"""Where roleplay keeps things: the config, data and cache folders.

Functions, not constants, so `ROLEPLAY_HOME` (tests, sandboxes) can move every user directory.
Apart from config.py (and its pydantic models) so that the app can read its theme from the
config file before its first frame."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "roleplay"


def home_override() -> Path | None:
    value = os.environ.get("ROLEPLAY_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    home = home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    home = home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    """What roleplay can rebuild at any time (parsed trainer files)."""
    home = home_override()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP))


def config_file() -> Path:
    return config_dir() / "config.toml"
