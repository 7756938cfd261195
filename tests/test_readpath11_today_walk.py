"""`roleplay today` walks the rep's sessions once (issue 18: at 8,000 sessions it walked them
for each session's local day, the first day of each skill, the streak, the recent scenarios,
and once per variation dimension for each item of the queue), and chooses exactly what the
walks chose: the option of each variation dimension seen least recently, the skills a real
call brings back."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from roleplay.domain import queue as q
from roleplay.services.daily import _last_practised
from tests.test_queue import price_objection


def fresh_choices_before(
    scenario: Any, seen: Sequence[Mapping[str, str]], pinned: Mapping[str, str]
) -> dict[str, str]:
    """domain/queue.py fresh_choices as it was (one pass over `seen` per dimension)."""
    wanted: dict[str, str] = {}
    for dim in sorted(scenario.variations):
        if dim in pinned:
            wanted[dim] = pinned[dim]
            continue
        options = [o.id for o in scenario.variations[dim]]
        ago = {o: len(seen) + 1 for o in options}
        for n, past in reversed(list(enumerate(seen))):
            if past.get(dim) in ago:
                ago[past[dim]] = n
        wanted[dim] = max(options, key=lambda o: (ago[o], -options.index(o)))
    return wanted


def history(rng: random.Random, scenario: Any) -> list[dict[str, str]]:
    """Past variations, oldest first: some options never drawn, some dimensions missing, an
    option the scenario no longer has."""
    dims = {dim: [o.id for o in opts] for dim, opts in scenario.variations.items()}
    found = []
    for _ in range(rng.randint(0, 40)):
        chosen = {}
        for dim, ids in dims.items():
            if rng.random() < 0.8:
                chosen[dim] = rng.choice([*ids[: rng.randint(1, len(ids))], "gone"])
        found.append(chosen)
    return found


@pytest.mark.parametrize("seed", range(40))
def test_the_least_recent_option_is_the_one_a_walk_per_dimension_chose(seed: int) -> None:
    rng = random.Random(seed)
    s = price_objection()
    pinned = dict(s.drill("discount-squeeze").pinned) if seed % 3 == 0 else {}
    past = history(rng, s)  # oldest first
    newest_first = list(reversed(past))
    expected = fresh_choices_before(s, newest_first, pinned)
    assert q.fresh_choices(s, newest_first, pinned) == expected
    # As `today` notes them in its one walk, oldest first: each option's latest place.
    last: dict[str, dict[str, float]] = {}
    for n, chosen in enumerate(past):
        for dim, option in chosen.items():
            last.setdefault(dim, {})[option] = n
    assert q.least_recent(s, last, pinned) == expected


class Entry:
    def __init__(self, levels: dict[str, int], ended_at: datetime) -> None:
        self.levels, self.ended_at = levels, ended_at


@pytest.mark.parametrize("seed", range(10))
def test_a_skill_practised_after_a_real_call_is_found_by_one_walk(seed: int) -> None:
    rng = random.Random(seed)
    t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    skills = ["discovery", "rapport", "next-steps", "objections"]
    sessions = [
        Entry(
            {s: 3 for s in rng.sample(skills, rng.randint(0, 2))},
            t0 + timedelta(hours=rng.randint(0, 500)),  # not in order: as any list may be
        )
        for _ in range(30)
    ]
    last = _last_practised(sessions)  # type: ignore[arg-type]
    for _ in range(20):
        at = t0 + timedelta(hours=rng.randint(0, 520))
        for skill in skills:
            walked = any(skill in e.levels and e.ended_at > at for e in sessions)
            assert walked == (skill in last and last[skill] > at)
