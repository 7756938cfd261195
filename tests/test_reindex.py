"""The index follows the recordings folder: live updates, rebuilds, catching up after outages.
Run against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from roleplay.adapters.clock import ManualClock
from roleplay.adapters.index_schema import metadata
from roleplay.adapters.sql_engine import parse_url
from roleplay.composition import Services
from roleplay.domain.history import SessionFilter
from tests.helpers import play, services
from tests.pg_server import PgServer

GOOD = [
    "How does a typical morning look for your dispatch team?",
    "What happens when a truck breaks down before nine?",
    "Can I send you an invite for next Tuesday at ten with your finance lead?",
]


def practise(s: Services, clock: ManualClock, n: int = 1, rep: str | None = None) -> list[str]:
    ids = []
    for _ in range(n):
        call = s.practice.begin("discovery-spin", s.profile(rep))
        play(call, GOOD, clock)
        s.practice.finish(call)
        s.habit(rep).after_session(call.record.id)  # as the app does: the schedule moves on
        ids.append(call.record.id)
        clock.advance(3600)
    return ids


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order, without the bookkeeping time."""
    engine = create_engine(parse_url(url))
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            cols = [c for c in table.columns if c.name != "indexed_at"]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    engine.dispose()
    return out


def test_sessions_are_indexed_as_they_are_written(workspace: Path, database_url: str) -> None:
    clock = ManualClock()
    s = services(workspace, clock)
    call = s.practice.begin("discovery-spin", s.profile())
    play(call, GOOD[:1], clock)
    live = s.reviews.find(SessionFilter())
    assert [r.id for r in live] == [call.record.id] and live[0].ended_at is None
    s.practice.finish(call)
    [row] = s.reviews.find(SessionFilter())
    assert row.ended_at is not None and row.overall is not None and row.turns == 3
    assert not list((workspace / "recordings" / ".index" / "pending").iterdir())


def test_a_rebuild_equals_the_live_index(
    workspace: Path,
    database_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = ManualClock()
    s = services(workspace, clock)
    ids = practise(s, clock, 3)
    s.reviews.comment(ids[0], "Good opener", turn=1)
    s.reviews.comment(ids[0], "Try a number next time")
    criterion = s.reviews.open(ids[0]).scorecard.criteria[0].id  # type: ignore[union-attr]
    s.reviews.override(ids[0], criterion, 4, "the judge missed the follow-up")
    s.reviews.mark_reviewed(ids[1])
    (workspace / "recordings" / ids[2] / "turn-0001.wav").write_bytes(b"RIFF")
    clock.advance(200 * 86400)
    s.purger.purge(s.purger.plan(__import__("datetime").timedelta(days=90)))
    live = dump(database_url)
    assert len(live["sessions"]) == 3 and len(live["comments"]) == 2
    assert {row[2] for row in live["skill_cards"]} >= {"active-listening", "next-steps"}

    # A new, empty database, rebuilt from the same recordings folder.
    if "sqlite" in database_url:
        fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    else:
        server: PgServer = request.getfixturevalue("postgres_server")
        fresh = server.url(server.new_database())
    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", fresh)
    rebuilt = services(workspace, clock)
    done = rebuilt.indexer.rebuild()
    assert (done.indexed, done.problems) == (3, ())
    assert dump(fresh) == live
    rebuilt.indexer.rebuild()
    assert dump(fresh) == live  # idempotent
    cards = rebuilt.reviews.skill_cards("tester")
    assert {c.card.skill for c in cards} == {row[2] for row in live["skill_cards"]}


def test_rebuild_forgets_deleted_folders_but_not_other_machines(
    tmp_path: Path, database_url: str
) -> None:
    import shutil

    from tests.conftest import REPO

    def ws(name: str) -> Path:
        root = tmp_path / name
        shutil.copytree(REPO / "scenarios", root / "scenarios")
        shutil.copytree(REPO / "rubrics", root / "rubrics")
        return root

    clock = ManualClock()
    ana, ben = services(ws("ana"), clock), services(ws("ben"), clock)
    mine = practise(ana, clock, 2, rep="ana")
    theirs = practise(ben, clock, 1, rep="ben")
    shutil.rmtree(ana.workspace.recordings / mine[0])
    done = ana.indexer.rebuild()
    assert done.removed == 1
    assert {r.id for r in ana.reviews.find(SessionFilter())} == {mine[1], theirs[0]}


def test_sessions_written_while_the_index_was_away_are_caught_up(
    workspace: Path, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock()
    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", "postgresql://u:pw-never-shown@127.0.0.1:1/x")
    away = services(workspace, clock)
    [sid] = practise(away, clock)  # the practice itself works
    assert away.indexer.problem and "pw-never-shown" not in away.indexer.problem
    assert (workspace / "recordings" / sid / "scorecard.json").exists()
    assert (workspace / "recordings" / ".index" / "pending" / sid).exists()

    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", database_url)
    back = services(workspace, clock)
    [row] = back.reviews.find(SessionFilter())  # first use catches up
    assert row.id == sid and row.overall is not None and row.turns == 7
    assert not (workspace / "recordings" / ".index" / "pending" / sid).exists()


def test_a_database_lost_mid_session_loses_nothing(
    workspace: Path,
    database_url: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = ManualClock()
    s = services(workspace, clock)
    s.reviews.find(SessionFilter())  # the index is open and in use
    call = s.practice.begin("discovery-spin", s.profile())
    play(call, GOOD[:1], clock)
    if "sqlite" in database_url:
        # Another program holds the write lock for longer than roleplay waits.
        import roleplay.adapters.sql_engine as engine_module
        import roleplay.adapters.sqlite_index as lite_module

        monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
        monkeypatch.setattr(lite_module, "BUSY_TIMEOUT_MS", 200)  # its stdlib writer too
        s.indexer._index = None  # reopen with the short wait
        s.indexer.index()
        blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        restore = blocker.close
    else:
        server: PgServer = request.getfixturevalue("postgres_server")
        name = database_url.rsplit("/", 1)[1]
        server.admin(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        )
        server.admin(f"ALTER DATABASE {name} RENAME TO {name}_away")

        def restore() -> None:
            server.admin(f"ALTER DATABASE {name}_away RENAME TO {name}")

    for line in GOOD[1:]:
        clock.advance(10)
        list(call.rep_says(line))
    card = s.practice.finish(call)  # the end and the scorecard reach the files, not the index
    assert s.indexer.problem is not None and "S3cret" not in s.indexer.problem
    restore()
    again = services(workspace, clock)  # the next start catches up on what the index missed
    [row] = again.reviews.find(SessionFilter())
    assert again.indexer.problem is None
    assert row.id == call.record.id and row.overall == card.overall and row.turns == 7


def test_sqlite_index_is_owner_only_and_in_wal_mode(workspace: Path, tmp_path: Path) -> None:
    clock = ManualClock()
    s = services(workspace, clock)
    practise(s, clock)
    from roleplay.adapters.index_open import default_index_file

    db = default_index_file()
    assert db.exists() and db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o077 == 0
    for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if extra.exists():
            assert extra.stat().st_mode & 0o777 == 0o600
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_no_database_work_at_start_up(workspace: Path) -> None:
    import json
    import subprocess
    import sys

    code = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from roleplay.composition import build\n"
        f"s = build(Path({str(workspace)!r}))\n"
        "s.catalog()\n"
        "print(json.dumps([m for m in ('sqlalchemy', 'alembic', 'psycopg') if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
    from roleplay.adapters.index_open import default_index_file

    assert not default_index_file().exists()
