"""Every session record of a (small) recordings folder, kept in memory and read again only
for the sessions whose files changed on disk. IndexedFileStore uses it below INDEX_FROM
sessions; from there on the index keeps the list (one list of a rep's sessions either way).

The habit service asks for the rep's sessions before every screen and after every call; reading
every `session.json` each time is what made a long-running app (and a scored call) slow. Two
stat calls per session folder tell what changed: `session.json` and `scorecard.json` (size,
time and inode, so an editor saving in place and an atomic replace are both seen). A changed
folder's `session.json` is parsed again; a new version number says the list changed.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay.adapters.file_store import SCORECARD_FILE, SESSION_FILE, parse_file
from roleplay.services.ports import BrokenRecording, Damaged

if TYPE_CHECKING:  # the model (and pydantic) loads when a file is parsed
    from roleplay.domain.session import SessionRecord

log = logging.getLogger(__name__)

_FileStamp = tuple[int, int, int] | None  # (size, mtime_ns, inode); None: no such file


def _stat(path: str) -> _FileStamp:
    # A str, not a Path: this runs twice per session on every check, and Path objects cost.
    try:
        info = os.stat(path)  # noqa: PTH116
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


class SessionRecords:
    """`current()`: (version, every readable record newest first). The version changes
    whenever a session's record or scorecard changed on disk, or a session came or went.
    `survey()`: the same records, and the sessions whose record cannot be read, with why."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[_FileStamp, _FileStamp, SessionRecord | Damaged]] = {}
        self._version = 0
        self._records: list[SessionRecord] = []
        self._damaged: list[Damaged] = []

    def current(self) -> tuple[int, list[SessionRecord]]:
        version, records, _ = self.listing()
        return version, records

    def listing(self) -> tuple[int, list[SessionRecord], list[Damaged]]:
        """(version, records newest first, damaged by id)."""
        with self._lock:
            stamps = self._stamps()
            changed = stamps.keys() != self._seen.keys()
            seen: dict[str, tuple[_FileStamp, _FileStamp, SessionRecord | Damaged]] = {}
            for name, (record_stamp, card_stamp) in stamps.items():
                old = self._seen.get(name)
                if old is not None and old[0] == record_stamp:
                    if old[1] != card_stamp:
                        changed = True  # scored or re-scored: the schedule must see it
                    seen[name] = (record_stamp, card_stamp, old[2])
                    continue
                changed = True
                seen[name] = (record_stamp, card_stamp, self._read(name))
            self._seen = seen
            if changed:
                self._version += 1
                found = [r for _, _, r in seen.values() if not isinstance(r, Damaged)]
                self._records = sorted(found, key=lambda r: (r.started_at, r.id), reverse=True)
                bad = [d for _, _, d in seen.values() if isinstance(d, Damaged)]
                self._damaged = sorted(bad, key=lambda d: d.id)
            return self._version, list(self._records), list(self._damaged)

    def _stamps(self) -> dict[str, tuple[_FileStamp, _FileStamp]]:
        """The same folders FileSessionStore lists: real folders (links are not followed)
        directly inside the recordings folder that hold a session.json."""
        found: dict[str, tuple[_FileStamp, _FileStamp]] = {}
        try:
            entries = list(os.scandir(self.root))
        except OSError:  # no recordings folder yet
            return found
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                continue
            record = _stat(f"{entry.path}/{SESSION_FILE}")
            if record is not None:
                found[entry.name] = (record, _stat(f"{entry.path}/{SCORECARD_FILE}"))
        return found

    def _read(self, name: str) -> SessionRecord | Damaged:
        from roleplay.domain.session import SessionRecord

        try:
            return parse_file(self.root / name / SESSION_FILE, SessionRecord)
        except BrokenRecording as exc:  # `roleplay sessions` names it; the rest still count
            log.warning("%s", exc)
            return Damaged(name, str(exc))
