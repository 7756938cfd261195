"""A rep's read commands read a local index that is in step with the folders through stdlib
sqlite3 (adapters/index_peek.py), without opening it through SQLAlchemy: it must answer exactly
as the index does, refuse what it cannot read, and step aside whenever the folders changed
behind the index's back (then the index is opened and catches up as before)."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from roleplay.adapters import index_open
from roleplay.adapters.index_peek import SCHEMA, LocalIndex
from roleplay.adapters.index_schema import SCHEMA_HEAD
from roleplay.adapters.sql_index import SqlIndex
from roleplay.domain.history import SessionFiles
from roleplay.services.ports.sessions import SessionLine
from tests.index_data import a_review, make_session, write
from tests.test_read_from_index import NOW, from_folders_and_index, many, run

__all__ = ["many"]  # the fixture, used by name below


def _folders() -> list[SessionFiles]:
    mine = [make_session(n, scored=n != 2) for n in range(6)]
    unfinished = make_session(7)
    assert unfinished.transcript is not None
    record = unfinished.transcript.record.model_copy(update={"ended_at": None, "outcome": None})
    unfinished = SessionFiles(
        unfinished.session_id,
        unfinished.origin,
        unfinished.transcript.model_copy(update={"record": record}),
        None,
        None,
    )
    review_only = SessionFiles("elsewhere-1", "origin-a", None, None, a_review("elsewhere-1"))
    return [*mine, unfinished, review_only, make_session(9, origin="origin-b")]


def _expected_lines(folders: list[SessionFiles]) -> list[tuple[SessionLine, float | None]]:
    found = []
    for f in folders:
        if f.transcript is None or f.origin != "origin-a":
            continue
        r = f.transcript.record
        line = SessionLine(r.id, r.rep, r.mode, r.started_at, r.ended_at, r.outcome)
        found.append((line, f.scorecard.overall if f.scorecard else None))
    return sorted(found)


def test_the_index_lists_a_folders_sessions_from_its_columns(database_url: str) -> None:
    """SQLite and PostgreSQL: id, rep, mode, times, outcome and score of each session of one
    recordings folder, as the folder's records say (aware UTC times); no other folder's."""
    index = SqlIndex.open(database_url)
    try:
        folders = _folders()
        index.save(folders)
        assert sorted(index.lines("origin-a")) == _expected_lines(folders)
    finally:
        index.close()


def test_the_snapshot_answers_as_the_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    index = SqlIndex.open(url)
    try:
        index.save(_folders())
        snapshot = LocalIndex.open(url)
        assert snapshot is not None
        with snapshot:
            for origin in ("origin-a", "origin-b", "nowhere"):
                assert snapshot.known(origin) == index.known(origin)
                assert sorted(snapshot.lines(origin)) == sorted(index.lines(origin))
                assert snapshot.newest(origin) == index.newest(origin)
                mine = sorted(snapshot.records(origin), key=lambda x: x[0].id)
                assert mine == sorted(index.records(origin), key=lambda x: x[0].id)
            assert "elsewhere-1" in snapshot.known("origin-a")  # reviews count as known
    finally:
        index.close()


def test_the_snapshot_reads_only_a_local_index_at_its_schema(tmp_path: Path) -> None:
    assert SCHEMA == SCHEMA_HEAD  # the queries follow the schema
    url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    assert LocalIndex.open(url) is None  # no index yet: never created by a read
    assert not (tmp_path / "index.sqlite").exists()
    assert LocalIndex.open("postgresql://rep@localhost/roleplay") is None
    SqlIndex.open(url).close()
    with LocalIndex.open(url) or pytest.fail("an index at the schema is read"):
        pass
    import sqlite3

    db = sqlite3.connect(tmp_path / "index.sqlite")
    db.execute("UPDATE alembic_version SET version_num = '9999'")  # a newer roleplay's
    db.commit()
    db.close()
    assert LocalIndex.open(url) is None
    (tmp_path / "junk.sqlite").write_bytes(b"not a database at all" * 100)
    assert LocalIndex.open(f"sqlite:///{tmp_path / 'junk.sqlite'}") is None


@pytest.mark.parametrize(
    "args", [["sessions"], ["sessions", "--json"], ["show", "last"], ["today", "--json"]]
)
def test_a_second_command_reads_the_index_without_opening_it(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str]
) -> None:
    folders, first = from_folders_and_index(many, monkeypatch, tmp_path, *args)
    assert first == folders

    def not_opened(url: str) -> object:
        raise AssertionError("the index was opened although it is in step with the folders")

    with monkeypatch.context() as m:
        m.setattr(index_open, "open_index", not_opened)
        assert run(many, *args) == folders


def test_folders_changed_behind_the_index_are_caught_up(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A session deleted, one copied in and one edited through a pending mark after the
    index was last in step: the snapshot steps aside and the list is the folders' list."""
    run_home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(run_home))
    run(many, "sessions")  # the index is built and in step
    rec = many / "recordings"
    names = sorted(p.name for p in rec.iterdir() if not p.name.startswith("."))
    shutil.rmtree(rec / names[-1])
    write(rec, make_session(90011, rep="ana", started_at=NOW - timedelta(minutes=1)))
    edited = json.loads((rec / names[-2] / "session.json").read_text())
    edited["rep"] = "cy"
    (rec / names[-2] / "session.json").write_text(json.dumps(edited))
    marks = rec / ".index" / "pending"
    marks.mkdir(parents=True, exist_ok=True)
    (marks / names[-2]).touch()
    after = run(many, "sessions", "--json")
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
    assert after == run(many, "sessions", "--json")  # as a fresh index reads the folders
    listed = {s["id"]: s for s in json.loads(after[1])}
    assert names[-1] not in listed
    assert listed[names[-2]]["rep"] == "cy"


def test_a_session_copied_in_after_the_schedule_was_saved_is_scheduled(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The schedule syncs against the index's columns and reads whole records only for the
    sessions it has not applied: a newer scored session copied in is applied as a schedule
    built from scratch applies it."""
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-index"))
    code, before = run(many, "progress", "--json")
    assert code == 0, before
    write(many / "recordings", make_session(90021, rep="ana", started_at=NOW - timedelta(hours=1)))
    after = run(many, "progress", "--json")
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
    assert after == run(many, "progress", "--json")
    assert json.loads(after[1])["sessions"] == json.loads(before)["sessions"] + 1
