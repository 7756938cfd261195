"""The index database contract, run against SQLite and a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import create_engine, insert, text

from roleplay.adapters.index_schema import KNOWN_REVISIONS, SCHEMA_HEAD, metadata
from roleplay.adapters.sql_engine import Database, parse_url, upgrade
from roleplay.adapters.sql_index import SqlIndex
from roleplay.adapters.sqlite_index import SqliteIndex
from roleplay.domain.history import HumanLevel, SessionFilter
from roleplay.domain.review import Review
from roleplay.services.ports import IndexTooNew
from tests.index_data import T0, a_review, make_session
from tests.pg_server import new_database_url


@pytest.fixture(
    params=[("sqlalchemy", "sqlite"), ("sqlalchemy", "postgresql"), ("sqlite3", "sqlite")],
    ids=["sqlite", "postgresql", "sqlite-stdlib-writer"],
)
def index(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SqlIndex]:
    """SqlIndex on each backend; and on SQLite also the stdlib writer that `score last` uses
    (which asks SqlIndex for everything but the writes): one contract for all three. (The
    stdlib writer serves only a rep's local SQLite index, so it has no PostgreSQL case.)"""
    writer, backend = request.param
    database_url = new_database_url(backend, request, tmp_path, monkeypatch)
    idx = SqlIndex.open(database_url)
    if writer == "sqlite3":
        idx.close()
        local = SqliteIndex.open(database_url)
        assert local is not None
        idx = cast(SqlIndex, local)
    yield idx
    idx.close()


def test_a_saved_session_reads_back_whole(index: SqlIndex) -> None:
    folder = make_session(1, audio=True, review=None)
    index.save([folder])
    view = index.session(folder.session_id)
    assert view is not None
    assert folder.transcript is not None
    assert view.record == folder.transcript.record
    assert view.turns == folder.transcript.turns
    assert view.scorecard == folder.scorecard
    assert view.audio == folder.audio and view.audio[1] == "turn-0001.wav"
    assert view.record.started_at.tzinfo is not None
    assert view.origin == "origin-a"


def test_saving_again_replaces_turns_and_scores(index: SqlIndex) -> None:
    first = make_session(1, turns=8)
    index.save([first])
    index.save([first])
    longer = make_session(1, turns=12, levels=[5, 5, 5, 5])
    index.save([longer])
    view = index.session(first.session_id)
    assert view is not None and len(view.turns) == 12
    assert view.scorecard is not None and view.scorecard.overall == 5.0
    [row] = index.sessions(SessionFilter())
    assert (row.turns, row.overall) == (12, 5.0)


def test_list_filters_and_order(index: SqlIndex) -> None:
    index.save(
        [
            make_session(1, rep="ana", team="north", levels=[1, 1, 1, 1]),
            make_session(2, rep="ben", team="south", levels=[5, 5, 5, 5]),
            make_session(
                3, rep="ana", team="north", scenario="price-objection", levels=[3, 3, 3, 3]
            ),
            make_session(4, rep="cy", team=None, scored=False),
        ]
    )

    def ids(**kw: object) -> list[int]:
        return [int(r.id[-5:]) for r in index.sessions(SessionFilter(**kw))]  # type: ignore[arg-type]

    assert ids() == [4, 3, 2, 1]  # newest first
    assert ids(rep="ana") == [3, 1]
    assert ids(team="south") == [2]
    assert ids(scenario="price-objection") == [3]
    assert ids(skill="active-listening") == [3, 2, 1]  # the unscored session has no skills
    assert ids(skill="negotiation") == []
    assert ids(min_score=3) == [3, 2]
    assert ids(max_score=3) == [3, 1]
    assert ids(since=T0 + timedelta(hours=2)) == [4, 3, 2]
    assert ids(until=T0 + timedelta(hours=2)) == [1]
    assert [int(r.id[-5:]) for r in index.sessions(SessionFilter(), limit=2, offset=1)] == [3, 2]


def test_reviews_from_two_recordings_folders_live_side_by_side(index: SqlIndex) -> None:
    session = make_session(1, origin="rep-laptop")
    index.save([session])
    sid = session.session_id
    trainer = make_session(1, origin="trainer-laptop")
    # The trainer's machine holds only their review of the session: a review-only folder.
    review_only = type(trainer)(sid, "trainer-laptop", None, None, a_review(sid, author="tina"))
    index.save([review_only])
    view = index.session(sid)
    assert view is not None and len(view.comments) == 2 and len(view.reviewed) == 1
    assert view.human_levels()["open-questions"].level == 3  # the latest override counts
    # The rep's folder is re-indexed with a review of its own: the trainer's notes stay.
    first = a_review(sid, author="ana").comments[0].model_copy(update={"id": "c-ana"})
    rep_review = Review(session=sid, comments=(first,))
    index.save(
        [type(session)(sid, "rep-laptop", session.transcript, session.scorecard, rep_review)]
    )
    view = index.session(sid)
    assert view is not None
    assert sorted(c.id for c in view.comments) == sorted([f"c-{sid}-1", f"c-{sid}-2", "c-ana"])
    [row] = index.sessions(SessionFilter(reviewed=True))
    assert (row.comments, row.overrides, row.reviewed) == (3, 2, True)
    assert index.sessions(SessionFilter(reviewed=False)) == []
    assert index.known("trainer-laptop") == {sid}


def test_forget_removes_only_that_folders_sessions_and_keeps_review_history(
    index: SqlIndex,
) -> None:
    mine, theirs = make_session(1, origin="a"), make_session(2, origin="b")
    index.save([mine, theirs])
    review_only = type(mine)(theirs.session_id, "a", None, None, a_review(theirs.session_id))
    index.save([review_only])
    assert index.known("a") == {mine.session_id, theirs.session_id}
    index.forget("a", [mine.session_id, theirs.session_id])
    assert index.session(mine.session_id) is None
    view = index.session(theirs.session_id)
    # b's session stayed; a's notes on it are history: a deleted folder does not unsay them.
    assert view is not None and len(view.comments) == 2 and len(view.overrides) == 2


def test_prefix_matching_treats_wildcards_literally(index: SqlIndex) -> None:
    folder = make_session(1)
    index.save([folder])
    assert index.matching(folder.session_id[:10]) == [folder.session_id]
    assert index.matching("2026%") == []
    assert index.matching("2026_") == []


def test_human_levels_for_calibration(index: SqlIndex) -> None:
    one = make_session(1, rubric="discovery")
    two = make_session(2, rubric="closing")
    one = type(one)(
        one.session_id, one.origin, one.transcript, one.scorecard, a_review(one.session_id)
    )
    two = type(two)(
        two.session_id, two.origin, two.transcript, two.scorecard, a_review(two.session_id)
    )
    index.save([one, two])
    assert index.human_levels("discovery") == [HumanLevel(one.session_id, "open-questions", 3)]
    assert len(index.human_levels()) == 2
    orphan = type(one)("no-such-session", "x", None, None, a_review("no-such-session"))
    index.save([orphan])
    assert len(index.human_levels()) == 2  # overrides of sessions never indexed are left out


def test_scored_sessions_for_reports(index: SqlIndex) -> None:
    index.save([make_session(1, levels=[2, 3, 4, 5]), make_session(2, scored=False)])
    [s] = index.scored(SessionFilter())
    assert s.levels["open-questions"] == ("discovery-questions", 2)
    assert s.kpis is not None and s.kpis.rep_turns == 4
    assert s.overall == 3.5


def test_schema_from_migrations_equals_the_tables_the_code_uses(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    SqlIndex.open(database_url).close()
    engine = create_engine(parse_url(database_url))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert diff == []
    assert version == SCHEMA_HEAD
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "roleplay.adapters:index_migrations")
    scripts = ScriptDirectory.from_config(cfg)
    assert scripts.get_current_head() == SCHEMA_HEAD
    assert sorted(r.revision for r in scripts.walk_revisions()) == sorted(KNOWN_REVISIONS)


def test_a_database_from_a_newer_roleplay_is_refused_untouched(database_url: str) -> None:
    SqlIndex.open(database_url).close()
    engine = create_engine(parse_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(IndexTooNew) as err:
        SqlIndex.open(database_url)
    message = str(err.value)
    assert "'0099'" in message and "Upgrade roleplay" in message
    assert "S3cret" not in message
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"
    engine.dispose()


def test_migration_from_the_first_schema_keeps_the_data(database_url: str) -> None:
    db = Database(parse_url(database_url))
    with db.write() as conn:
        upgrade(conn, "0001")
    old = make_session(7)
    assert old.transcript is not None and old.scorecard is not None
    r = old.transcript.record
    with db.write() as conn:  # a row as the first schema stored it
        conn.execute(
            insert(metadata.tables["sessions"])
            .values(
                id=r.id,
                origin="o",
                rep=r.rep,
                team=r.team,
                scenario_id=r.scenario.id,
                scenario_version=1,
                scenario_title=None,
                rubric_id=r.rubric.id,
                rubric_version=2,
                language="en",
                mode="text",
                started_at=r.started_at,
                ended_at=r.ended_at,
                outcome=r.outcome,
                turn_count=0,
                overall=old.scorecard.overall,
                passed=old.scorecard.passed,
                judge="offline",
                record=r.model_dump(mode="json"),
                scorecard=old.scorecard.model_dump(mode="json"),
                indexed_at=T0,
            )
            .inline()  # only the first schema's columns
        )
    db.dispose()
    index = SqlIndex.open(database_url)  # upgrades in place
    [row] = index.sessions(SessionFilter())
    assert (row.id, row.overall, row.audio_purged) == (r.id, old.scorecard.overall, False)
    review_only = type(old)(r.id, "t", None, None, a_review(r.id))
    index.save([review_only])
    view = index.session(r.id)
    assert view is not None and view.record == r and len(view.comments) == 2
    index.close()


def test_scheduler_cards_per_rep_and_recordings_folder(index: SqlIndex) -> None:
    from roleplay.domain.schedule import SkillCard

    def card(skill: str, level: int) -> SkillCard:
        return SkillCard(
            skill=skill,
            stability=2.5,
            difficulty=5.0,
            due=T0 + timedelta(days=2),
            last_review=T0,
            last_level=level,
            reviews=1,
            lapses=0,
        )

    index.save_cards("a", "ana", [card("next-steps", 2), card("active-listening", 4)])
    index.save_cards("b", "ana", [card("next-steps", 5)])
    index.save_cards("a", "ben", [card("next-steps", 3)])
    assert [(c.rep, c.card.skill, c.origin) for c in index.cards("ana")] == [
        ("ana", "active-listening", "a"),
        ("ana", "next-steps", "a"),
        ("ana", "next-steps", "b"),
    ]
    index.save_cards("a", "ana", [card("next-steps", 3)])  # replaces ana's cards from a only
    assert [(c.card.skill, c.card.last_level) for c in index.cards("ana")] == [
        ("next-steps", 3),
        ("next-steps", 5),
    ]
    assert index.cards("ana")[0].card.due == T0 + timedelta(days=2)
    assert len(index.cards()) == 3


def test_reviewed_marks_from_before_their_history_keep_their_meaning(database_url: str) -> None:
    """0003 turns each old mark into one history row, with the id a client derives for the
    same mark in an old review.json, so re-indexing that folder adds nothing twice."""
    folder = make_session(1, origin="o")
    sid = folder.session_id
    db = Database(parse_url(database_url))
    with db.write() as conn:
        upgrade(conn, "0002")
        conn.execute(
            text(
                "INSERT INTO review_marks (session_id, origin, author, reviewed_at) "
                "VALUES (:sid, 'o', 'tina', :at)"
            ),
            {
                "sid": sid,
                "at": T0 if database_url.startswith("postgresql") else T0.replace(tzinfo=None),
            },
        )
    db.dispose()
    index = SqlIndex.open(database_url)
    old_file = Review.model_validate(
        {"session": sid, "reviewed": {"author": "tina", "at": T0.isoformat()}}
    )
    index.save([type(folder)(sid, "o", folder.transcript, folder.scorecard, old_file)])
    view = index.session(sid)
    assert view is not None and len(view.marks) == 1 and view.reviewed == view.marks
    assert [r.reviewed for r in index.sessions(SessionFilter())] == [True]
    index.close()


def test_the_newest_session_of_a_recordings_folder(index: SqlIndex) -> None:
    assert index.newest("origin-a") is None
    index.save([make_session(n) for n in (3, 1, 2)])
    index.save([make_session(9, origin="origin-b")])  # another folder's: not this one's
    newest = index.newest("origin-a")
    assert newest is not None
    listed = max(index.records("origin-a"), key=lambda r: (r[0].started_at, r[0].id))[0]
    assert newest == (listed.id, listed.started_at)  # the whole list's first, tz-aware
    assert newest[1].tzinfo is not None
