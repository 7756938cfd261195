"""Team reports: per-rep and per-skill trends and the KPIs over time.

HTML shows the trends as plots (one self-contained file); CSV and JSON carry the data, one row
per session and criterion, for a spreadsheet or another tool. Trends use the judge's levels;
reviewers' overrides are listed beside them in the data (`human_level`), never mixed in.
"""

from __future__ import annotations

import csv
import gc
import io
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from statistics import fmean
from typing import TYPE_CHECKING, Any, Literal

from roleplay import __version__
from roleplay.domain.call import OUTSIDE_CALL
from roleplay.domain.history import ScoredSession, SessionFilter
from roleplay.domain.kpis import Kpi, Kpis, tracked
from roleplay.domain.trends import Bucket, bucket_for, bucket_start, bucketed, trend
from roleplay.services.export import redact
from roleplay.services.index import Indexer
from roleplay.services.ports import Charts, Clock, Templates

if TYPE_CHECKING:
    from roleplay.domain.assignments import Progress
    from roleplay.services.report_team import TeamSections
    from roleplay.services.team_data import TeamData

ReportFormat = Literal["html", "csv", "json"]
LEVELS = (0.8, 5.2)  # levels 1-5, with room for the markers at the ends
MAX_LINES = 8  # more reps than this: charts show the team mean (per-rep numbers in tables)
MAX_REP_CHARTS = 12  # a chart per rep up to this many reps (`--rep` shows any one)

# A row's columns; then one per tracked KPI (domain/kpis.py), in the table's order.
COLUMNS = [
    "session",
    "started_at",
    "rep",
    "team",
    "scenario",
    "overall",
    "passed",
    "criterion",
    "skill",
    "judge_level",
    "human_level",
    "kind",
    "human_history",
]


def csv_columns() -> list[str]:
    return [*COLUMNS, *(k.key for k in tracked())]


def _plotted(kpi: Kpi, k: Kpis) -> float | None:
    """A KPI as its trend shows it: a share as a percentage."""
    value = kpi.value(k)
    return None if value is None else (100 * value if kpi.share else float(value))


@dataclass(frozen=True)
class TeamReport:
    since: datetime
    until: datetime
    team: str | None
    rep: str | None
    sessions: tuple[ScoredSession, ...]
    team_sections: TeamSections | None = None  # team view, outcomes, effect statistics

    @property
    def bucket(self) -> Bucket:
        return bucket_for(self.since, self.until)

    @property
    def reps(self) -> list[str]:
        return sorted({s.rep for s in self.sessions})

    @property
    def practice(self) -> tuple[ScoredSession, ...]:
        """The practice sessions: what the trends are drawn from (real calls are work)."""
        return tuple(s for s in self.sessions if s.scenario != OUTSIDE_CALL)

    @property
    def real_calls(self) -> int:
        return sum(1 for s in self.sessions if s.scenario == OUTSIDE_CALL)

    @property
    def title(self) -> str:
        who = f"team {self.team}" if self.team else (f"rep {self.rep}" if self.rep else "everyone")
        return f"Practice report: {who}, {self.since:%Y-%m-%d} to {self.until:%Y-%m-%d}"


