"""Catching up with sessions copied into the recordings folder: in large transactions, with
progress shown, interruptible without harm, and each session written to the index once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from roleplay.domain.history import SessionFilter
from roleplay.services.index import catch_up as indexing
from tests.helpers import services
from tests.index_data import make_session


def copy_in(workspace: Path, n: int) -> list[str]:
    """`n` scored sessions written into the recordings folder as the app writes them."""
    ids = []
    for i in range(n):
        folder = make_session(i, rep="tester", turns=3)
        assert folder.transcript is not None and folder.scorecard is not None
        path = workspace / "recordings" / folder.session_id
        path.mkdir()
        (path / "session.json").write_text(folder.transcript.record.model_dump_json())
        (path / "transcript.jsonl").write_text(
            "".join(t.model_dump_json() + "\n" for t in folder.transcript.turns)
        )
        (path / "scorecard.json").write_text(folder.scorecard.model_dump_json())
        ids.append(folder.session_id)
    return ids


class Saves:
    """The real index, counting which sessions each save wrote (and failing when told to)."""

    def __init__(self, index: Any, fail_on_call: int | None = None) -> None:
        self.index = index
        self.saved: list[list[str]] = []
        self.fail_on_call = fail_on_call

    def save(self, folders: Any) -> list[str]:
        if len(self.saved) + 1 == self.fail_on_call:
            raise KeyboardInterrupt  # the process stopped mid catch-up
        self.saved.append([f.session_id for f in folders])
        return self.index.save(folders)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.index, name)


def counted(s: Any, fail_on_call: int | None = None) -> list[Saves]:
    made: list[Saves] = []
    opening = s.indexer._open_index

    def open_index() -> Saves:
        made.append(Saves(opening(), fail_on_call))
        return made[-1]

    s.indexer._open_index = open_index
    return made


def test_a_copied_in_workspace_is_caught_up_in_large_batches_with_progress(
    workspace: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexing, "BATCH", 2)
    monkeypatch.setattr(indexing, "CATCH_UP_BATCH", 5)
    ids = copy_in(workspace, 11)
    s = services(workspace)
    shown: list[tuple[int, int]] = []
    s.indexer.progress = lambda done, total: shown.append((done, total))
    made = counted(s)
    assert sorted(r.id for r in s.reviews.find(SessionFilter(), limit=100)) == ids
    assert [len(b) for b in made[0].saved] == [5, 5, 1]  # one transaction per large batch
    # Progress as often as the small batches read, up to every folder.
    assert shown == [(2, 11), (4, 11), (5, 11), (7, 11), (9, 11), (10, 11), (11, 11)]


def test_an_interrupted_catch_up_is_finished_by_the_next_command(
    workspace: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexing, "CATCH_UP_BATCH", 4)
    ids = copy_in(workspace, 10)
    first = services(workspace)
    counted(first, fail_on_call=2)
    with pytest.raises(KeyboardInterrupt):
        first.reviews.find(SessionFilter())
    # What was committed is whole: the first batch, every turn of it.
    peek = services(workspace)
    made = counted(peek, fail_on_call=1)  # only look: no catch-up may save here
    with pytest.raises(KeyboardInterrupt):
        peek.reviews.find(SessionFilter())
    assert made[0].index.known(first.indexer.files.origin) == set(ids[:4])
    again = services(workspace)
    made = counted(again)
    rows = again.reviews.find(SessionFilter(), limit=100)
    assert sorted(r.id for r in rows) == ids and all(r.turns == 3 for r in rows)
    assert sorted(i for batch in made[0].saved for i in batch) == ids[4:]  # only what was missing


def test_a_session_scored_as_the_index_opens_is_written_to_it_once(
    workspace: Path, database_url: str
) -> None:
    [sid] = copy_in(workspace, 1)
    services(workspace).reviews.find(SessionFilter())  # indexed
    # `score last` in a new process: the scorecard is written (the session marked pending),
    # then synced; opening the index catches up, pending session included.
    s = services(workspace)
    made = counted(s)
    pending = workspace / "recordings" / ".index" / "pending"
    s.indexer.files.mark_pending(sid)
    assert s.indexer.sync(sid)
    assert made[0].saved == [[sid]]
    assert not (pending / sid).exists()
    # Written again later in the same process (say a review): written again.
    s.indexer.files.mark_pending(sid)
    assert s.indexer.sync(sid)
    assert made[0].saved == [[sid], [sid]]
