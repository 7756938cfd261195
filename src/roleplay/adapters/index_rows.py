"""Rows of the index database <-> our models, and the query pieces every list shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Label, and_, exists, literal, tuple_

from roleplay.adapters.index_schema import criterion_scores, review_marks, sessions
from roleplay.domain.history import ScoredSession, SessionFiles, SessionFilter, SessionSummary
from roleplay.domain.kpis import Kpis
from roleplay.domain.review import Comment, Override

Levels = dict[str, tuple[str, int | None]]  # criterion id -> (skill, judge level)

CHUNK = 500  # ids per IN (...) clause


def session_row(f: SessionFiles, now: datetime) -> dict[str, Any]:
    assert f.transcript is not None
    r = f.transcript.record
    card = f.scorecard
    return {
        "id": r.id,
        "origin": f.origin,
        "rep": r.rep,
        "team": r.team,
        "scenario_id": r.scenario.id,
        "scenario_version": r.scenario.version,
        "scenario_title": r.scenario.title,
        "rubric_id": r.rubric.id,
        "rubric_version": r.rubric.version,
        "language": r.language,
        "mode": r.mode,
        "started_at": r.started_at,
        "ended_at": r.ended_at,
        "outcome": r.outcome,
        "turn_count": len(f.transcript.turns),
        "overall": card.overall if card else None,
        "passed": card.passed if card else None,
        "judge": card.judge if card else None,
        "record": r.model_dump(mode="json"),
        "scorecard": card.model_dump(mode="json") if card else None,
        "indexed_at": now,
        "audio_purged_at": f.retention.audio_purged_at,
        "transcript_purged_at": f.retention.transcript_purged_at,
    }


def turn_rows(f: SessionFiles) -> Iterable[dict[str, Any]]:
    assert f.transcript is not None
    for t in f.transcript.turns:
        yield {
            "session_id": f.session_id,
            "idx": t.index,
            "speaker": t.speaker,
            "text": t.text,
            "audio": f.audio.get(t.index),
            "doc": t.model_dump(mode="json"),
        }


def score_rows(f: SessionFiles) -> Iterable[dict[str, Any]]:
    if f.scorecard is None:
        return
    for c in f.scorecard.criteria:
        yield {
            "session_id": f.session_id,
            "criterion_id": c.id,
            "name": c.name,
            "skill": c.skill,
            "weight": c.weight,
            "level": c.level,
            "unsupported": c.unsupported,
        }


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


def chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]
