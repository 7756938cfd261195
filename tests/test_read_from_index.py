"""A rep's lists come from the index once the recordings folder holds many sessions, and say
exactly what the folders say: the same sessions, scores and damage, the same queue, and a
session the index has not seen yet (copied in, or written by another process) still shows."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.adapters import indexed_file_store
from roleplay.adapters.file_store import FileSessionStore
from roleplay.adapters.indexed_file_store import INDEX_FROM, IndexedFileStore
from roleplay.cli import app
from roleplay.domain.session import SessionRecord
from tests.index_data import make_session, write

SESSIONS = INDEX_FROM + 40
NOW = datetime.now(UTC)


@pytest.fixture
def many(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """More sessions than INDEX_FROM, over the last weeks, mostly the rep's; one unfinished,
    one with a damaged session.json, one with a damaged scorecard, one folder of reviews."""
    monkeypatch.setenv("ROLEPLAY_REP", "ana")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    rec = workspace / "recordings"
    start = NOW - timedelta(days=40)
    for n in range(SESSIONS):
        write(
            rec,
            make_session(
                n,
                rep="ana" if n % 7 else "bo",
                scenario=["discovery-spin", "price-objection"][n % 2],
                rubric="discovery",
                started_at=start + timedelta(hours=2 * n),
                scored=n % 11 != 5,
            ),
        )
    names = sorted(p.name for p in rec.iterdir())
    (rec / names[3] / "session.json").write_text('{"id": "half a file')
    (rec / names[4] / "scorecard.json").write_text("{not json")
    unfinished = json.loads((rec / names[5] / "session.json").read_text())
    unfinished["ended_at"] = None
    (rec / names[5] / "session.json").write_text(json.dumps(unfinished))
    (rec / "review-only").mkdir()
    (rec / "review-only" / "review.json").write_text("{}")
    return workspace


def run(ws: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--workspace", str(ws), *args])
    return result.exit_code, result.stdout


def from_folders_and_index(
    ws: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str
) -> tuple[tuple[int, str], tuple[int, str]]:
    """The command's result read from the folders, then from the index (each with its own
    user folder, so neither finds the other's index or schedule)."""
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-folders"))
    with monkeypatch.context() as m:
        m.setattr(indexed_file_store, "INDEX_FROM", 10**9)  # never the index
        folders = run(ws, *args)
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-index"))
    return folders, run(ws, *args)


@pytest.mark.parametrize("args", [["sessions"], ["sessions", "--json"], ["show", "last"]])
def test_sessions_from_the_index_are_the_folders_sessions(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str]
) -> None:
    folders, index = from_folders_and_index(many, monkeypatch, tmp_path, *args)
    assert index == folders
    # ...and it did come from the index (the folder run never opened one)
    assert (tmp_path / "home-index" / "data" / "index.sqlite").exists()
    assert not (tmp_path / "home-folders" / "data" / "index.sqlite").exists()
    if args[0] == "sessions":
        assert folders[0] == 1  # the damaged files are named, so the exit code says so
        assert "half a file" in folders[1] or "cannot be read" in folders[1]
        assert folders[1].count("\n") > SESSIONS


@pytest.mark.parametrize("args", [["today", "--json"], ["progress", "--json"]])
def test_the_queue_from_the_index_is_the_queue_from_the_folders(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str]
) -> None:
    folders, index = from_folders_and_index(many, monkeypatch, tmp_path, *args)
    assert folders[0] == 0, folders[1]
    assert index == folders
    assert json.loads(folders[1])  # a real queue, not an empty one


def test_a_session_the_index_has_not_seen_yet_is_listed(many: Path) -> None:
    _, before = run(many, "sessions", "--json")
    listed = {s["id"] for s in json.loads(before)}
    # Copied in from another machine, and one written by a process that died before it
    # indexed it (pending): neither is in the index yet.
    copied = make_session(90001, rep="ana", started_at=NOW - timedelta(minutes=5))
    write(many / "recordings", copied)
    pending = make_session(90002, rep="ana", started_at=NOW - timedelta(minutes=3))
    write(many / "recordings", pending)
    marks = many / "recordings" / ".index" / "pending"
    marks.mkdir(parents=True, exist_ok=True)
    (marks / pending.session_id).touch()
    _, after = run(many, "sessions", "--json")
    now_listed = [s["id"] for s in json.loads(after)]
    assert set(now_listed) - listed == {copied.session_id, pending.session_id}
    assert now_listed[:2] == [pending.session_id, copied.session_id]  # newest first


def test_a_store_lists_again_when_the_folder_changed(many: Path) -> None:
    """One process (the app) lists many times: a list kept from before is used only while
    neither the folder list nor the pending marks changed."""
    rec = many / "recordings"
    calls = []
    plain = FileSessionStore(rec)

    def indexed() -> list[tuple[SessionRecord, float | None]]:
        calls.append(1)
        records, _ = plain.survey()
        return [(r, None) for r in records]

    store = IndexedFileStore(rec, pending=lambda _: None, written=lambda _: None, indexed=indexed)
    long_ago = (NOW - timedelta(days=1)).timestamp()
    os.utime(rec, (long_ago, long_ago))
    first, _ = store.survey()
    again, _ = store.survey()
    assert again == first and len(calls) == 1  # nothing changed: not asked again
    write(rec, make_session(90003, rep="ana", started_at=NOW))
    os.utime(rec, (long_ago + 60, long_ago + 60))
    third, _ = store.survey()
    assert len(calls) == 2 and len(third) == len(first) + 1


def test_the_index_gives_back_each_folders_record_and_score(database_url: str) -> None:
    """SQLite and PostgreSQL: the records of one recordings folder, whole, with their scores;
    another folder's sessions are not among them."""
    from roleplay.adapters.sql_index import SqlIndex

    index = SqlIndex.open(database_url)
    try:
        mine = [make_session(n, scored=n != 2) for n in range(4)]
        index.save([*mine, make_session(9, origin="origin-b")])
        got = sorted(index.records("origin-a"), key=lambda x: x[0].id)
        assert [r for r, _ in got] == [f.transcript.record for f in mine if f.transcript]
        assert [s for _, s in got] == [f.scorecard.overall if f.scorecard else None for f in mine]
    finally:
        index.close()
