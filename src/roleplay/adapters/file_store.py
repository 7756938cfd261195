"""Sessions as files under recordings/: the source of truth.

session.json is replaced atomically; transcript.jsonl gets one line per finished turn, flushed
and fsynced before the call returns. Killing the process at any moment therefore loses at most
the turn in flight, and a half-written last line is skipped on reading.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import SessionRecord, Transcript, Turn
from roleplay.domain.suggest import did_you_mean
from roleplay.services.ports import SessionNotFound

log = logging.getLogger(__name__)

SESSION_FILE = "session.json"
TRANSCRIPT_FILE = "transcript.jsonl"
SCORECARD_FILE = "scorecard.json"


class FileSessionStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    # --- writing -------------------------------------------------------------------------

    def create(self, record: SessionRecord) -> None:
        folder = self.folder(record.id)
        self.root.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700)  # recordings hold a person's voice and words: owner only
        _atomic_write(folder / SESSION_FILE, record.model_dump_json(indent=2))
        (folder / TRANSCRIPT_FILE).touch(mode=0o600)

    def append_turn(self, session_id: str, turn: Turn) -> None:
        path = self.folder(session_id) / TRANSCRIPT_FILE
        with path.open("a", encoding="utf-8") as fh:
            fh.write(turn.model_dump_json() + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def update(self, record: SessionRecord) -> None:
        _atomic_write(self.folder(record.id) / SESSION_FILE, record.model_dump_json(indent=2))

    def save_scorecard(self, session_id: str, scorecard: Scorecard) -> None:
        _atomic_write(self.folder(session_id) / SCORECARD_FILE, scorecard.model_dump_json(indent=2))

    # --- reading -------------------------------------------------------------------------

    def folder(self, session_id: str) -> Path:
        return self.root / session_id

    def resolve(self, ref: str) -> str:
        """A full id, a unique prefix of one, or 'last' -> the session id."""
        if ref != "last" and (self.root / ref / SESSION_FILE).is_file():
            return ref  # an exact id: no need to list the folder
        ids = sorted(p.name for p in self._session_dirs())
        if ref == "last":
            records = self.records()
            if not records:
                raise SessionNotFound(
                    "there are no sessions yet; start one with `roleplay practice SCENARIO`"
                )
            return records[0].id
        if ref in ids:
            return ref
        prefixed = [i for i in ids if i.startswith(ref)]
        if len(prefixed) == 1:
            return prefixed[0]
        if len(prefixed) > 1:
            raise SessionNotFound(
                f"'{ref}' matches {len(prefixed)} sessions ({', '.join(prefixed[:3])}...); "
                "give more of the id"
            )
        hint = did_you_mean(ref, ids)
        raise SessionNotFound(
            f"no session '{ref}' in {self.root}"
            + (f"; did you mean '{hint}'?" if hint else "; `roleplay sessions` lists them")
        )

    def load(self, session_id: str) -> Transcript:
        session_id = self.resolve(session_id)
        folder = self.folder(session_id)
        record = SessionRecord.model_validate_json((folder / SESSION_FILE).read_text("utf-8"))
        turns: list[Turn] = []
        path = folder / TRANSCRIPT_FILE
        lines = path.read_text("utf-8").splitlines() if path.exists() else []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                turns.append(Turn.model_validate_json(line))
            except ValidationError:
                # Only a crash mid-write produces this; the turns before it are intact.
                log.warning("%s:%d: skipped an unreadable turn", path, number)
        return Transcript(record=record, turns=tuple(turns))

    def scorecard(self, session_id: str) -> Scorecard | None:
        path = self.folder(self.resolve(session_id)) / SCORECARD_FILE
        if not path.exists():
            return None
        return Scorecard.model_validate_json(path.read_text("utf-8"))

    def records(self) -> Sequence[SessionRecord]:
        records: list[SessionRecord] = []
        for folder in self._session_dirs():
            try:
                records.append(
                    SessionRecord.model_validate_json((folder / SESSION_FILE).read_text("utf-8"))
                )
            except (OSError, ValidationError, ValueError) as exc:
                log.warning("%s: skipped, session.json unreadable (%s)", folder, exc)
        return sorted(records, key=lambda r: (r.started_at, r.id), reverse=True)

    def _session_dirs(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return [p for p in self.root.iterdir() if (p / SESSION_FILE).is_file()]


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).chmod(0o600)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
