"""A made-up team for the report tests and benchmark: reps who practise (or not) over weeks,
their skill levels rising with practice, some scored real calls, and weekly business outcomes
that move a little with practice (and a lot with noise), as in life.

Reps start practising at different weeks (some never), so the report's before/after and
correlation have something to find; the effect is small and noisy on purpose.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from roleplay.domain.call import OUTSIDE_CALL
from roleplay.domain.history import SessionFiles
from roleplay.domain.outcomes import Outcome
from tests.index_data import make_session

SCENARIOS = ["discovery-spin", "price-objection", "cold-call-gatekeeper", "negotiation-close"]
TEAMS = ["north", "south"]


@dataclass(frozen=True)
class World:
    reps: list[str]
    sessions: list[SessionFiles]
    outcomes: list[Outcome]
    start: datetime  # a Monday
    weeks: int


def generate(
    reps: int = 50,
    weeks: int = 52,
    per_week: float = 11.4,
    start: datetime | None = None,
    seed: int = 16,
) -> World:
    rng = random.Random(seed)
    start = start or datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
    start -= timedelta(days=start.weekday())  # a Monday
    names = [f"rep{i:02d}" for i in range(reps)]
    sessions: list[SessionFiles] = []
    outcomes: list[Outcome] = []
    n = 0
    for i, rep in enumerate(names):
        team = TEAMS[i % len(TEAMS)]
        # A fifth of the reps never start; the others start somewhere in the first half.
        begins = None if i % 5 == 4 else rng.randrange(0, max(1, weeks // 2))
        rate = per_week * rng.uniform(0.6, 1.5) if begins is not None else 0.0
        skill = rng.uniform(1.6, 2.6)
        base_meetings = rng.uniform(3, 8)
        base_aht = rng.uniform(300, 480)
        practised = 0
        for w in range(weeks):
            monday = start + timedelta(weeks=w)
            this_week = 0
            if begins is not None and w >= begins:
                this_week = max(0, round(rng.gauss(rate, 2)))
                if rng.random() < 0.08:
                    this_week = 0  # holidays, busy weeks
            for k in range(this_week):
                at = monday + timedelta(days=rng.randrange(5), hours=rng.randrange(9), minutes=k)
                level = min(5.0, skill + 0.015 * practised)
                levels: list[int | None] = [
                    max(1, min(5, round(rng.gauss(level, 0.7)))) for _ in range(4)
                ]
                sessions.append(
                    make_session(
                        n,
                        rep=rep,
                        team=team,
                        scenario=rng.choice(SCENARIOS),
                        started_at=at,
                        turns=4,
                        levels=levels,
                        origin="bench",
                    )
                )
                practised += 1
                n += 1
            if rng.random() < 0.3:  # a scored real call now and then
                level = min(5.0, skill + 0.01 * practised)
                sessions.append(
                    make_session(
                        n,
                        rep=rep,
                        team=team,
                        scenario=OUTSIDE_CALL,
                        started_at=monday + timedelta(days=2, hours=3),
                        turns=4,
                        levels=[max(1, min(5, round(rng.gauss(level, 0.8)))) for _ in range(4)],
                        origin="bench",
                    )
                )
                n += 1
            lift = min(practised, 150) / 150
            day: date = monday.date()
            where = f"crm.csv:{len(outcomes) + 2}"
            outcomes.append(
                Outcome(
                    rep,
                    day,
                    "meetings_booked",
                    round(max(0.0, rng.gauss(base_meetings + 2 * lift, 1.5))),
                    where,
                )
            )
            outcomes.append(
                Outcome(
                    rep,
                    day,
                    "average_handle_time",
                    round(rng.gauss(base_aht - 25 * lift, 30), 1),
                    where,
                )
            )
    return World(names, sessions, outcomes, start, weeks)
