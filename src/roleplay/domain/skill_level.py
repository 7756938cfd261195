"""How well the rep would likely do each skill today: a level estimate from every showing.

FSRS (domain/schedule.py) answers *when* a skill should come back so it is not forgotten. It
does not answer *which skill is weakest today*, which is what a rep with time for one drill
needs: its state is a memory of recall, moved by coarse ratings, and a skill rated Again
(level 1-2) keeps a stability of about a day however much the rep has improved. In the bench
(bench/scheduler_sim.py) a queue ordered by FSRS found the weakest skill no better than chance.
So the queue orders by this estimate, and FSRS still brings skills back when they are due.

The model of one skill, in rubric levels (1-5):
- the level the rep walked in with (`base`), plus what practice added on top (`extra`);
- a showing (the judge's level moved by its evidence, `schedule.showing`) sees base + extra,
  give or take SHOWING_SD levels (the judge's noise and the rounding to whole levels);
- a practice adds a share `lift` of the way to level 5: extra += lift * (5 - base - extra);
- between practices the extra fades back towards the base, extra *= exp(-days / span), and
  each practice makes it last longer: span = first_span * growth ** practices.
Base and extra are tracked by a Kalman filter (two numbers and their covariance), so repeated
showings average out the judge's noise, and every showing, not only the first, tells what the
rep walked in with.

How fast a rep learns and forgets is not known in advance and differs between reps. So rather
than guessing lift, first_span and growth, `Levels` runs a small grid of them side by side
(GRID: lifts of 10-30%, first spans of half a day to 16 days, growth 1.5-3x, and one in which
practice does not help at all) and weighs each by
how well it predicted the rep's showings so far (its `misfit`, the negative log-likelihood of
each showing before it was applied): the estimate is the weighted mean (Bayesian model
averaging). With few showings all weigh alike; after a few weeks the estimate follows the
rep's own pace. Time is always passed in; datetimes must be timezone-aware.

Reps on a team share a workspace, and how fast practice sticks is much the same for them (the
same product, the same customers, the same coaching): a new rep's schedule starts from the
weights their teammates' own showings gave the candidates (`team_prior`, the mean of each
teammate's `pace_weights`: only what the judge showed, never a true level) instead of weighing
them all alike (`Levels.set_prior`); the rep's own showings then move the weights as before. A
rep alone starts from the flat prior, as ever.

`estimates` also says how unsure each estimate is (`Estimate.spread`, one standard deviation in
levels): each candidate's own uncertainty (a skill shown once, or long ago, is less certain
than one shown often and lately) and how far the weighed candidates disagree. The queue uses it
to tell, of the skills expected at the pass level or above, which is likeliest to be below it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from roleplay.domain import level_estimate
from roleplay.domain.level_estimate import (  # named here too, as ever (bench, tests)
    MAX_GROWTH_STEPS as MAX_GROWTH_STEPS,
)
from roleplay.domain.level_estimate import NEGLIGIBLE as NEGLIGIBLE
from roleplay.domain.level_estimate import NEW_BASE as NEW_BASE
from roleplay.domain.level_estimate import NEW_SD as NEW_SD
from roleplay.domain.level_estimate import SHOWING_SD as SHOWING_SD
from roleplay.domain.level_estimate import TOP as TOP
from roleplay.domain.level_estimate import Estimate as Estimate

# The estimate's arithmetic and constants are written once, without pydantic, in
# domain/level_estimate.py: `today` and `progress` compute the same figures from the plain views.
LIFTS = (0.1, 0.2, 0.3)
FIRST_SPANS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)  # days
GROWTHS = (1.5, 2.0, 3.0)
# Plus one candidate in which practice does not help (with no lift, span and growth do not
# matter): a rep who shows level 1 drill after drill must not be predicted to be improving.
GRID = ((0.0, 1.0, 1.0), *itertools.product(LIFTS, FIRST_SPANS, GROWTHS))


@dataclass(slots=True)
class Track:
    """One skill under one candidate model, right after its last practice.

    A plain dataclass, not a pydantic model: a schedule rebuilt from 8,000 sessions makes
    about a million of them (every showing, under each of the 55 candidates), and building a
    pydantic model each time was most of that rebuild's 4 s. Pydantic still validates and
    writes it, as a field of Fit, to the same JSON object. Treat it as read-only."""

    base: float
    extra: float
    var_base: float
    cov: float
    var_extra: float
    at: datetime
    practices: int


class Fit(BaseModel):
    """One candidate pace of learning and forgetting, and how well it has predicted the rep."""

    model_config = ConfigDict(extra="ignore")

    lift: float
    first_span: float
    growth: float
    misfit: float = 0.0
    # The part of `misfit` that is the team's prior (`Levels.set_prior`), not this rep's
    # showings: -2 log of the candidate's prior weight (0: today's flat prior).
    prior: float = 0.0
    tracks: dict[str, Track] = Field(default_factory=dict)

    def held(self, track: Track, now: datetime) -> float:
        """The share of the practice gain still there at `now`."""
        return level_estimate.held(self.first_span, self.growth, track, now)

    def observe(self, skill: str, shown: float, at: datetime) -> None:
        """Apply one showing of `skill` at `at`, then the practice it was."""
        # Every operation below is the same, in the same order, as the Kalman step written
        # out in the module docstring (tests/test_skill_level.py replays random histories
        # through that step and compares every float): only the bookkeeping is plain Python.
        old = self.tracks.get(skill)
        if old is None:
            base, extra, vb, c, vx, n = NEW_BASE, 0.0, NEW_SD**2, 0.0, 0.0, 0
        else:
            days = max(0.0, (at - old.at).total_seconds() / 86400)
            steps = min(old.practices, MAX_GROWTH_STEPS)
            h = math.exp(-days / (self.first_span * self.growth**steps))
            base, extra, n = old.base, old.extra * h, old.practices
            vb, c, vx = old.var_base, old.cov * h, old.var_extra * h * h
        # The showing sees base + extra.
        spread = vb + 2 * c + vx + SHOWING_SD**2
        surprise = shown - (base + extra)
        if old is not None:  # the first showing is equally likely under every candidate
            self.misfit += math.log(spread) + surprise * surprise / spread
        k_base, k_extra = (vb + c) / spread, (c + vx) / spread
        base, extra = base + k_base * surprise, extra + k_extra * surprise
        vb, c, vx = (
            vb - k_base * (vb + c),
            c - k_base * (c + vx),
            vx - k_extra * (c + vx),
        )
        # The practice: extra' = (1 - lift) * extra + lift * (TOP - base).
        w = self.lift
        extra = (1 - w) * extra + w * (TOP - base)
        c, vx = (1 - w) * c - w * vb, w * w * vb - 2 * w * (1 - w) * c + (1 - w) ** 2 * vx
        self.tracks[skill] = Track(base, extra, vb, c, vx, at, n + 1)

    def level(self, skill: str, now: datetime) -> float | None:
        track = self.tracks.get(skill)
        if track is None:
            return None
        return track.base + track.extra * self.held(track, now)


Pace = tuple[float, float, float]  # (lift, first_span, growth): one candidate of GRID
TINY = 1e-300  # a candidate no teammate's showings left any weight: still not impossible


def team_prior(teammates: Iterable[Levels]) -> dict[Pace, float] | None:
    """A new rep's prior over the candidate paces from their teammates' judged histories:
    the mean of each teammate's `pace_weights` (only what the judge showed of them), or None
    for a rep alone (today's flat prior). In bench/scheduler_sim.py's simulation (a prior
    from an earlier cohort, bench/scheduler_variants.py `team-cohort`; 20 seeds of 200 reps)
    every skill reached the pass level 0.82 day sooner (se 0.10), 0.44 sooner at p >= 0.6,
    the same at 0.7: 25.3% fewer drills than the best rotation instead of 24.2%."""
    found = [t.pace_weights() for t in teammates if any(f.tracks for f in t.fits)]
    if not found:
        return None
    keys = set().union(*found)
    return {k: sum(w.get(k, 0.0) for w in found) / len(found) for k in keys}


def _grid() -> list[Fit]:
    return [Fit(lift=w, first_span=s, growth=g) for w, s, g in GRID]


class Levels(BaseModel):
    """The rep's level estimate for every skill practised (see the module docstring)."""

    model_config = ConfigDict(extra="ignore")

    fits: list[Fit] = Field(default_factory=_grid)

    def observe(self, skill: str, shown: float, at: datetime) -> None:
        """The rep showed `skill` at level `shown` (1-5, may be fractional) at `at`."""
        if at.tzinfo is None:
            raise ValueError(f"time must be timezone-aware, got {at.isoformat()}")
        if not 1 <= shown <= TOP:
            raise ValueError(f"a showing is a level from 1 to 5, got {shown!r}")
        for fit in self.fits:
            fit.observe(skill, shown, at)

    def expected(self, skills: Iterable[str], now: datetime) -> dict[str, float]:
        """Skill -> the level the rep would likely show at `now`, for the skills practised."""
        return {s: e.level for s, e in self.estimates(skills, now).items()}

    def estimates(self, skills: Iterable[str], now: datetime) -> dict[str, Estimate]:
        """Skill -> the level the rep would likely show at `now` and how unsure that is, for
        the skills practised: the candidates' weighed mean, and the spread of that mixture
        (each candidate's own variance plus how far its level lies from the mean)."""
        return level_estimate.estimates(self.fits, skills, now)

    def pace_weights(self) -> dict[Pace, float]:
        """Each candidate pace's weight from this rep's own showings alone (any team prior
        taken out), summing to 1: what a teammate's judged history tells of how fast reps on
        this team learn and forget."""
        own = [f.misfit - f.prior for f in self.fits]
        best = min(own, default=0.0)
        weights = {
            (f.lift, f.first_span, f.growth): math.exp(-(m - best) / 2)
            for f, m in zip(self.fits, own, strict=True)
        }
        total = sum(weights.values())
        return {k: w / total for k, w in weights.items()}

    def set_prior(self, prior: Mapping[Pace, float]) -> None:
        """Weigh each candidate pace by `prior` (e.g. `team_prior`) before this rep's showings,
        instead of alike; candidates it does not name keep a flat share. Only the weights
        change: the tracks, and so what any one candidate predicts, stay as they were."""
        for fit in self.fits:
            weight = prior.get((fit.lift, fit.first_span, fit.growth))
            new = 0.0 if weight is None else -2 * math.log(max(weight * len(self.fits), TINY))
            fit.misfit += new - fit.prior
            fit.prior = new

    def pace(self) -> Fit | None:
        """The candidate that has predicted the rep best so far (for reports and tests)."""
        return min(self.fits, key=lambda f: f.misfit, default=None)
