"""The schedule's quick copy and its note, read without pydantic (issue 18).

adapters/habit_store.py writes the schedule (`<rep>-<hash>.json`), the quick copy `roleplay
today` reads (`.json.today`) and the note about it (`.json.note`); see its docstring. This is
the part `today` needs on its warm path, kept free of the models: where the files are, the note,
and the copy as plain views (domain/habit_views.py) while it is plainly well-formed and cut from
the schedule saved now. Anything else is None, and the caller reads through the models.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

from roleplay.atomic import write_atomic
from roleplay.bulk import collector_paused
from roleplay.domain.habit_views import STATE_FORMAT, PlainState, read_copy
from roleplay.domain.plain_json import Unexpected

log = logging.getLogger(__name__)

# What the copy keeps: 2 since it keeps each session's retrievability and the recent KPIs
# (progress reads it); a copy cut by an earlier version is not used.
COPY_FORMAT = 2
# The head of a copy to read: its format, the schedule's mark and size (_copy_head), unique to
# each save; a note about the copy names it by that.
_HEAD = 128
_MARK = re.compile(rb'\{"written": ?"([0-9a-f]{32})"')


def _copy_head(written: str, size: int) -> str:
    """The start of the copy to read: what it is and which schedule it was cut from."""
    return f'{{"copy_format":{COPY_FORMAT},"written":"{written}","size":{size},"state":'


class HabitCopies:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        name = re.sub(r"[^a-z0-9]+", "-", key.split("\n")[0].lower()).strip("-")[:40] or "rep"
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
        return self.root / f"{name}-{digest}.json"

    def to_read_path(self, key: str) -> Path:
        path = self.path(key)
        return path.with_name(f"{path.name}.today")

    def _copy(self, key: str) -> tuple[str, int, bytes] | None:
        """(the schedule's mark, its size, the quick copy's bytes), or None when either file
        is missing or unreadable, or the schedule has no mark."""
        try:
            with self.path(key).open("rb") as f:
                head = f.read(64)
                size = os.fstat(f.fileno()).st_size
            text = self.to_read_path(key).read_bytes()
        except OSError:  # none yet (an older version saved the schedule), or unreadable
            return None
        mark = _MARK.match(head)
        return None if mark is None else (mark.group(1).decode(), size, text)

    def load_plain_to_read(self, key: str) -> PlainState | None:
        """The quick copy as plain views, while it is plainly well-formed and was cut from the
        schedule saved now; else None (the caller reads through the models:
        HabitFileStore.load_to_read, or the whole schedule)."""
        found = self._copy(key)
        if found is None:
            return None
        written, size, text = found
        try:
            with collector_paused():
                copy_format, copy_written, copy_size, state = read_copy(text)
        except Unexpected:
            return None
        if copy_format != COPY_FORMAT or copy_written != written or copy_size != size:
            return None  # cut by another version, or from another schedule than this one
        return state if state.format == STATE_FORMAT else None

    def note_path(self, key: str) -> Path:
        path = self.path(key)
        return path.with_name(f"{path.name}.note")

    def note(self, key: str) -> dict[str, Any] | None:
        """The note kept about the copy to read, while it is that copy (by its head, which
        names the schedule it was cut from); else None."""
        try:
            with self.to_read_path(key).open("rb") as f:
                head = f.read(_HEAD).decode("utf-8", "replace")
            note = json.loads(self.note_path(key).read_bytes())
        except (OSError, ValueError):  # none yet, or damaged: as if none
            return None
        if not isinstance(note, dict) or note.get("copy") != head:
            return None
        return note

    def keep_note(self, key: str, note: dict[str, Any]) -> None:
        try:
            with self.to_read_path(key).open("rb") as f:
                head = f.read(_HEAD).decode("utf-8", "replace")
            write_atomic(self.note_path(key), json.dumps({**note, "copy": head}))
        except OSError as exc:  # a cache: read-only data folder, or no copy
            log.info("%s: no note kept (%s)", self.note_path(key), exc.strerror or exc)
