"""Practice days, the streak and the daily goal: what `today` shows of the habit.

Pydantic-free (issue 18): `roleplay today` reads these without the schedule's models, which
domain/habit.py defines (and re-exports these names). See domain/habit.py for what counts as a
practice day and how a streak pauses rather than breaks.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import NamedTuple

REST_DAYS = 2


def local_day(at: datetime, tz: tzinfo) -> date:
    if at.tzinfo is None:
        raise ValueError(f"time must be timezone-aware, got {at.isoformat()}")
    return at.astimezone(tz).date()


class Streak(NamedTuple):
    current: int  # practice days in the current streak, today included when practised
    best: int
    total_days: int
    practised_today: bool
    last_day: date | None
    missed: int  # whole days without practice between the last practice day and today

    @property
    def paused(self) -> bool:
        """Alive, but with a missed day or more since the last practice."""
        return self.current > 0 and not self.practised_today and self.missed > 0


def streak(days: Iterable[date], today: date, rest_days: int = REST_DAYS) -> Streak:
    practised = sorted({d for d in days if d <= today})
    if not practised:
        return Streak(0, 0, 0, False, None, 0)
    runs: list[int] = [1]
    for before, after in itertools.pairwise(practised):
        if (after - before).days - 1 > rest_days:
            runs.append(1)
        else:
            runs[-1] += 1
    last = practised[-1]
    missed = max(0, (today - last).days - 1) if last != today else 0
    alive = last == today or missed <= rest_days
    return Streak(
        current=runs[-1] if alive else 0,
        best=max(runs),
        total_days=len(practised),
        practised_today=last == today,
        last_day=last,
        missed=missed,
    )


class Goal(NamedTuple):
    """Today's goal in drills (a drill or a whole call counts as one) and/or minutes; 0 = unset."""

    drills: int
    minutes: int
    drills_done: int
    minutes_done: float

    @property
    def set(self) -> bool:
        return self.drills > 0 or self.minutes > 0

    @property
    def met(self) -> bool:
        return self.set and self.drills_left == 0 and self.minutes_left == 0

    @property
    def drills_left(self) -> int:
        return max(0, self.drills - self.drills_done)

    @property
    def minutes_left(self) -> float:
        return max(0.0, self.minutes - self.minutes_done)
