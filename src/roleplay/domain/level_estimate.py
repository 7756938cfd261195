"""The level estimate's arithmetic, without pydantic (issue 18): what skill_level.Levels (the
models that learn, validate and write it) and habit_views.PlainLevels (`today`'s and
`progress`'s plain read of the schedule's quick copy) both compute, written once. The model
and its constants are described in domain/skill_level.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

TOP = 5.0  # the highest rubric level: practice closes part of the gap to it
SHOWING_SD = 0.5  # levels: the judge's noise plus the rounding to a whole level
NEW_BASE = 3.0  # before the first showing: the pass level, give or take NEW_SD levels
NEW_SD = 1.0
NEGLIGIBLE = 1e-4  # a candidate weighing less than this (relative to the best) is skipped
# Spans stop growing after this many practices: by then even the slowest growth (1.5x from half
# a day) lasts 5 million days, and growth ** practices would overflow a float for a rep with
# hundreds of sessions of one skill (seen: `today` failing at 8,000 sessions).
MAX_GROWTH_STEPS = 40


class Estimate(NamedTuple):
    """The level the rep would likely show on a skill (1-5), give or take `spread` levels."""

    level: float
    spread: float


if TYPE_CHECKING:  # only named in annotations: nothing to define at import (`today` waits)

    class Track(Protocol):
        """One skill under one candidate (skill_level.Track or its plain twin)."""

        @property
        def base(self) -> float: ...
        @property
        def extra(self) -> float: ...
        @property
        def var_base(self) -> float: ...
        @property
        def cov(self) -> float: ...
        @property
        def var_extra(self) -> float: ...
        @property
        def at(self) -> datetime: ...
        @property
        def practices(self) -> int: ...

    class Fit(Protocol):
        """One candidate pace (skill_level.Fit or its plain twin)."""

        @property
        def first_span(self) -> float: ...
        @property
        def growth(self) -> float: ...
        @property
        def misfit(self) -> float: ...
        @property
        def tracks(self) -> Mapping[str, Track]: ...


def held(first_span: float, growth: float, track: Track, now: datetime) -> float:
    """The share of the practice gain still there at `now`, under a candidate of this pace."""
    days = max(0.0, (now - track.at).total_seconds() / 86400)
    steps = min(track.practices, MAX_GROWTH_STEPS)
    return math.exp(-days / (first_span * growth**steps))


def estimates(fits: Sequence[Fit], skills: Iterable[str], now: datetime) -> dict[str, Estimate]:
    """Skill -> the level the rep would likely show at `now` and how unsure that is, for
    the skills practised: the candidates' weighed mean, and the spread of that mixture
    (each candidate's own variance plus how far its level lies from the mean)."""
    if now.tzinfo is None:
        raise ValueError(f"time must be timezone-aware, got {now.isoformat()}")
    if not fits:
        return {}
    best = min(f.misfit for f in fits)
    weighed = [(math.exp(-(f.misfit - best) / 2), f) for f in fits]
    weighed = [(w, f) for w, f in weighed if w >= NEGLIGIBLE]
    total = sum(w for w, _ in weighed)
    found: dict[str, Estimate] = {}
    for skill in skills:
        mean = second = 0.0
        for w, f in weighed:
            track = f.tracks.get(skill)
            if track is None:
                break
            h = held(f.first_span, f.growth, track, now)
            x = track.base + track.extra * h
            var = track.var_base + 2 * track.cov * h + track.var_extra * h * h
            mean += w * x
            second += w * (max(0.0, var) + x * x)
        else:
            mean, second = mean / total, second / total
            spread = math.sqrt(max(0.0, second - mean * mean))
            found[skill] = Estimate(min(TOP, max(1.0, mean)), spread)
    return found
