"""Progress over time as data the app and reports plot: per skill, per KPI, commitments kept."""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple, cast

from roleplay.domain.habit_views import retrievability  # schedule.retrievability's figure
from roleplay.domain.kpi_rows import ROWS
from roleplay.domain.practice_days import local_day

if TYPE_CHECKING:  # the summary `progress` prints reads plain views (no pydantic, issue 18)
    from roleplay.domain.habit import HabitState, PracticeEntry
    from roleplay.domain.habit_views import PlainCard, PlainEntry, PlainState
    from roleplay.domain.schedule import SkillCard
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.shown_session import ShownCard

    AnyState = HabitState | PlainState

# The overall score, followed like the KPIs (domain/kpis.py's table) and shown first.
OVERALL = ("overall", "Overall score (1-5)", "higher")
# kpis.tracked()'s (key, label, better, format), from the table's plain rows (kpi_rows.py),
# without the Kpis model (pydantic) kpis.py defines: what `progress` reads of the table when
# nothing has loaded it (its summary, from plain views; see kpi_rows).
KPI_ROWS: tuple[tuple[str, str, str | None, str], ...] = tuple(
    (key, label, better, format) for key, label, _unit, better, format in ROWS
)
# The latest points of a series that `roleplay progress` draws (a sparkline's width); the
# schedule's quick copy keeps the KPIs of the sessions they come from (recent_kpi_sessions).
RECENT_POINTS = 24


class LevelPoint(NamedTuple):
    session: str
    day: date
    level: int
    retrievability_before: float  # 0 for the first practice


class DayPoint(NamedTuple):
    day: date
    retrievability: float  # at the end of that day


class SkillProgress(NamedTuple):
    skill: str
    reviews: int
    lapses: int
    last_level: int
    retrievability: float  # now
    stability_days: float
    due: date
    levels: tuple[LevelPoint, ...]
    daily: tuple[DayPoint, ...]


class KpiPoint(NamedTuple):
    session: str
    day: date
    value: float


class KpiSeries(NamedTuple):
    key: str
    label: str
    better: str | None
    points: tuple[KpiPoint, ...]


class CommitmentPoint(NamedTuple):
    session: str  # where it was judged
    day: date
    commitment: str
    kept: bool


class CommitmentStats(NamedTuple):
    made: int
    judged: int
    kept: int
    points: tuple[CommitmentPoint, ...]

    @property
    def rate(self) -> float | None:
        return self.kept / self.judged if self.judged else None


def skill_progress(
    state: AnyState,
    skill: str,
    now: datetime,
    tz: tzinfo,
    days: int = 90,
    last: int | None = None,
) -> SkillProgress | None:
    """None when the rep has never practised `skill`. `days`: of day-by-day retrievability,
    ending today (0: none, and no review replayed); `last`: only the latest that many levels
    (None: every review's)."""
    card = state.cards.get(skill)
    if card is None:
        return None
    sessions: Sequence[PracticeEntry | PlainEntry] = state.sessions
    shown: list[PracticeEntry | PlainEntry] = []
    if days <= 0 and last is not None:  # the latest few only: from the newest back (8,000)
        for s in reversed(sessions):
            if len(shown) >= last:
                break
            if skill in s.levels:
                shown.append(s)
        shown.reverse()
    else:
        reviewed = [s for s in sessions if skill in s.levels]
        shown = reviewed if last is None else reviewed[-last:] if last > 0 else []
    levels = tuple(
        LevelPoint(
            s.id, local_day(s.started_at, tz), s.levels[skill], s.retrievability.get(skill, 0.0)
        )
        for s in shown
    )
    today = local_day(now, tz)
    if days <= 0:  # no day-by-day series asked for: nothing to replay
        return _skill(card, skill, now, tz, levels, ())
    from roleplay.domain.schedule import review  # a replay: the scheduler and its models

    # A replay reads what only the whole state holds (each review's evidence, checkpoints).
    whole = cast("HabitState", state)
    reviews = [s for s in whole.sessions if skill in s.levels]
    first = max(local_day(reviews[0].started_at, tz), today - timedelta(days=days - 1))
    daily: list[DayPoint] = []
    replayed: SkillCard | None = None
    # From the last card kept before the first day's end (its reviews all came earlier, and
    # it is what replaying them gives), not from the first review.
    nxt = 0  # the next review to replay
    first_end = min(datetime.combine(first + timedelta(days=1), time(), tz), now)
    before = bisect_right([s.ended_at for s in reviews], first_end)
    kept = [n for n in whole.checkpoints.get(skill, {}) if n <= before]
    if kept:
        nxt = max(kept)
        replayed = whole.checkpoints[skill][nxt]
    day = first
    while day <= today:
        end = min(datetime.combine(day + timedelta(days=1), time(), tz), now)
        while nxt < len(reviews) and reviews[nxt].ended_at <= end:
            s = reviews[nxt]
            nxt += 1
            replayed = review(replayed, skill, s.levels[skill], s.ended_at, s.evidence.get(skill))
        if replayed is not None:
            daily.append(DayPoint(day, round(retrievability(replayed, end), 4)))
        day += timedelta(days=1)
    return _skill(card, skill, now, tz, levels, tuple(daily))


