"""The RecordingFiles contract (the recordings folder beyond the session store: reviews, audio,
retention, bookkeeping), run against the folder on disk and the in-memory one. Each pairs with
the session store that writes the sessions it reads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roleplay.adapters.file_store import FileSessionStore
from roleplay.adapters.memory_store import MemoryRecordings, MemorySessionStore
from roleplay.adapters.recording_files import FileRecordings
from roleplay.domain.history import Retention, SessionFiles
from roleplay.domain.review import Review
from roleplay.services.ports import RecordingFiles, SessionNotFound, SessionStore
from tests.index_data import a_review, make_session


@dataclass
class Folder:
    store: SessionStore
    files: RecordingFiles
    put_audio: Callable[[str, str, bytes], None]  # what the recorder writes


def _on_disk(root: Path) -> Folder:
    recordings = root / "recordings"

    def put(session_id: str, name: str, data: bytes) -> None:
        (recordings / session_id / name).write_bytes(data)

    return Folder(FileSessionStore(recordings), FileRecordings(recordings), put)


def _in_memory(root: Path) -> Folder:
    store = MemorySessionStore()
    files = MemoryRecordings(store)
    return Folder(store, files, files.save_audio)


FOLDERS = {"files": _on_disk, "memory": _in_memory}


@pytest.fixture(params=sorted(FOLDERS))
def folder(request: pytest.FixtureRequest, tmp_path: Path) -> Folder:
    return FOLDERS[request.param](tmp_path)


def _record(folder: Folder, n: int, *, rep: str = "ana", audio: bool = False) -> SessionFiles:
    """A session as the practice writes it, through the store this folder pairs with."""
    files = make_session(n, rep=rep, audio=audio)
    assert files.transcript is not None
    folder.store.create(files.transcript.record)
    for turn in files.transcript.turns:
        folder.store.append_turn(files.session_id, turn)
    if files.scorecard is not None:
        folder.store.save_scorecard(files.session_id, files.scorecard)
    return files


def test_a_session_reads_back_whole_with_its_origin(folder: Folder) -> None:
    made = _record(folder, 1, audio=True)
    for turn in (1, 3):
        folder.put_audio(made.session_id, f"turn-{turn:04d}.wav", b"RIFF" + bytes(40))
    read = folder.files.read(made.session_id)
    assert read.transcript == made.transcript and read.scorecard == made.scorecard
    assert read.review is None and read.retention == Retention()
    assert read.audio == {1: "turn-0001.wav", 3: "turn-0003.wav"}  # only what is there
    assert read.origin == folder.files.origin and folder.files.origin == folder.files.origin


def test_folders_sessions_and_reps_are_listed(folder: Folder) -> None:
    a, b = _record(folder, 1, rep="ana"), _record(folder, 30, rep="ben")
    assert folder.files.folders() == sorted([a.session_id, b.session_id])
    assert folder.files.folders(b.session_id[:9]) == [b.session_id]
    assert folder.files.has_session(a.session_id) and not folder.files.has_session("nope")
    assert folder.files.reps() == {"ana", "ben"}


def test_a_missing_folder_raises_the_ports_error(folder: Folder) -> None:
    with pytest.raises(SessionNotFound):
        folder.files.read("20260101-000000-nothing-here")


def test_a_review_is_saved_and_read_back(folder: Folder) -> None:
    made = _record(folder, 2)
    assert folder.files.review(made.session_id) == Review(session=made.session_id)  # none yet
    review = a_review(made.session_id)
    folder.files.save_review(review)
    assert folder.files.review(made.session_id) == review
    assert folder.files.read(made.session_id).review == review


def test_a_review_of_a_session_recorded_elsewhere_has_a_folder_of_its_own(
    folder: Folder,
) -> None:
    review = a_review("20260101-090000-from-another-machine")
    folder.files.save_review(review)
    assert folder.files.folders() == [review.session]
    assert not folder.files.has_session(review.session)
    read = folder.files.read(review.session)
    assert read.transcript is None and read.review == review


def test_audio_is_found_listed_for_purging_and_deleted(folder: Folder) -> None:
    made = _record(folder, 3, audio=True)
    folder.put_audio(made.session_id, "turn-0001.wav", b"x" * 100)
    folder.put_audio(made.session_id, "turn-0003.wav", b"y" * 50)
    assert folder.files.audio_file(made.session_id, "turn-0001.wav") is not None
    assert folder.files.audio_file(made.session_id, "turn-0005.wav") is None  # never recorded
    assert folder.files.audio_file(made.session_id, "../turn-0001.wav") is None  # never outside
    audio = folder.files.purgeable(made.session_id, transcript=False)
    assert sorted((p.name, size) for p, size in audio) == [
        ("turn-0001.wav", 100),
        ("turn-0003.wav", 50),
    ]
    with_transcript = folder.files.purgeable(made.session_id, transcript=True)
    assert [p.name for p, _ in with_transcript][-1] == "transcript.jsonl"
    folder.files.delete([p for p, _ in audio])
    assert folder.files.audio_file(made.session_id, "turn-0001.wav") is None
    read = folder.files.read(made.session_id)
    assert read.audio == {} and read.transcript == made.transcript  # the words stay


def test_retention_is_recorded(folder: Folder) -> None:
    made = _record(folder, 4)
    kept = Retention(audio_purged_at=datetime(2026, 3, 1, tzinfo=UTC))
    folder.files.save_retention(made.session_id, kept)
    assert folder.files.read(made.session_id).retention == kept


def test_pending_sessions_are_remembered_until_cleared(folder: Folder) -> None:
    a, b = _record(folder, 5), _record(folder, 6)
    assert folder.files.pending() == []
    folder.files.mark_pending(b.session_id)
    folder.files.mark_pending(a.session_id)
    assert folder.files.pending() == sorted([a.session_id, b.session_id])
    folder.files.clear_pending(a.session_id)
    assert folder.files.pending() == [b.session_id]


def test_the_lock_lets_one_writer_in_at_a_time(folder: Folder) -> None:
    made = _record(folder, 7)
    inside = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def first() -> None:
        with folder.files.lock(made.session_id):
            order.append("first in")
            inside.set()
            release.wait(10)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(10)
    second = threading.Thread(target=lambda: _enter(folder, made.session_id, order))
    second.start()
    second.join(0.3)  # it must be waiting: the first holds the lock
    release.set()
    thread.join(10)
    second.join(10)
    assert order == ["first in", "first out", "second in"]


def _enter(folder: Folder, session_id: str, order: list[str]) -> None:
    with folder.files.lock(session_id):
        order.append("second in")
