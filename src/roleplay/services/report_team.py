"""The report's team parts: the team view, practice beside real calls and business outcomes
over time, and the effect statistics; plus the short summary printed on a terminal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from statistics import fmean
from typing import TYPE_CHECKING

from roleplay.domain.assignments import Progress
from roleplay.domain.call import OUTSIDE_CALL
from roleplay.domain.history import ScoredSession
from roleplay.domain.outcomes import Direction
from roleplay.domain.trends import Series
from roleplay.errors import RoleplayError
from roleplay.services.team_data import TeamData
from roleplay.services.team_view import TeamView, monday
from roleplay.services.team_view import build as build_view

if TYPE_CHECKING:
    from roleplay.services.effect import Effect
    from roleplay.services.ports import Charts

LEVELS = (0.8, 5.2)


@dataclass(frozen=True)
class TeamSections:
    view: TeamView | None = None
    effects: tuple[Effect, ...] = ()
    outcomes: dict[str, dict[date, list[float]]] = field(default_factory=dict)
    directions: dict[str, Direction] = field(default_factory=dict)
    problem: str | None = None  # why a part could not be made


def build_sections(
    data: TeamData,
    statuses: Callable[[], list[Progress]],
    *,
    since: datetime,
    until: datetime,
    team: str | None,
    rep: str | None,
    tz: tzinfo,
) -> tuple[TeamSections, Sequence[ScoredSession]]:
    """The sections, and the scored sessions of the period as the HTML trends read them
    (practice is read from four weeks before the first outcome period, for the practice that
    precedes it)."""
    from roleplay.services.effect import WINDOW, effect

    outcomes = data.outcomes(since.date(), until.date() + timedelta(days=1), rep)
    earliest = min((o.period_start for o in outcomes), default=since.date())
    start = min(since, datetime(earliest.year, earliest.month, earliest.day, tzinfo=since.tzinfo))
    practice = data.practice(start - WINDOW, until, team, rep, scored_since=since)
    rows = practice.rows
    problem = None
    try:
        assigned = statuses()
    except RoleplayError as exc:
        assigned, problem = [], f"assignments not shown: {exc}"
    in_period = [r for r in rows if r.started_at >= since]
    names = sorted({r.rep for r in rows})
    if team is not None:
        outcomes = [o for o in outcomes if o.rep in names]
        assigned = [p for p in assigned if p.rep in names]
    view = build_view(in_period, practice.levels, assigned, until, tz, reps=names)
    times: dict[str, list[datetime]] = defaultdict(list)
    for r in rows:
        if r.scenario_id != OUTSIDE_CALL:
            times[r.rep].append(r.started_at)
    directions = data.directions()
    first = data.first_practice()
    effects = tuple(
        effect(m, directions.get(m), outcomes, times, first)
        for m in sorted({o.metric for o in outcomes})
    )
    per_metric: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    for o in outcomes:
        per_metric[o.metric][monday(o.period_start)].append(o.value)
    sections = TeamSections(
        view=view,
        effects=effects,
        outcomes={k: dict(v) for k, v in per_metric.items()},
        directions=directions,
        problem=problem,
    )
    return sections, practice.scored


def _series(name: str, weeks: Mapping[date, list[float]]) -> Series:
    """One point per week: the mean of its values."""
    points = tuple((day, round(fmean(v), 3)) for day, v in sorted(weeks.items()) if v)
    return Series(name, points, sum(len(v) for v in weeks.values()))


def figures(t: TeamSections, period: tuple[date, date], charts: Charts) -> list[tuple[str, str]]:
    """Team charts: practice volume, skill levels, real calls, each outcome metric."""
    if t.view is None:
        return []
    v = t.view
    out: list[tuple[str, str]] = []
    total: dict[date, int] = defaultdict(int)
    for weeks in v.weekly.values():
        for week, n in weeks.items():
            total[week] += n
    if total:
        title = "Practice sessions per week, whole team"
        volume = Series("sessions", tuple((d, float(n)) for d, n in sorted(total.items())), 1)
        out.append(
            (
                title,
                charts.trend(
                    [volume], title=title, ylabel="sessions", salt="team-volume", xlim=period
                ),
            )
        )
    skills = [_series(k, w) for k, w in sorted(v.levels.items())]
    real = _series("real calls (overall)", v.real) if v.real else None
    if skills or real:
        title = "Skill levels in practice, and real-call scores (team mean per week)"
        lines = [*skills, *([real] if real else [])]
        chart = charts.trend(
            lines, title=title, ylabel="level (1-5)", ylim=LEVELS, salt="team-levels", xlim=period
        )
        out.append((title, chart))
    for metric, values in sorted(t.outcomes.items()):
        way = t.directions.get(metric)
        title = f"{metric} (team mean per week" + (f", {way} is better)" if way else ")")
        chart = charts.trend(
            [_series(metric, values)], title=title, ylabel=metric, salt=f"o-{metric}", xlim=period
        )
        out.append((title, chart))
    return out


def summary_text(
    title: str, sessions: int, reps: int, t: TeamSections | None, *, real_calls: int = 0
) -> list[str]:
    """A few lines for the terminal (the report itself goes to a file). `sessions` and `reps`:
    practice only; real calls are work, counted apart."""
    lines = [
        title,
        f"{sessions} practice session(s) by {reps} rep(s), and {real_calls} real call(s).",
    ]
    if t is None or t.view is None:
        return lines
    v = t.view
    active = sum(1 for r in v.reps if r.week_sessions)
    lines.append(f"This week (from {v.week_start}): {active} of {len(v.reps)} rep(s) practised.")
    if v.idle:
        shown = ", ".join(v.idle[:8]) + (f" and {len(v.idle) - 8} more" if len(v.idle) > 8 else "")
        lines.append(f"Not practised for 7 days or more: {shown}.")
    done = sum(r.assignments_done for r in v.reps)
    overdue = sum(r.assignments_overdue for r in v.reps)
    if done or overdue or any(r.assignments_open for r in v.reps):
        lines.append(f"Assignments: {done} done, {overdue} overdue.")
    for e in t.effects:
        lines.append(f"{e.metric}: {e.reading}")
    if t.problem:
        lines.append(t.problem)
    return lines
