"""Assignments, business outcomes and the sessions they are judged by, in the index database.

Beside SqlIndex (same connection, same transactions, same refusals): on a shared PostgreSQL
index the database decides who reads and writes what (migration 0004); this module only turns a
refusal into one clear line. Outcomes are imported in one transaction, as upserts keyed by rep,
period and metric, so a file imported twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row, and_, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from roleplay.adapters import index_rows, sql_team
from roleplay.adapters.index_schema import (
    assignments,
    criterion_scores,
    outcome_metrics,
    outcomes,
    sessions,
)
from roleplay.adapters.sql_index import SqlIndex
from roleplay.adapters.sql_team import refusals
from roleplay.domain.assignments import Assignment, Attempt
from roleplay.domain.call import OUTSIDE_CALL
from roleplay.domain.history import SessionFilter
from roleplay.domain.kpis import stored_fields
from roleplay.domain.outcomes import Direction, Outcome
from roleplay.domain.roles import Identity
from roleplay.services.ports import SessionIndex
from roleplay.services.team_data import Practice


def team_data(index: SessionIndex) -> SqlTeamData:
    from roleplay.adapters.sqlite_index import SqliteIndex

    if isinstance(index, SqliteIndex):  # the local writer: the SQL index is behind it
        index = index.full()
    assert isinstance(index, SqlIndex), "assignments and outcomes live in the SQL index"
    return SqlTeamData(index)


class SqlTeamData:
    def __init__(self, index: SqlIndex) -> None:
        self.index = index
        self.db = index.db

    def identity(self) -> Identity:
        return self.index.identity()

    def describe(self) -> str:
        return self.index.describe()

    def reps(self) -> list[str]:
        """Everyone who can be assigned practice: the team's logins on a shared index, the
        reps of the indexed sessions on a single-user one."""
        if self.db.dialect == "postgresql" and self.identity().shared:
            with self.db.read() as conn:
                return sorted(login for login, _role in sql_team.members(conn))
        with self.db.read() as conn:
            return [str(r[0]) for r in conn.execute(select(sessions.c.rep).distinct())]

    def known_reps(self) -> list[str]:
        """Every rep name the index knows and this login may read: `reps()`, and the reps
        of the sessions and of the assignments (a login since removed still has sessions)."""
        names = set(self.reps())
        with self.db.read() as conn:
            names.update(str(r[0]) for r in conn.execute(select(sessions.c.rep).distinct()))
            names.update(
                str(r[0])
                for r in conn.execute(select(assignments.c.rep).distinct())
                if r[0] is not None
            )
        return sorted(names)

    def known_teams(self) -> list[str]:
        with self.db.read() as conn:
            found = conn.execute(select(sessions.c.team).distinct())
            return sorted(str(r[0]) for r in found if r[0])

    # --- assignments -------------------------------------------------------------------

    def assignments(self, rep: str | None = None, withdrawn: bool = False) -> list[Assignment]:
        a = assignments
        query = select(a).order_by(a.c.created_at, a.c.id)
        if rep is not None:
            query = query.where(or_(a.c.rep.is_(None), a.c.rep == rep))
        if not withdrawn:
            query = query.where(a.c.withdrawn_at.is_(None))
        with self.db.read() as conn:
            return [_assignment(r) for r in conn.execute(query)]

    def add_assignment(self, item: Assignment) -> None:
        row = {
            "id": item.id,
            "scenario_id": item.scenario,
            "drill_id": item.drill,
            "rep": item.rep,
            "author": item.author,
            "created_at": item.created_at,
            "due": item.due,
            "per_week": item.per_week,
            "note": item.note,
            "pass_score": item.pass_score,
        }
        with refusals(self.db, self.identity().login), self.db.write() as conn:
            conn.execute(insert(assignments), [row])

    def change_assignment(self, assignment_id: str, values: dict[str, Any]) -> None:
        with refusals(self.db, self.identity().login), self.db.write() as conn:
            conn.execute(
                update(assignments).where(assignments.c.id == assignment_id).values(**values)
            )

    def attempts(
        self, scenarios: Iterable[str], since: datetime, rep: str | None = None
    ) -> list[Attempt]:
        """Scored sessions of these scenarios since `since` (all reps the login may read)."""
        s = sessions
        drill = s.c.record[("drill", "id")].as_string()
        query = select(s.c.rep, s.c.scenario_id, drill, s.c.started_at, s.c.ended_at, s.c.overall)
        query = query.where(
            s.c.scenario_id.in_(sorted(set(scenarios))),
            s.c.started_at >= since,
            s.c.overall.is_not(None),
        )
        if rep is not None:
            query = query.where(s.c.rep == rep)
        with self.db.read() as conn:
            return [
                Attempt(
                    rep=r[0],
                    scenario=r[1],
                    drill=r[2],
                    started_at=r[3],
                    minutes=_minutes(r[3], r[4]),
                    overall=r[5],
                )
                for r in conn.execute(query)
            ]

    # --- practice for the team view and the report ---------------------------------------

    def practice(
        self,
        since: datetime,
        until: datetime,
        team: str | None = None,
        rep: str | None = None,
        scored_since: datetime | None = None,
    ) -> Practice:
        """Narrow columns, and of each scorecard only the KPI fields the KPI table reads
        (kpis.stored_fields; PostgreSQL hands over the KPIs as one small JSON value): no
        scorecard document is decoded in Python, so a year of a team's sessions reads in
        well under a second."""
        s = sessions
        where = [
            *index_rows.conditions(SessionFilter(team=team, rep=rep, since=since, until=until)),
            s.c.overall.is_not(None),
        ]
        fields = stored_fields()
        nested = self.db.dialect == "postgresql"  # one JSON value per row there (kpis_column)
        rows_q = (
            select(
                s.c.id,
                s.c.rep,
                s.c.team,
                s.c.scenario_id,
                s.c.started_at,
                s.c.ended_at,
                s.c.overall,
                s.c.passed,
                *([index_rows.kpis_column()] if nested else index_rows.kpi_columns(fields)),
            )
            .where(*where)
            .order_by(s.c.started_at, s.c.id)
        )
        c = criterion_scores
        levels_q = (
            select(c.c.session_id, c.c.criterion_id, c.c.skill, c.c.level)
            .join(s, s.c.id == c.c.session_id)
            .where(*where)
        )
        with self.db.read() as conn:
            rows = conn.execute(rows_q).all()
            levels = index_rows.levels_by_session(conn.execute(levels_q))
        kpis = index_rows.light_kpis(fields, nested)
        scored = [
            index_rows.scored_session(r, levels.get(r.id, {}), kpis(r))
            for r in rows
            if scored_since is None or r.started_at >= scored_since
        ]
        return Practice(rows, levels, scored)

    def first_practice(self) -> dict[str, datetime]:
        """When each rep first practised (a scored session that was not a real call)."""
        s = sessions
        query = (
            select(s.c.rep, func.min(s.c.started_at))
            .where(s.c.overall.is_not(None), s.c.scenario_id != OUTSIDE_CALL)
            .group_by(s.c.rep)
        )
        with self.db.read() as conn:
            return {str(r[0]): index_rows.utc(r[1]) for r in conn.execute(query)}

    # --- outcomes ------------------------------------------------------------------------

    def import_outcomes(
        self, rows: Sequence[Outcome], directions: dict[str, Direction], now: datetime
    ) -> tuple[int, int, int]:
        """Upsert every row in one transaction: (added, changed, unchanged)."""
        o = outcomes
        keys = {(r.rep, r.period_start, r.metric) for r in rows}
        with refusals(self.db, self.identity().login), self.db.write() as conn:
            existing: dict[tuple[str, date, str], float] = {}
            metrics = sorted({r.metric for r in rows})
            for row in conn.execute(
                select(o.c.rep, o.c.period_start, o.c.metric, o.c.value).where(
                    o.c.metric.in_(metrics)
                )
            ):
                if (row[0], row[1], row[2]) in keys:
                    existing[(row[0], row[1], row[2])] = row[3]
            added = changed = 0
            todo = []
            for r in rows:
                before = existing.get((r.rep, r.period_start, r.metric))
                if before is None:
                    added += 1
                elif before != r.value:
                    changed += 1
                else:
                    continue
                todo.append(
                    {
                        "rep": r.rep,
                        "period_start": r.period_start,
                        "metric": r.metric,
                        "value": r.value,
                        "source": r.source,
                        "imported_at": now,
                    }
                )
            if todo:
                stmt = self._dialect().insert(o)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[o.c.rep, o.c.period_start, o.c.metric],
                        set_={
                            "value": stmt.excluded.value,
                            "source": stmt.excluded.source,
                            "imported_at": stmt.excluded.imported_at,
                        },
                    ),
                    todo,
                )
            if directions:
                stmt = self._dialect().insert(outcome_metrics)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[outcome_metrics.c.metric],
                        set_={"direction": stmt.excluded.direction},
                    ),
                    [{"metric": m, "direction": d} for m, d in sorted(directions.items())],
                )
        return added, changed, len(rows) - added - changed

    def outcomes(
        self, since: date | None = None, until: date | None = None, rep: str | None = None
    ) -> list[Outcome]:
        o = outcomes
        where = []
        if since is not None:
            where.append(o.c.period_start >= since)
        if until is not None:
            where.append(o.c.period_start < until)
        if rep is not None:
            where.append(o.c.rep == rep)
        query = select(o).where(and_(True, *where)).order_by(o.c.metric, o.c.rep, o.c.period_start)
        with self.db.read() as conn:
            return [
                Outcome(r.rep, r.period_start, r.metric, r.value, r.source)
                for r in conn.execute(query)
            ]

    def directions(self) -> dict[str, Direction]:
        with self.db.read() as conn:
            return {str(r.metric): r.direction for r in conn.execute(select(outcome_metrics))}

    def count_outcomes(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(outcomes)).scalar() or 0)

    def _dialect(self) -> Any:
        return postgresql if self.db.dialect == "postgresql" else sqlite


def _assignment(r: Row[Any]) -> Assignment:
    return Assignment(
        id=r.id,
        scenario=r.scenario_id,
        drill=r.drill_id,
        rep=r.rep,
        author=r.author,
        created_at=r.created_at,
        due=r.due,
        per_week=r.per_week,
        note=r.note,
        pass_score=r.pass_score,
        changed_at=r.changed_at,
        withdrawn_at=r.withdrawn_at,
    )


def _minutes(start: datetime, end: datetime | None) -> float:
    if end is None:
        return 0.0
    return max(0.0, (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 60)
