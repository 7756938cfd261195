"""The team view: per rep this week and over the period: sessions, minutes, streak,
assignments done and overdue, skills trending up or down, and who has not practised for a week.
Real calls are counted apart from practice (they are work, not practice).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from statistics import fmean
from typing import Any

from roleplay.domain.assignments import Progress
from roleplay.domain.call import OUTSIDE_CALL
from roleplay.domain.habit import streak

IDLE_DAYS = 7
TREND_DAYS = 28  # skills compare the last four weeks with the four before
TREND_STEP = 0.3  # a change in mean level smaller than this is not called a trend


@dataclass(frozen=True)
class RepWeek:
    rep: str
    week_sessions: int
    week_minutes: float
    sessions: int  # in the whole period
    minutes: float
    streak: int
    last_practice: date | None
    idle: bool  # no practice in the last IDLE_DAYS days
    assignments_done: int
    assignments_overdue: int
    assignments_open: int
    skills_up: tuple[str, ...]
    skills_down: tuple[str, ...]
    level_now: float | None  # mean judge level over the last four weeks
    real_calls: int
    real_mean: float | None
    first_practice: datetime | None = None


@dataclass(frozen=True)
class TeamView:
    day: date
    week_start: date
    reps: tuple[RepWeek, ...]
    weekly: dict[str, dict[date, int]] = field(default_factory=dict)  # rep -> week -> sessions
    levels: dict[str, dict[date, list[float]]] = field(default_factory=dict)  # skill -> week
    real: dict[date, list[float]] = field(default_factory=dict)  # week -> real-call scores
    practice_times: dict[str, list[datetime]] = field(default_factory=dict)

    @property
    def idle(self) -> list[str]:
        return [r.rep for r in self.reps if r.idle]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build(
    sessions: Sequence[Any],
    levels: Mapping[str, Mapping[str, tuple[str, int | None]]],
    assignments: Sequence[Progress],
    now: datetime,
    tz: tzinfo,
    reps: Sequence[str] = (),
) -> TeamView:
    """`sessions`: rows with id, rep, scenario_id, started_at, ended_at, overall;
    `levels`: session id -> criterion id -> (skill, judge level)."""
    today = now.astimezone(tz).date()
    week = monday(today)
    mine: dict[str, list[Any]] = defaultdict(list)
    for s in sessions:
        mine[s.rep].append(s)
    for rep in reps:
        mine.setdefault(rep, [])
    status: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p in assignments:
        status[p.rep][p.status] += 1
        mine.setdefault(p.rep, [])
    weekly: dict[str, dict[date, int]] = {}
    skill_weeks: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    real_weeks: dict[date, list[float]] = defaultdict(list)
    rows = []
    times: dict[str, list[datetime]] = {}
    for rep, items in sorted(mine.items()):
        items.sort(key=lambda s: s.started_at)
        practice = [s for s in items if s.scenario_id != OUTSIDE_CALL and s.overall is not None]
        real = [s for s in items if s.scenario_id == OUTSIDE_CALL and s.overall is not None]
        times[rep] = [s.started_at for s in practice]
        days = [s.started_at.astimezone(tz).date() for s in practice]
        mondays = [monday(d) for d in days]
        counts: dict[date, int] = defaultdict(int)
        for m in mondays:
            counts[m] += 1
        weekly[rep] = dict(counts)
        this_week = [s for s, d in zip(practice, days, strict=True) if d >= week]
        recent: dict[str, list[int]] = defaultdict(list)
        earlier: dict[str, list[int]] = defaultdict(list)
        for s, d, monday_of in zip(practice, days, mondays, strict=True):
            scored = levels.get(s.id)
            if not scored:
                continue
            age = (today - d).days  # once per session, not per level
            near = recent if age < TREND_DAYS else earlier if age < 2 * TREND_DAYS else None
            for skill, level in scored.values():
                if level is None:
                    continue
                skill_weeks[skill][monday_of].append(level)
                if near is not None:
                    near[skill].append(level)
        for s in real:
            real_weeks[monday(s.started_at.astimezone(tz).date())].append(s.overall)
        change = {k: fmean(recent[k]) - fmean(earlier[k]) for k in recent if earlier.get(k)}
        last = days[-1] if days else None
        now_levels = [lv for vs in recent.values() for lv in vs]
        rows.append(
            RepWeek(
                rep=rep,
                week_sessions=len(this_week),
                week_minutes=round(sum(_minutes(s) for s in this_week), 1),
                sessions=len(practice),
                minutes=round(sum(_minutes(s) for s in practice), 1),
                streak=streak(days, today).current,
                last_practice=last,
                idle=last is None or (today - last).days >= IDLE_DAYS,
                assignments_done=status[rep]["done"],
                assignments_overdue=status[rep]["overdue"],
                assignments_open=status[rep]["open"],
                skills_up=tuple(sorted(k for k, v in change.items() if v >= TREND_STEP)),
                skills_down=tuple(sorted(k for k, v in change.items() if v <= -TREND_STEP)),
                level_now=round(fmean(now_levels), 2) if now_levels else None,
                real_calls=len(real),
                real_mean=round(fmean(s.overall for s in real), 2) if real else None,
                first_practice=practice[0].started_at if practice else None,
            )
        )
    return TeamView(
        day=today,
        week_start=week,
        reps=tuple(rows),
        weekly=weekly,
        levels={k: dict(v) for k, v in skill_weeks.items()},
        real=dict(real_weeks),
        practice_times=times,
    )


def _minutes(s: Any) -> float:
    if s.ended_at is None:
        return 0.0
    return max(0.0, float((s.ended_at - s.started_at).total_seconds()) / 60)
