"""The two writers of a local SQLite index leave the same rows: SQLAlchemy (SqlIndex, which
also creates and upgrades the schema) and stdlib sqlite3 (SqliteIndex, which `score last` and
the end of a call use so as not to import SQLAlchemy). Every table is read back raw, as SQLite
stores it, after the same saves, re-saves, reviews, cards and deletions through each."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from roleplay.adapters.index_open import open_index
from roleplay.adapters.sql_index import SqlIndex
from roleplay.adapters.sqlite_index import SqliteIndex
from roleplay.domain.history import SessionFilter
from roleplay.domain.schedule import SkillCard
from roleplay.services.ports import IndexUnavailable, SessionIndex
from tests.index_data import T0, a_review, make_session

TABLES = ["sessions", "turns", "criterion_scores", "comments", "overrides", "review_marks"]
STORED = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")  # SQLAlchemy's DATETIME text


def card(skill: str, level: int) -> SkillCard:
    return SkillCard(
        skill=skill,
        stability=2.5,
        difficulty=5.0,
        due=T0 + timedelta(days=2, microseconds=7),
        last_review=T0,
        last_level=level,
        reviews=1,
        lapses=0,
    )


def write_everything(index: SessionIndex) -> None:
    one = make_session(1, audio=True)
    two = make_session(2, scored=False, team=None)
    three = make_session(3, origin="b", levels=[None, 2, 3, 4])
    index.save([one, two, three])
    index.save([make_session(1, turns=12, levels=[5, 5, 5, 5], audio=True)])  # re-scored
    review_only = type(one)(one.session_id, "trainer", None, None, a_review(one.session_id))
    index.save([review_only])
    index.save([review_only])  # review items are added once
    index.forget("origin-a", [two.session_id])
    index.save_cards("origin-a", "ana", [card("next-steps", 2), card("active-listening", 4)])
    index.save_cards("origin-a", "ana", [card("next-steps", 3)])  # replaces ana's from a
    index.save_cards("b", "ana", [card("rapport", 5)])


def rows(path: Path) -> dict[str, list[tuple[tuple[str, object], ...]]]:
    db = sqlite3.connect(path)
    try:
        out = {}
        for table in [*TABLES, "skill_cards"]:
            names = [d[1] for d in db.execute(f"PRAGMA table_info({table})")]
            found = db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
            if table == "sessions":  # the time of indexing differs; its form must not
                at = names.index("indexed_at")
                assert all(STORED.fullmatch(r[at]) for r in found), found
                found = [(*r[:at], "indexed", *r[at + 1 :]) for r in found]
            out[table] = [tuple(zip(names, r, strict=True)) for r in found]
        return out
    finally:
        db.close()


def test_both_writers_leave_the_same_rows(tmp_path: Path) -> None:
    by: dict[str, dict[str, list[tuple[tuple[str, object], ...]]]] = {}
    for writer in ("sqlalchemy", "sqlite3"):
        path = tmp_path / f"{writer}.sqlite"
        url = f"sqlite:///{path}"
        SqlIndex.open(url).close()  # created at the newest schema, as a first start does
        index = open_index(url)
        assert isinstance(index, SqliteIndex)  # an index at the newest schema: stdlib
        write_everything(SqlIndex.open(url) if writer == "sqlalchemy" else index)
        index.close()
        by[writer] = rows(path)
    assert by["sqlite3"] == by["sqlalchemy"]
    assert len(by["sqlite3"]["sessions"]) == 2 and len(by["sqlite3"]["comments"]) == 2
    assert len(by["sqlite3"]["skill_cards"]) == 2


def test_what_the_stdlib_writer_saved_reads_back_through_sqlalchemy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    SqlIndex.open(url).close()
    index = SqliteIndex.open(url)
    assert index is not None
    folder = make_session(1, audio=True, review=a_review("20260105-100000-discovery-spin-00001"))
    index.save([folder])
    view = index.session(folder.session_id)  # asked of SqlIndex behind it
    assert view is not None and folder.transcript is not None
    assert view.record == folder.transcript.record and view.scorecard == folder.scorecard
    assert view.turns == folder.transcript.turns
    assert [s.id for s in index.sessions(SessionFilter())] == [folder.session_id]
    assert index.known("origin-a") == {folder.session_id}
    assert view is not None and len(view.comments) == 2 and len(view.overrides) == 2
    index.close()


def test_a_new_older_or_broken_index_is_left_to_sqlalchemy(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    url = f"sqlite:///{path}"
    assert SqliteIndex.open(url) is None  # not there yet: SqlIndex creates it
    created = open_index(url)
    assert path.exists()
    # ... and once it has, the catch-up that follows is written through stdlib sqlite3, the
    # rest asked of the SqlIndex that created it (not opened a second time).
    assert isinstance(created, SqliteIndex) and isinstance(created._full, SqlIndex)
    created.close()
    db = sqlite3.connect(path)
    db.execute("UPDATE alembic_version SET version_num = '0003'")  # as an older roleplay left it
    db.commit()
    db.close()
    assert SqliteIndex.open(url) is None
    path.write_bytes(b"not a database" * 100)
    assert SqliteIndex.open(url) is None
    assert SqliteIndex.open("postgresql://u:p@localhost/db") is None


def test_a_locked_index_is_reported_as_sqlalchemy_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import roleplay.adapters.sqlite_index as lite

    url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    SqlIndex.open(url).close()
    monkeypatch.setattr(lite, "BUSY_TIMEOUT_MS", 200)
    index = SqliteIndex.open(url)
    assert index is not None
    blocker = sqlite3.connect(tmp_path / "index.sqlite", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(IndexUnavailable) as caught:
            index.save([make_session(1)])
    finally:
        blocker.close()
    assert "another roleplay may be holding it; try again" in str(caught.value)
    assert "Sessions are still saved in recordings/" in str(caught.value)
    index.save([make_session(1)])  # once the lock is gone, the write goes through
    assert index.known("origin-a") == {make_session(1).session_id}
    index.close()
