"""Assignments: a trainer asks a rep (or the whole team) to practise a scenario or drill, by a
date or at a cadence ("2/week"). Pure: the status is computed from the attempts and `now`.

An assignment is done when a scored session of it exists that started after it was set (and,
when a pass score is required, reached it). A recurring one counts per week (Monday to Sunday in
the rep's time zone): each week needs its number of such sessions; a past week without them is
missed, and the current week is only overdue once it is over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from roleplay.errors import RoleplayError

Status = Literal["done", "open", "overdue", "withdrawn"]

_EVERY = re.compile(r"^\s*(\d{1,2})\s*(?:/|x|\s*per\s*)\s*(week|wk|w)\s*$", re.IGNORECASE)


class AssignmentError(RoleplayError, ValueError):
    """An assignment that cannot be made as asked; the message names what would work."""


def parse_every(text: str) -> int:
    """'2/week' -> 2 sessions a week ('weekly' is 1/week)."""
    if text.strip().lower() == "weekly":
        return 1
    match = _EVERY.match(text)
    if not match or not 1 <= int(match.group(1)) <= 21:
        raise AssignmentError(
            f"--every '{text}' is not a cadence",
            "expected sessions per week, like 2/week (1 to 21) or weekly",
        )
    return int(match.group(1))


def parse_due(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AssignmentError(
            f"--due '{text}' is not a date", "expected a date like 2026-02-13 (YYYY-MM-DD)"
        ) from None


def parse_target(text: str) -> tuple[str, str | None]:
    """'SCENARIO' or 'SCENARIO:DRILL'."""
    scenario, _, drill = text.strip().partition(":")
    if not scenario or (":" in text and not drill):
        raise AssignmentError(
            f"'{text}' is not a scenario",
            "expected SCENARIO or SCENARIO:DRILL, e.g. cold-call:opener",
        )
    return scenario, drill or None


@dataclass(frozen=True)
class Assignment:
    id: str
    scenario: str
    drill: str | None
    rep: str | None  # None: everyone on the team
    author: str
    created_at: datetime
    due: date | None = None
    per_week: int | None = None
    note: str = ""
    pass_score: float | None = None
    changed_at: datetime | None = None
    withdrawn_at: datetime | None = None

    @property
    def target(self) -> str:
        return f"{self.scenario}:{self.drill}" if self.drill else self.scenario

    @property
    def who(self) -> str:
        return self.rep or "the whole team"

    @property
    def cadence(self) -> str:
        if self.per_week:
            return f"{self.per_week}/week"
        return f"by {self.due.isoformat()}" if self.due else "once, no date"

    def for_rep(self, rep: str) -> bool:
        return self.rep is None or self.rep == rep


@dataclass(frozen=True)
class Attempt:
    """A scored session as an assignment sees it."""

    rep: str
    scenario: str
    drill: str | None
    started_at: datetime
    minutes: float
    overall: float | None


@dataclass(frozen=True)
class Progress:
    """One assignment for one rep."""

    assignment: Assignment
    rep: str
    status: Status
    attempts: int  # qualifying sessions since it was set (this week, for a recurring one)
    best: float | None  # best overall score of those
    needed: int  # sessions needed (this week, for a recurring one)
    weeks_missed: int  # recurring: past weeks without enough sessions
    last_at: datetime | None

    @property
    def summary(self) -> str:
        a = self.assignment
        if self.status == "withdrawn":
            return "withdrawn"
        if a.per_week:
            text = f"{self.attempts}/{a.per_week} this week"
            if self.weeks_missed:
                text += f", {self.weeks_missed} week(s) missed"
            return text
        if self.status == "done":
            return "done"
        if self.status == "overdue" and a.due:
            return f"OVERDUE since {a.due.isoformat()}"
        return f"due {a.due.isoformat()}" if a.due else "to do"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def counts(a: Assignment, attempt: Attempt) -> bool:
    """Whether this session counts for the assignment (score and pass score aside)."""
    return (
        attempt.scenario == a.scenario
        and (a.drill is None or attempt.drill == a.drill)
        and attempt.started_at >= a.created_at
        and attempt.overall is not None
        and (a.pass_score is None or attempt.overall >= a.pass_score)
    )


def progress(
    a: Assignment, rep: str, attempts: Sequence[Attempt], now: datetime, tz: tzinfo
) -> Progress:
    mine = sorted(
        (x for x in attempts if x.rep == rep and counts(a, x)), key=lambda x: x.started_at
    )
    best = max((x.overall for x in mine if x.overall is not None), default=None)
    last = mine[-1].started_at if mine else None
    today = now.astimezone(tz).date()
    if a.withdrawn_at is not None:
        return Progress(a, rep, "withdrawn", len(mine), best, 1, 0, last)
    if a.per_week:
        this_week = week_start(today)
        per: dict[date, int] = {}
        for x in mine:
            w = week_start(x.started_at.astimezone(tz).date())
            per[w] = per.get(w, 0) + 1
        first = week_start(a.created_at.astimezone(tz).date())
        missed = 0
        w = first
        while w < this_week:
            # The week it was set in counts only if whole weeks were left; a part week is
            # not held against anyone.
            if (w != first or a.created_at.astimezone(tz).weekday() == 0) and per.get(
                w, 0
            ) < a.per_week:
                missed += 1
            w += timedelta(days=7)
        done_now = per.get(this_week, 0)
        status: Status = "done" if done_now >= a.per_week else "overdue" if missed else "open"
        return Progress(a, rep, status, done_now, best, a.per_week, missed, last)
    if mine:
        return Progress(a, rep, "done", len(mine), best, 1, 0, last)
    overdue = a.due is not None and today > a.due
    return Progress(a, rep, "overdue" if overdue else "open", 0, best, 1, 0, last)


def order(items: Sequence[Progress]) -> list[Progress]:
    """Overdue first, then open by due date, then done; withdrawn last."""
    rank = {"overdue": 0, "open": 1, "done": 2, "withdrawn": 3}
    return sorted(
        items,
        key=lambda p: (
            rank[p.status],
            p.assignment.due or date.max,
            p.assignment.created_at,
            p.rep,
        ),
    )
