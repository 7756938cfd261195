"""Sessions and the recordings folder in memory: the offline implementations of SessionStore and
RecordingFiles, for tests and for anything that must not touch the disk.

They keep what the file adapters keep, serialised the same way (JSON of the same models), and
answer with the same errors, so tests/contracts/ runs the same tests on both. Nothing here
outlives the process. Audio "files" are names under a virtual `/memory/<session>/` folder.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from roleplay.adapters.recording_files import turn_audio
from roleplay.domain.history import Retention, SessionFiles
from roleplay.domain.review import Review
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import SessionRecord, Transcript, Turn
from roleplay.services import session_ref
from roleplay.services.ports import SessionNotFound

MEMORY_ROOT = Path("/memory")  # a name only: nothing is read or written there


@dataclass
class _Folder:
    """What a session folder holds, as the JSON the files would hold."""

    session: str | None = None
    turns: list[str] = field(default_factory=list)
    scorecard: str | None = None
    review: str | None = None
    retention: str | None = None
    audio: dict[str, bytes] = field(default_factory=dict)  # name -> bytes


class MemorySessionStore:
    """SessionStore in memory. Ids resolve like on disk: a full id, a unique prefix, 'last'."""

    def __init__(self) -> None:
        self.folders: dict[str, _Folder] = {}
        self.guard = threading.RLock()  # a voice call appends from another thread

    # --- writing -------------------------------------------------------------------------

    def create(self, record: SessionRecord) -> None:
        session_ref.check_ref(record.id)
        with self.guard:
            if self._session(record.id) is not None:
                raise FileExistsError(f"session {record.id} exists already")
            self.folders.setdefault(record.id, _Folder()).session = record.model_dump_json()

    def append_turn(self, session_id: str, turn: Turn) -> None:
        with self.guard:
            self._existing(session_id).turns.append(turn.model_dump_json())

    def update(self, record: SessionRecord) -> None:
        with self.guard:
            self._existing(record.id).session = record.model_dump_json()

    def save_scorecard(self, session_id: str, scorecard: Scorecard) -> None:
        with self.guard:
            self._existing(session_id).scorecard = scorecard.model_dump_json()

    def discard(self, session_id: str) -> None:
        with self.guard:
            self.folders.pop(session_id, None)

    # --- reading -------------------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """A full id, a unique prefix of one, or 'last' -> the session id."""
        with self.guard:
            ids = sorted(i for i, f in self.folders.items() if f.session is not None)
        return session_ref.resolve(
            ref,
            prefixed=lambda p: [i for i in ids if i.startswith(p)],
            newest=lambda: next((r.id for r in self.records()), None),
            every=lambda: ids,
            where="memory",
        )

    def load(self, session_id: str) -> Transcript:
        with self.guard:
            folder = self._existing(self.resolve(session_id))
            assert folder.session is not None
            record = SessionRecord.model_validate_json(folder.session)
            turns = tuple(Turn.model_validate_json(t) for t in folder.turns)
        return Transcript(record=record, turns=turns)

    def scorecard(self, session_id: str) -> Scorecard | None:
        with self.guard:
            raw = self._existing(self.resolve(session_id)).scorecard
        return None if raw is None else Scorecard.model_validate_json(raw)

    def records(self) -> Sequence[SessionRecord]:
        with self.guard:
            found = [
                SessionRecord.model_validate_json(f.session)
                for f in self.folders.values()
                if f.session is not None
            ]
        return sorted(found, key=lambda r: (r.started_at, r.id), reverse=True)

    def _session(self, session_id: str) -> _Folder | None:
        folder = self.folders.get(session_id)
        return folder if folder is not None and folder.session is not None else None

    def _existing(self, session_id: str) -> _Folder:
        folder = self._session(session_id)
        if folder is None:
            raise SessionNotFound(f"no session '{session_id}' in memory")
        return folder


class MemoryRecordings:
    """RecordingFiles in memory, over the sessions of a MemorySessionStore (as FileRecordings
    reads the folders FileSessionStore writes)."""

    def __init__(self, store: MemorySessionStore) -> None:
        self.store = store
        self._origin = uuid.uuid4().hex
        self._pending: set[str] = set()
        self._lock = threading.RLock()

    @property
    def origin(self) -> str:
        return self._origin

    def folders(self, prefix: str = "") -> list[str]:
        with self.store.guard:
            return sorted(
                i
                for i, f in self.store.folders.items()
                if i.startswith(prefix) and (f.session is not None or f.review is not None)
            )

    def has_session(self, session_id: str) -> bool:
        with self.store.guard:
            return self.store._session(session_id) is not None

    def reps(self) -> set[str]:
        return {r.rep for r in self.store.records()}

    def read(self, session_id: str) -> SessionFiles:
        with self.store.guard:
            folder = self.store.folders.get(session_id)
            if folder is None:
                raise SessionNotFound(f"no folder {MEMORY_ROOT / session_id}")
            transcript = self.store.load(session_id) if folder.session is not None else None
            scorecard = self.store.scorecard(session_id) if transcript is not None else None
            retention = (
                Retention.model_validate_json(folder.retention) if folder.retention else Retention()
            )
            audio = turn_audio(transcript.turns if transcript else (), folder.audio.__contains__)
        return SessionFiles(
            session_id=session_id,
            origin=self.origin,
            transcript=transcript,
            scorecard=scorecard,
            review=self.review(session_id) if folder.review else None,
            retention=retention,
            audio=audio,
        )

    def review(self, session_id: str) -> Review:
        with self.store.guard:
            folder = self.store.folders.get(session_id)
            raw = folder.review if folder else None
        return Review.model_validate_json(raw) if raw else Review(session=session_id)

    def save_review(self, review: Review) -> None:
        session_ref.check_ref(review.session)
        with self.store.guard:
            self.store.folders.setdefault(
                review.session, _Folder()
            ).review = review.model_dump_json()

    def save_retention(self, session_id: str, retention: Retention) -> None:
        with self.store.guard:
            self.store._existing(session_id).retention = retention.model_dump_json()

    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        del session_id  # one lock for the folder, as on disk
        with self._lock:
            yield

    def save_audio(self, session_id: str, name: str, data: bytes) -> None:
        """Keep a turn's audio (what MemoryRecorder writes)."""
        with self.store.guard:
            self.store._existing(session_id).audio[name] = data

    def audio_file(self, session_id: str, name: str) -> Path | None:
        with self.store.guard:
            folder = self.store.folders.get(session_id)
            found = folder is not None and name in folder.audio
        return MEMORY_ROOT / session_id / name if found else None

    def purgeable(self, session_id: str, *, transcript: bool) -> list[tuple[Path, int]]:
        with self.store.guard:
            folder = self.store.folders.get(session_id)
            if folder is None:
                return []
            found = [
                (MEMORY_ROOT / session_id / n, len(b)) for n, b in sorted(folder.audio.items())
            ]
            if transcript and folder.turns:
                size = sum(len(t) + 1 for t in folder.turns)
                found.append((MEMORY_ROOT / session_id / "transcript.jsonl", size))
        return found

    def delete(self, paths: Sequence[Path]) -> None:
        with self.store.guard:
            for path in paths:
                session_id, name = path.parent.name, path.name
                folder = self.store.folders.get(session_id)
                if folder is None or path.parent.parent != MEMORY_ROOT:
                    continue
                if name == "transcript.jsonl":
                    folder.turns.clear()
                folder.audio.pop(name, None)

    def pending(self) -> list[str]:
        return sorted(self._pending)

    def mark_pending(self, session_id: str) -> None:
        self._pending.add(session_id)

    def clear_pending(self, session_id: str) -> None:
        self._pending.discard(session_id)
