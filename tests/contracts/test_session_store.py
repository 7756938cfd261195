"""The SessionStore contract, run against every implementation: the session files on disk (as
the app builds them, with the index kept up to date) and the in-memory store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from roleplay.adapters.file_store import FileSessionStore
from roleplay.adapters.indexed_file_store import IndexedFileStore
from roleplay.adapters.memory_store import MemorySessionStore
from roleplay.domain.history import SessionFiles
from roleplay.services.ports import SessionNotFound, SessionStore
from tests.index_data import make_session

STORES: dict[str, Callable[[Path], SessionStore]] = {
    "files": lambda root: FileSessionStore(root / "recordings"),
    "files+index": lambda root: IndexedFileStore(
        root / "recordings", pending=lambda _id: None, written=lambda _id: None
    ),
    "memory": lambda root: MemorySessionStore(),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> SessionStore:
    return STORES[request.param](tmp_path)


def _save(store: SessionStore, n: int) -> SessionFiles:
    """A whole call as the practice writes it: created, turn by turn, ended, scored."""
    files = make_session(n)
    assert files.transcript is not None
    record = files.transcript.record
    store.create(record.model_copy(update={"ended_at": None, "outcome": None}))
    for turn in files.transcript.turns:
        store.append_turn(record.id, turn)
    store.update(record)
    if files.scorecard is not None:
        store.save_scorecard(record.id, files.scorecard)
    return files


def test_a_saved_session_reads_back_the_same(store: SessionStore) -> None:
    files = _save(store, 1)
    assert store.load(files.session_id) == files.transcript
    assert store.scorecard(files.session_id) == files.scorecard


def test_a_call_in_progress_is_listed_and_its_turns_read_in_order(store: SessionStore) -> None:
    files = make_session(2, turns=4)
    assert files.transcript is not None
    started = files.transcript.record.model_copy(update={"ended_at": None, "outcome": None})
    store.create(started)
    assert store.load(started.id).turns == ()
    for turn in files.transcript.turns[:3]:
        store.append_turn(started.id, turn)
    half = store.load(started.id)
    assert not half.finished and [t.text for t in half.turns] == [
        t.text for t in files.transcript.turns[:3]
    ]
    assert [r.id for r in store.records()] == [started.id]  # half-finished sessions count
    assert store.scorecard(started.id) is None  # not scored yet


def test_an_update_replaces_the_record(store: SessionStore) -> None:
    files = _save(store, 3)
    assert files.transcript is not None
    record = files.transcript.record
    later = record.model_copy(update={"ended_at": record.started_at + timedelta(minutes=9)})
    store.update(later)
    assert store.load(record.id).record == later
    assert len(store.load(record.id).turns) == len(files.transcript.turns)  # turns untouched


def test_records_are_newest_first(store: SessionStore) -> None:
    ids = [_save(store, n).session_id for n in (5, 9, 7)]
    assert [r.id for r in store.records()] == sorted(ids, reverse=True)  # ids start with the time


def test_a_missing_session_raises_the_ports_error_with_a_close_match(
    store: SessionStore,
) -> None:
    files = _save(store, 4)
    typo = files.session_id[:-1] + "9"
    with pytest.raises(SessionNotFound, match=f"no session '{typo}'.*did you mean"):
        store.load(typo)
    with pytest.raises(SessionNotFound):
        store.scorecard(typo)


def test_a_unique_prefix_and_last_name_a_session(store: SessionStore) -> None:
    old, new = _save(store, 1), _save(store, 30)
    assert store.load("last").record.id == new.session_id
    assert store.load(old.session_id[:12]).record.id == old.session_id
    with pytest.raises(SessionNotFound, match="matches 2 sessions"):
        store.load(old.session_id[:4])  # the same year: both match


def test_a_path_is_never_a_session(store: SessionStore) -> None:
    _save(store, 1)
    for ref in ("../1", "/etc/passwd", "a/b"):
        with pytest.raises(SessionNotFound, match="is not a session id"):
            store.load(ref)


def test_nothing_is_listed_before_the_first_session(store: SessionStore) -> None:
    assert list(store.records()) == []
    with pytest.raises(SessionNotFound, match="no sessions yet"):
        store.load("last")


def test_a_discarded_session_is_gone_and_the_others_stay(store: SessionStore) -> None:
    kept, dropped = _save(store, 1), _save(store, 2)
    store.discard(dropped.session_id)
    assert [r.id for r in store.records()] == [kept.session_id]
    with pytest.raises(SessionNotFound):
        store.load(dropped.session_id)
    assert store.load(kept.session_id) == kept.transcript