def _skill(
    card: SkillCard | PlainCard,
    skill: str,
    now: datetime,
    tz: tzinfo,
    levels: tuple[LevelPoint, ...],
    daily: tuple[DayPoint, ...],
) -> SkillProgress:
    return SkillProgress(
        skill=skill,
        reviews=card.reviews,
        lapses=card.lapses,
        last_level=card.last_level,
        retrievability=round(retrievability(card, now), 4),
        stability_days=round(card.stability, 2),
        due=card.due_day(tz),
        levels=levels,
        daily=daily,
    )


def kpi_rows() -> tuple[tuple[str, str, str | None, str], ...]:
    """The KPI table's (key, label, better, format): kpis.tracked() once that module is loaded
    (whatever computed, validated or changed a KPI: the table is declared there), else its
    copy KPI_ROWS (the summary `progress` prints from plain views, without pydantic)."""
    table = sys.modules.get("roleplay.domain.kpis")
    if table is None:
        return KPI_ROWS
    return tuple((k.key, k.label, k.better, k.format) for k in table.tracked())


def _followed() -> list[tuple[str, str, str | None]]:
    return [OVERALL, *((key, label, better) for key, label, better, _format in kpi_rows())]


def kpi_series(state: AnyState, tz: tzinfo, last: int | None = None) -> list[KpiSeries]:
    """Each KPI (and the overall score) per practised session, oldest first; `last`: only
    the latest that many points of each (what a sparkline shows; tens of thousands of points
    at 8,000 sessions otherwise)."""
    out: list[KpiSeries] = []
    practised = [s for s in state.sessions if s.practised]
    days: dict[str, date] = {}  # each session's local day once, not once per KPI
    for key, label, better in _followed():
        if last is None:
            valued = [(s, float(v)) for s in practised if (v := s.kpis.get(key)) is not None]
        else:  # from the newest back, as far as needed
            valued = []
            for s in reversed(practised):
                if len(valued) >= last:
                    break
                if (v := s.kpis.get(key)) is not None:
                    valued.append((s, float(v)))
            valued.reverse()
        points = tuple(
            KpiPoint(
                s.id,
                days[s.id] if s.id in days else days.setdefault(s.id, local_day(s.started_at, tz)),
                value,
            )
            for s, value in valued
        )
        if points:
            out.append(KpiSeries(key, label, better, points))
    return out


def recent_kpi_sessions(state: HabitState, last: int = RECENT_POINTS) -> set[str]:
    """Ids of the sessions the latest `last` points of every KPI series come from: with their
    KPIs alone, `kpi_series(..., last=last)` gives what it gives with every session's."""
    found: set[str] = set()
    practised = [s for s in reversed(state.sessions) if s.practised]
    for key, _label, _better in _followed():
        n = 0
        for s in practised:
            if n >= last:
                break
            if s.kpis.get(key) is not None:
                found.add(s.id)
                n += 1
    return found


def commitment_stats(state: AnyState, tz: tzinfo) -> CommitmentStats:
    points = tuple(
        CommitmentPoint(s.id, local_day(s.started_at, tz), c.commitment, c.kept)
        for s in state.sessions
        for c in s.checks
        if c.kept is not None
    )
    return CommitmentStats(
        made=sum(1 for s in state.sessions if s.commitment is not None),
        judged=len(points),
        kept=sum(1 for p in points if p.kept),
        points=points,
    )


class RealCallSkill(NamedTuple):
    skill: str
    real_level: float  # mean judge level on real calls
    practice_level: int | None  # last level in practice (None: not practised)


class RealCalls(NamedTuple):
    """Scored real calls, kept apart from practice: the soft KPI of real work next to it."""

    calls: int
    overall: float | None  # mean overall of the real calls
    practice_overall: float | None  # mean overall of practice sessions
    points: tuple[KpiPoint, ...]  # overall per real call
    skills: tuple[RealCallSkill, ...]


def real_calls(
    calls: list[tuple[str, datetime, Scorecard | ShownCard]], state: AnyState, tz: tzinfo
) -> RealCalls:
    """`calls`: (session id, started at, scorecard) of the rep's real calls, oldest first."""
    overall = [c.overall for _, _, c in calls if c.overall is not None]
    practice = [s.overall for s in state.sessions if s.practised and s.overall is not None]
    by_skill: dict[str, list[int]] = {}
    for _, _, card in calls:
        for c in card.criteria:
            if c.level is not None:
                by_skill.setdefault(c.skill, []).append(c.level)
    return RealCalls(
        calls=len(calls),
        overall=round(sum(overall) / len(overall), 2) if overall else None,
        practice_overall=round(sum(practice) / len(practice), 2) if practice else None,
        points=tuple(
            KpiPoint(sid, local_day(at, tz), float(card.overall))
            for sid, at, card in calls
            if card.overall is not None
        ),
        skills=tuple(
            RealCallSkill(
                skill,
                round(sum(levels) / len(levels), 2),
                state.cards[skill].last_level if skill in state.cards else None,
            )
            for skill, levels in sorted(by_skill.items())
        ),
    )
