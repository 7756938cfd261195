"""Rows of the index database <-> our models, and the query pieces every list shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Label, and_, exists, literal, tuple_

# The writers' rows live beside (no database library there); sql_index reads them here.
from roleplay.adapters.index_documents import CHUNK as CHUNK
from roleplay.adapters.index_documents import chunks as chunks
from roleplay.adapters.index_documents import score_rows as score_rows
from roleplay.adapters.index_documents import session_row as session_row
from roleplay.adapters.index_documents import turn_rows as turn_rows
from roleplay.adapters.index_schema import criterion_scores, review_marks, sessions
from roleplay.domain.history import ScoredSession, SessionFilter, SessionSummary
from roleplay.domain.kpis import Kpis
from roleplay.domain.review import Comment, Override

Levels = dict[str, tuple[str, int | None]]  # criterion id -> (skill, judge level)


def reviewed() -> Any:
    """Some reviewer's newest mark on the session says reviewed."""
    mark, later = review_marks.alias("mark"), review_marks.alias("later")
    newer = exists().where(
        later.c.session_id == mark.c.session_id,
        later.c.author == mark.c.author,
        tuple_(later.c.reviewed_at, later.c.id) > tuple_(mark.c.reviewed_at, mark.c.id),
    )
    return exists().where(mark.c.session_id == sessions.c.id, mark.c.reviewed, ~newer)


def conditions(where: SessionFilter) -> list[ColumnElement[bool]]:
    s = sessions
    out: list[ColumnElement[bool]] = []
    if where.rep is not None:
        out.append(s.c.rep == where.rep)
    if where.team is not None:
        out.append(s.c.team == where.team)
    if where.scenario is not None:
        out.append(s.c.scenario_id == where.scenario)
    if where.skill is not None:
        out.append(
            exists().where(
                and_(
                    criterion_scores.c.session_id == s.c.id,
                    criterion_scores.c.skill == where.skill,
                )
            )
        )
    if where.since is not None:
        out.append(s.c.started_at >= where.since)
    if where.until is not None:
        out.append(s.c.started_at < where.until)
    if where.min_score is not None:
        out.append(s.c.overall >= where.min_score)
    if where.max_score is not None:
        out.append(s.c.overall <= where.max_score)
    if where.reviewed is not None:
        out.append(reviewed() if where.reviewed else ~reviewed())
    return out or [literal(True)]


def summary(r: Any) -> SessionSummary:
    return SessionSummary(
        id=r.id,
        rep=r.rep,
        team=r.team,
        scenario=r.scenario_id,
        scenario_title=r.scenario_title,
        started_at=r.started_at,
        ended_at=r.ended_at,
        outcome=r.outcome,
        overall=r.overall,
        passed=r.passed,
        turns=r.turn_count,
        reviewed=bool(r.reviewed),
        comments=int(r.n_comments),
        overrides=int(r.n_overrides),
        audio_purged=r.audio_purged_at is not None,
        transcript_purged=r.transcript_purged_at is not None,
    )


def scored_session(
    r: Any,
    levels: Levels,
    kpis: Kpis | None,
    human: dict[str, int] | None = None,
    overrides: dict[str, tuple[Override, ...]] | None = None,
) -> ScoredSession:
    """A session row (id, rep, team, scenario_id, started_at, overall, passed) as a report
    reads it: the full one (reviewers' levels, every KPI) and the HTML report's light one."""
    return ScoredSession(
        id=r.id,
        rep=r.rep,
        team=r.team,
        scenario=r.scenario_id,
        started_at=r.started_at,
        overall=r.overall,
        passed=r.passed,
        levels=levels,
        human=human or {},
        kpis=kpis,
        overrides=overrides or {},
    )


def levels_by_session(rows: Iterable[Any]) -> dict[str, Levels]:
    """Criterion rows (session_id, criterion_id, skill, level) -> session id -> levels."""
    out: dict[str, Levels] = {}
    for c in rows:
        out.setdefault(c.session_id, {})[c.criterion_id] = (c.skill, c.level)
    return out


def kpi_columns(fields: Iterable[str]) -> list[Label[Any]]:
    """These KPI fields read inside the database, one column each: no scorecard document
    is decoded in Python."""
    return [sessions.c.scorecard[("kpis", name)].as_float().label(name) for name in fields]


def kpis_column() -> Label[Any]:
    """The scorecard's KPIs as one JSON value, `kpis` (PostgreSQL: each of kpi_columns would
    read the whole stored scorecard again; measured 0.7 s of a year's 1 s query)."""
    return sessions.c.scorecard["kpis"].label("kpis")


def light_kpis(fields: tuple[str, ...], nested: bool) -> Callable[[Any], Kpis | None]:
    """Row (with kpi_columns(fields), or with kpis_column() when `nested`) -> Kpis holding
    only those fields, as floats (the others unset): a copy of one empty model, cheaper than
    model_construct per row."""
    none: dict[str, Any] = {}
    empty = Kpis.model_construct(**none)

    def kpis(row: Any) -> Kpis | None:
        if nested:
            found = row.kpis or {}
            values = {k: None if found.get(k) is None else float(found[k]) for k in fields}
        else:
            values = {k: getattr(row, k) for k in fields}
        if values.get("questions_open") is None or values.get("questions_closed") is None:
            return None  # no KPIs in the scorecard
        return empty.model_copy(update=values)

    return kpis


def utc(value: datetime | str) -> datetime:
    """A stored time as aware UTC (SQLite hands an aggregate back as text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def comment(r: Any) -> Comment:
    return Comment(id=r.id, author=r.author, at=r.created_at, turn=r.turn, text=r.text)


def override(r: Any) -> Override:
    return Override(
        id=r.id,
        author=r.author,
        at=r.created_at,
        criterion=r.criterion_id,
        level=r.level,
        reason=r.reason,
    )


def by_criterion(items: list[Override]) -> dict[str, tuple[Override, ...]]:
    out: dict[str, list[Override]] = {}
    for o in sorted(items, key=lambda o: (o.at, o.id)):
        out.setdefault(o.criterion, []).append(o)
    return {k: tuple(v) for k, v in out.items()}