class Reports:
    def __init__(
        self,
        indexer: Indexer,
        clock: Clock,
        secrets: Callable[[], Sequence[str]] = tuple,
        *,
        charts: Charts,
        templates: Templates,
        team_data: Callable[[], TeamData] | None = None,
        statuses: Callable[[str | None], list[Progress]] | None = None,
        tz: Callable[[], tzinfo] = lambda: UTC,
    ) -> None:
        self.indexer = indexer
        self.clock = clock
        self._secrets = secrets
        self._charts = charts
        self._templates = templates
        self._team_data = team_data
        self._statuses = statuses or (lambda rep: [])
        self._tz = tz

    def render(self, report: TeamReport, fmt: ReportFormat) -> str:
        """The report as HTML (plots), CSV or JSON (data), secrets redacted."""
        return render(report, fmt, self._secrets(), charts=self._charts, templates=self._templates)

    def build(
        self,
        *,
        since: datetime,
        team: str | None = None,
        rep: str | None = None,
        until: datetime | None = None,
        detail: bool = True,
    ) -> TeamReport:
        """Scored sessions in the period. `detail`: every criterion with the reviewers'
        levels, for CSV and JSON; without it, what the HTML report plots, read lightly, and
        the team's sections (team view, outcomes, effect). Raises IndexUnavailable."""
        until = until or self.clock.now()
        where = SessionFilter(team=team, rep=rep, since=since, until=until)
        if detail or self._team_data is None:
            scored = self.indexer.index().scored(where)
            return TeamReport(since, until, team, rep, tuple(scored))
        # The HTML report: narrow rows read once, for the trends and the team's sections.
        from roleplay.services.report_team import build_sections

        self.indexer.index()  # opened and caught up with the recordings first
        data = self._team_data()
        with _no_gc_pauses():
            sections, light = build_sections(
                data,
                lambda: self._statuses(rep),
                since=since,
                until=until,
                team=team,
                rep=rep,
                tz=self._tz(),
            )
        return TeamReport(since, until, team, rep, tuple(light), sections)

    def summary(self, report: TeamReport) -> str:
        """A few lines for the terminal, secrets redacted."""
        from roleplay.services.report_team import summary_text

        practice = report.practice
        lines = summary_text(
            report.title,
            len(practice),
            len({s.rep for s in practice}),
            report.team_sections,
            real_calls=report.real_calls,
        )
        return redact("\n".join(lines), self._secrets())


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """A year of a team is ~100,000 short-lived rows: the cyclic collector would walk them all
    again and again while they are made (measured: about half the build time). Whatever
    cycles they make are collected once it is enabled again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def render(
    report: TeamReport,
    fmt: ReportFormat,
    secrets: Sequence[str] = (),
    *,
    charts: Charts,
    templates: Templates,
) -> str:
    if fmt == "csv":
        text = csv_text(report)
    elif fmt == "json":
        text = json.dumps(
            {"title": report.title, "rows": rows(report)}, indent=2, ensure_ascii=False
        )
    else:
        with _no_gc_pauses():  # the charts make many short-lived objects too
            text = html_text(report, charts, templates)
    return redact(text, secrets)


def rows(report: TeamReport) -> list[dict[str, Any]]:
    """One row per session and criterion (one row for a session without criteria)."""
    out: list[dict[str, Any]] = []
    for s in report.sessions:
        k = s.kpis
        base = {
            "session": s.id,
            "started_at": s.started_at.isoformat(),
            "rep": s.rep,
            "team": s.team,
            "scenario": s.scenario,
            "overall": s.overall,
            "passed": s.passed,
            **{kpi.key: kpi.value(k) if k else None for kpi in tracked()},
            "kind": "real call" if s.scenario == OUTSIDE_CALL else "practice",
        }
        criteria: list[tuple[str | None, tuple[str | None, int | None]]] = [
            *sorted(s.levels.items())
        ] or [(None, (None, None))]
        for criterion, (skill, level) in criteria:
            human = s.human.get(criterion) if criterion else None
            out.append(
                {
                    **base,
                    "criterion": criterion,
                    "skill": skill,
                    "judge_level": level,
                    "human_level": human,
                    "human_history": s.human_history(criterion) if criterion else "",
                }
            )
    columns = csv_columns()
    return [{c: r[c] for c in columns} for r in out]


def _cell(value: Any) -> Any:
    # A spreadsheet runs a cell starting with = + - @ as a formula: quote such text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def csv_text(report: TeamReport) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    columns = csv_columns()
    writer.writerow(columns)
    for r in rows(report):
        writer.writerow([_cell(r[c]) for c in columns])
    return buf.getvalue()


def rep_summary(report: TeamReport) -> list[dict[str, Any]]:
    out = []
    by_rep: dict[str, list[ScoredSession]] = {}
    for s in report.sessions:  # once, not once per rep
        by_rep.setdefault(s.rep, []).append(s)
    for rep in report.reps:
        # Real calls are work, not practice: counted apart and shown beside practice.
        everything = by_rep[rep]
        real = [s.overall for s in everything if s.scenario == OUTSIDE_CALL and s.overall]
        mine = [s for s in everything if s.scenario != OUTSIDE_CALL]
        scores = [s.overall for s in mine if s.overall is not None]
        passed = [s for s in mine if s.passed]
        out.append(
            {
                "rep": rep,
                "sessions": len(mine),
                "mean": round(fmean(scores), 2) if scores else None,
                "first": scores[0] if scores else None,
                "last": scores[-1] if scores else None,
                "pass_rate": round(100 * len(passed) / len(mine)) if mine else None,
                "last_practice": mine[-1].started_at if mine else None,
                "real_calls": len(real),
                "real_mean": round(fmean(real), 2) if real else None,
            }
        )
    return out


def html_text(report: TeamReport, charts: Charts, templates: Templates) -> str:
    by = report.bucket
    # The trends are practice: a real call's levels and numbers are work, shown apart (the
    # reps' table and the team's real-call line), never a point on a practice line.
    sessions = report.practice
    practising = sorted({s.rep for s in sessions})
    period = (report.since.date(), report.until.date())
    figures: list[tuple[str, str]] = []
    many = len(practising) > MAX_LINES
    who = "(team mean)" if many else "by rep"

    names = ["team" if many else s.rep for s in sessions]  # the line each session is on
    days = [bucket_start(s.started_at, by) for s in sessions]  # its point on that line

    if sessions:
        overall = bucketed(
            (name, day, s.overall) for name, day, s in zip(names, days, sessions, strict=True)
        )
        figures.append(
            (
                f"Overall score {who}",
                charts.trend(
                    overall,
                    title=f"Overall score {who}",
                    ylabel="overall (1-5)",
                    ylim=LEVELS,
                    salt="overall",
                    xlim=period,
                ),
            )
        )
        skills = bucketed(
            (skill, day, level)
            for day, s in zip(days, sessions, strict=True)
            for skill, level in s.levels.values()
        )
        figures.append(
            (
                "Level by skill, whole group",
                charts.trend(
                    skills,
                    title="Level by skill (mean of the judge's levels)",
                    ylabel="level (1-5)",
                    ylim=LEVELS,
                    salt="skills",
                    xlim=period,
                ),
            )
        )
        for kpi in tracked():
            series = bucketed(
                (name, day, _plotted(kpi, s.kpis))
                for name, day, s in zip(names, days, sessions, strict=True)
                if s.kpis
            )
            if series:
                figures.append(
                    (
                        kpi.label,
                        charts.trend(
                            series,
                            title=f"{kpi.label} {who}",
                            ylabel=kpi.unit,
                            ylim=(0, 100) if kpi.share else None,
                            salt=f"kpi-{kpi.key}",
                            xlim=period,
                        ),
                    )
                )
    per_rep: list[tuple[str, str]] = []
    for rep in practising if len(practising) <= MAX_REP_CHARTS else []:
        mine = [s for s in sessions if s.rep == rep]
        series = trend(
            [(skill, s.started_at, level) for s in mine for skill, level in s.levels.values()], by
        )
        per_rep.append(
            (
                rep,
                charts.trend(
                    series,
                    title=f"{rep}: level by skill",
                    ylabel="level (1-5)",
                    ylim=LEVELS,
                    salt=f"rep-{rep}",
                    xlim=period,
                ),
            )
        )
    from roleplay.services.report_team import figures as team_figures

    t = report.team_sections
    return templates.render(
        "report.html.j2",
        report=report,
        team=t,
        team_figures=team_figures(t, period, charts) if t else [],
        max_rep_charts=MAX_REP_CHARTS,
        practising=practising,
        summary=rep_summary(report),
        figures=figures,
        per_rep=per_rep,
        bucket="day" if by == "day" else "week (Monday to Sunday)",
        version=__version__,
    )
