"""The index database (SessionIndex) on SQLite or PostgreSQL, through SQLAlchemy Core.

One schema and one set of queries for both databases; only the upsert statement and the
session lock differ. Every method runs in one transaction. On a shared PostgreSQL index the
database decides who sees and writes what (adapters/sql_team.py); reviews are only ever added.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    Text,
    cast,
    delete,
    func,
    insert,
    select,
    text,
    union,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from roleplay.adapters import index_documents, index_rows, sql_team
from roleplay.adapters.index_schema import (
    comments,
    criterion_scores,
    metadata,
    overrides,
    review_marks,
    sessions,
    skill_cards,
    turns,
)
from roleplay.adapters.sql_bad_values import parsed, values
from roleplay.adapters.sql_engine import Database, parse_url
from roleplay.adapters.sql_team import as_login, read_identity, refusals, refused
from roleplay.domain.history import (
    HumanLevel,
    RepSkillCard,
    Retention,
    ScoredSession,
    SessionFiles,
    SessionFilter,
    SessionSummary,
    SessionView,
)
from roleplay.domain.kpis import Kpis
from roleplay.domain.review import Override, ReviewedMark, human_levels, marks_in_force
from roleplay.domain.roles import Identity, NotAllowed
from roleplay.domain.schedule import SkillCard
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import SessionRecord, Turn
from roleplay.services.ports import IndexUnavailable
from roleplay.services.ports.sessions import SessionLine


class SqlIndex:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._identity: Identity | None = None

    @classmethod
    def open(cls, url: str) -> SqlIndex:
        """Connect, then create or upgrade the schema. Raises IndexUnavailable/IndexTooNew."""
        db = Database(parse_url(url))
        try:
            db.prepare()
        except DBAPIError as exc:
            db.dispose()
            if not refused(exc):
                raise
            detail = db.scrub(str(exc.orig).strip().splitlines()[0] if exc.orig else "")
            raise IndexUnavailable(
                f"the index database {db.describe()} needs a schema upgrade that this login may "
                f"not make ({detail}); the database owner (a login with CREATEROLE) runs it once: "
                "`roleplay team init`"
            ) from None
        except BaseException:
            db.dispose()
            raise
        return cls(db)

    def identity(self) -> Identity:
        """Who this connection is on the index (asked once per process)."""
        if self._identity is None:
            if self.db.dialect != "postgresql":
                self._identity = Identity(role="single")
            else:
                with self.db.read() as conn:
                    self._identity = read_identity(conn)
        return self._identity

    def close(self) -> None:
        self.db.dispose()

    def describe(self) -> str:
        return self.db.describe()

    # --- the team (PostgreSQL) ------------------------------------------------------------

    def members(self) -> list[tuple[str, str]]:
        with self.db.read() as conn:
            return sql_team.members(conn)

    def login_exists(self, login: str) -> bool:
        with self.db.read() as conn:
            return sql_team.login_exists(conn, login)

    def add_member(self, login: str, role: str, password: str | None) -> str:
        with sql_team.team_errors(self.db, self.identity().login), self.db.write() as conn:
            return sql_team.add_member(conn, login, role, password)

    def remove_member(self, login: str) -> None:
        with sql_team.team_errors(self.db, self.identity().login), self.db.write() as conn:
            sql_team.remove_member(conn, login)

    # --- writing ---------------------------------------------------------------------------

    def save(self, folders: Sequence[SessionFiles]) -> list[str]:
        if not folders:
            return []
        who = self.identity()
        problems: list[str] = []
        allowed = []
        for f in folders:
            folder, left_out = as_login(f, who)
            allowed.append(folder)
            problems += left_out
        try:
            self._save(allowed)
        except NotAllowed:
            if len(allowed) == 1:
                raise
            # One folder the database refuses (say, another rep's session copied here) must
            # not keep the others out: save them one by one and report the refused ones.
            for folder in allowed:
                try:
                    self._save([folder])
                except NotAllowed as exc:
                    problems.append(f"{folder.session_id}: {exc}")
        return problems

    def _save(self, folders: Sequence[SessionFiles]) -> None:
        now = datetime.now(UTC)
        with refusals(self.db, self.identity().login), self.db.write() as conn:
            self.db.lock_sessions(conn, [f.session_id for f in folders])
            recorded = [f for f in folders if f.transcript is not None]
            ids = [f.session_id for f in recorded]
            if recorded:
                rows = [index_rows.session_row(f, now) for f in recorded]
                conn.execute(self._upsert(sessions), rows)
                for chunk in index_rows.chunks(ids):
                    conn.execute(delete(turns).where(turns.c.session_id.in_(chunk)))
                    conn.execute(
                        delete(criterion_scores).where(criterion_scores.c.session_id.in_(chunk))
                    )
                turn_rows = [r for f in recorded for r in index_rows.turn_rows(f)]
                if turn_rows:
                    conn.execute(insert(turns), turn_rows)
                score_rows = [r for f in recorded for r in index_rows.score_rows(f)]
                if score_rows:
                    conn.execute(insert(criterion_scores), score_rows)
            self._add_reviews(conn, folders)

    def _upsert(self, table: Table) -> Any:
        """INSERT, or UPDATE the row with the same id (a folder may change hands: restored
        from a backup on another machine, or indexed from a shared drive)."""
        dialect = postgresql if self.db.dialect == "postgresql" else sqlite
        stmt = dialect.insert(table)
        columns = {c.name: stmt.excluded[c.name] for c in table.columns if c.name != "id"}
        return stmt.on_conflict_do_update(index_elements=[table.c.id], set_=columns)

    def _insert_new(self, table: Table) -> Any:
        """INSERT, skipping rows whose id is there already (review items are never changed)."""
        dialect = postgresql if self.db.dialect == "postgresql" else sqlite
        return dialect.insert(table).on_conflict_do_nothing(index_elements=[table.c.id])

    def _add_reviews(self, conn: Connection, folders: Sequence[SessionFiles]) -> None:
        """Add the review items not yet in the index. Nothing is deleted or replaced: a
        changed level is a new override, a withdrawn mark a new mark, so history stays."""
        tables = {"comments": comments, "overrides": overrides, "review_marks": review_marks}
        for name, rows in index_documents.review_rows(folders).items():
            if rows:
                conn.execute(self._insert_new(tables[name]), rows)

    def forget(self, origin: str, session_ids: Sequence[str]) -> None:
        if not session_ids:
            return
        with refusals(self.db, self.identity().login), self.db.write() as conn:
            for chunk in index_rows.chunks(list(session_ids)):
                # Turns and criterion scores go with their session (ON DELETE CASCADE); the
                # reviews stay: they are the team's history (and append-only on PostgreSQL).
                conn.execute(
                    delete(sessions).where(sessions.c.id.in_(chunk), sessions.c.origin == origin)
                )

    def save_cards(self, origin: str, rep: str, cards: Sequence[SkillCard]) -> None:
        who = self.identity()
        if who.role not in ("single", "owner"):
            rep = who.login or rep  # the database keeps a login's cards under its own name
        rows = [index_documents.card_row(origin, rep, c) for c in cards]
        with refusals(self.db, who.login), self.db.write() as conn:
            self.db.lock_sessions(conn, [f"cards\n{origin}\n{rep}"])
            conn.execute(
                delete(skill_cards).where(skill_cards.c.origin == origin, skill_cards.c.rep == rep)
            )
            if rows:
                conn.execute(insert(skill_cards), rows)

    def cards(self, rep: str | None = None) -> list[RepSkillCard]:
        query = select(skill_cards).order_by(
            skill_cards.c.rep, skill_cards.c.skill, skill_cards.c.origin
        )
        if rep is not None:
            query = query.where(skill_cards.c.rep == rep)
        with self.db.read() as conn:
            return [
                RepSkillCard(rep=r.rep, card=SkillCard.model_validate(r.doc), origin=r.origin)
                for r in conn.execute(query)
            ]

    def refresh_statistics(self) -> None:
        # Without this, PostgreSQL plans the first queries after a bulk load on empty-table
        # figures (measured: 49 ms instead of 2 ms for a skill filter over 10,000 sessions).
        if self.identity().role not in ("single", "owner"):
            return  # only the owner may ANALYZE (others would only get a warning)
        with self.db.write() as conn:
            if self.db.dialect == "postgresql":
                conn.execute(text("ANALYZE " + ", ".join(t.name for t in metadata.sorted_tables)))
            else:
                conn.exec_driver_sql("PRAGMA optimize")

    # --- reading ---------------------------------------------------------------------------

    def known(self, origin: str) -> set[str]:
        query = union(
            select(sessions.c.id).where(sessions.c.origin == origin),
            *(
                select(t.c.session_id).where(t.c.origin == origin)
                for t in (comments, overrides, review_marks)
            ),
        )
        with self.db.read() as conn:
            return {str(r[0]) for r in conn.execute(query)}

    def sessions(
        self, where: SessionFilter, limit: int = 50, offset: int = 0
    ) -> list[SessionSummary]:
        s = sessions
        n_comments = select(func.count()).where(comments.c.session_id == s.c.id).scalar_subquery()
        n_overrides = select(func.count()).where(overrides.c.session_id == s.c.id).scalar_subquery()
        query = (
            select(
                s.c.id,
                s.c.rep,
                s.c.team,
                s.c.scenario_id,
                s.c.scenario_title,
                s.c.started_at,
                s.c.ended_at,
                s.c.outcome,
                s.c.overall,
                s.c.passed,
                s.c.turn_count,
                s.c.audio_purged_at,
                s.c.transcript_purged_at,
                index_rows.reviewed().label("reviewed"),
                n_comments.label("n_comments"),
                n_overrides.label("n_overrides"),
            )
            .where(*index_rows.conditions(where))
            .order_by(s.c.started_at.desc(), s.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with values(self.db, sessions), self.db.read() as conn:
            return [index_rows.summary(r) for r in conn.execute(query)]

    def records(self, origin: str) -> list[tuple[SessionRecord, float | None]]:
        # The stored JSON as text, parsed by pydantic in one step (the JSON type would decode
        # it to dicts first: twice the work at thousands of rows).
        query = select(cast(sessions.c.record, Text), sessions.c.overall, sessions.c.id).where(
            sessions.c.origin == origin
        )
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        try:
            return [(SessionRecord.model_validate_json(r[0]), r[1]) for r in rows]
        except ValueError:  # one of another shape: said by row (the loop costs only then)
            for r in rows:
                parsed(self.db, "sessions", r[2], "record", _record, r[0], origin)
            raise

    def lines(self, origin: str) -> list[tuple[SessionLine, float | None]]:
        s = sessions
        query = select(
            s.c.id, s.c.rep, s.c.mode, s.c.started_at, s.c.ended_at, s.c.outcome, s.c.overall
        ).where(s.c.origin == origin)
        with values(self.db, sessions), self.db.read() as conn:
            rows = conn.execute(query).all()
        return [(SessionLine(r[0], r[1], r[2], r[3], r[4], r[5]), r[6]) for r in rows]

    def newest(self, origin: str) -> tuple[str, datetime] | None:
        query = (
            select(sessions.c.id, sessions.c.started_at)
            .where(sessions.c.origin == origin)
            .order_by(sessions.c.started_at.desc(), sessions.c.id.desc())
            .limit(1)
        )
        with values(self.db, sessions), self.db.read() as conn:
            row = conn.execute(query).first()
        return None if row is None else (str(row[0]), row[1])

    def session(self, session_id: str) -> SessionView | None:
        with values(self.db, sessions, comments, overrides, review_marks), self.db.read() as conn:
            row = conn.execute(select(sessions).where(sessions.c.id == session_id)).first()
            if row is None:
                return None
            turn_rows = conn.execute(
                select(turns.c.doc, turns.c.audio, turns.c.idx)
                .where(turns.c.session_id == session_id)
                .order_by(turns.c.idx)
            ).all()
            comment_rows = conn.execute(
                select(comments).where(comments.c.session_id == session_id)
            ).all()
            override_rows = conn.execute(
                select(overrides).where(overrides.c.session_id == session_id)
            ).all()
            mark_rows = conn.execute(
                select(review_marks).where(review_marks.c.session_id == session_id)
            ).all()
        marks = tuple(
            sorted(
                (
                    ReviewedMark(id=m.id, author=m.author, at=m.reviewed_at, reviewed=m.reviewed)
                    for m in mark_rows
                ),
                key=lambda m: (m.at, m.id),
            )
        )
        db, sid = self.db, session_id
        return SessionView(
            record=parsed(db, "sessions", sid, "record", _record, row.record, row.origin),
            turns=tuple(
                parsed(db, "turns", f"{sid}, {t.idx}", "doc", Turn.model_validate, t.doc)
                for t in turn_rows
            ),
            scorecard=parsed(db, "sessions", sid, "scorecard", _scorecard, row.scorecard),
            comments=tuple(
                sorted((index_rows.comment(c) for c in comment_rows), key=lambda c: (c.at, c.id))
            ),
            overrides=tuple(
                sorted((index_rows.override(o) for o in override_rows), key=lambda o: (o.at, o.id))
            ),
            reviewed=marks_in_force(marks),
            retention=Retention(
                audio_purged_at=row.audio_purged_at, transcript_purged_at=row.transcript_purged_at
            ),
            audio={t.idx: t.audio for t in turn_rows if t.audio},
            origin=row.origin,
            marks=marks,
        )

    def matching(self, prefix: str, limit: int = 5) -> list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (
            select(sessions.c.id)
            .where(sessions.c.id.like(escaped + "%", escape="\\"))
            .order_by(sessions.c.started_at.desc())
            .limit(limit)
        )
        with self.db.read() as conn:
            return [str(r[0]) for r in conn.execute(query)]

    def human_levels(self, rubric: str | None = None) -> list[HumanLevel]:
        query = select(overrides).join(sessions, sessions.c.id == overrides.c.session_id)
        if rubric is not None:
            query = query.where(sessions.c.rubric_id == rubric)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        by_session: dict[str, list[Override]] = {}
        for r in rows:
            by_session.setdefault(r.session_id, []).append(index_rows.override(r))
        return sorted(
            HumanLevel(sid, criterion, o.level)
            for sid, items in by_session.items()
            for criterion, o in human_levels(items).items()
        )

    def scored(self, where: SessionFilter) -> list[ScoredSession]:
        s = sessions
        conditions = [*index_rows.conditions(where), s.c.overall.is_not(None)]
        with values(self.db, sessions, overrides), self.db.read() as conn:
            rows = conn.execute(
                select(
                    s.c.id,
                    s.c.rep,
                    s.c.team,
                    s.c.scenario_id,
                    s.c.started_at,
                    s.c.overall,
                    s.c.passed,
                    s.c.scorecard,
                )
                .where(*conditions)
                .order_by(s.c.started_at, s.c.id)
            ).all()
            ids = select(s.c.id).where(*conditions)
            levels = index_rows.levels_by_session(
                conn.execute(select(criterion_scores).where(criterion_scores.c.session_id.in_(ids)))
            )
            by_session: dict[str, list[Override]] = {}
            for o in conn.execute(select(overrides).where(overrides.c.session_id.in_(ids))):
                by_session.setdefault(o.session_id, []).append(index_rows.override(o))
        return [
            index_rows.scored_session(
                r,
                levels.get(r.id, {}),
                parsed(self.db, "sessions", r.id, "scorecard", _kpis, r.scorecard),
                human={k: o.level for k, o in human_levels(by_session.get(r.id, [])).items()},
                overrides=index_rows.by_criterion(by_session.get(r.id, [])),
            )
            for r in rows
        ]


def _record(doc: object) -> SessionRecord:
    """A stored session document (JSON text, or decoded by the JSON column)."""
    if isinstance(doc, str | bytes):
        return SessionRecord.model_validate_json(doc)
    return SessionRecord.model_validate(doc)


def _scorecard(doc: Any) -> Scorecard | None:
    return Scorecard.model_validate(doc) if doc else None


def _kpis(doc: Any) -> Kpis | None:
    return Kpis.model_validate(doc["kpis"]) if doc else None
