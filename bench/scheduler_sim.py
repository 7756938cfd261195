"""Does the spaced-repetition queue beat a fixed course? A simulation with simulated learners.

Ways to pick one drill a day, compared on the same simulated learners over 60 days (and on, up
to a year, to see when each gets there):

- **scheduler**: roleplay's own queue (`domain.queue.needs`, then `ahead` when nothing is due,
  exactly as `roleplay today` with a goal of one drill a day), fed by the FSRS cards of
  `domain.schedule` and the level estimate of `domain.skill_level` with the rubric level each
  drill was scored at and the judge's evidence for it (verified quotes; unsupported levels),
  as `roleplay` reviews a scorecard;
- **scheduler-levels**: the same queue fed the levels alone (no evidence);
- **old-scheduler**: the queue before the level estimate: due by FSRS alone, ordered by the last
  showing discounted by FSRS retrievability (`needs` without `levels`), with evidence;
- **old-scheduler-levels**: the same fed the levels alone: the scheduler issue 18 measured
  (10-12% at the pass level);
- **scheduler-R**: FSRS due skills ordered by FSRS retrievability alone and new skills
  ranked at retrievability 0.85 (the first design; kept here to show why the order changed);
- **rotation-M**: a fixed course that rotates topics module by module (four modules of three
  skills; each module runs M days, its skills in turn; then the next module; then round
  again), for M = 3, 6 and 9 days; comparisons use the best of them;
- **random**: a skill drawn at random each day;
- **oracle**: always the skill whose true proficiency is lowest. No real scheduler can see that;
  it is the ceiling for any scheduler under this learner.

The simulated learner (written down, so the figures can be judged):

- 12 skills in 4 modules (the skills the bundled rubrics train).
- Each skill has a proficiency p in [0, 1]. A rep arrives uneven: p0 ~ Uniform(0.05, 0.6).
- Forgetting: between practices p decays towards the rep's starting level p0 (they do not lose
  what they walked in with): p(t) = p0 + (p_last - p0) * exp(-days_since_practice / m), where
  m is the skill's memory span, 2 days before the first practice.
- A drill on skill k: first the rep performs at their current (decayed) level and the judge
  sees a noisy rubric level = clamp(round(1 + 4 p + N(0, 0.4)), 1, 5); then they learn:
  p <- p + 0.25 (1 - p), and the memory span doubles, m <- min(2 m, 120 days). The doubling
  does not depend on when the drill happened: the model has no spacing bonus that would favour
  a spaced scheduler. Only the drilled skill changes; nothing transfers between skills.
- The judge's evidence for that level comes from the same proficiency p the level comes from
  (the p the rep performs at, before they learn): the criterion describes BEHAVIOURS = 4
  behaviours (one per level above 1, as many quotes as the LLM judge may give), the rep shows
  each with probability p, and each one shown is one verified quote: quotes ~ Binomial(4, p).
  A level above 1 with no quote is unsupported, as the LLM judge marks it. The quotes are drawn
  from a random stream of their own, so the levels (and everything a levels-only scheduler
  does) are exactly what they were before the judge reported evidence. The learner above is
  unchanged.

Figures: days (= drills, at one a day) until every skill is at or above a threshold at the end
of a day (median over learners; how many got there within 60 days), for three thresholds:
p >= 0.5, the rubrics' pass level (expected level 3, which is also what FSRS counts as
"recalled"), p >= 0.6 and p >= 0.7 (expected level about 4); the mean proficiency over all
skills on day 60; and, over days 1-60, how many of the 12 skills were weaker than the one
drilled (0 for the oracle, about 5.5 for a random pick): how well a strategy finds the
weakest skill.
Target (issue 18): at the pass level, at least 2/3 of the oracle's saving over the best rotation.

What limited the old scheduler (November, 200 learners, seeds 1-3): not the coarse levels (with
an exact judge the levels alone gave 20-22% at the pass level, and the judge's quotes added
nothing measurable), but the queue's choice: ordered by FSRS, about 5.3 skills were weaker than
the one it drilled, against 5.5 for a random pick, 4.1 for rotation-3 and 0 for the oracle.
The level estimate (domain/skill_level.py) fixes the choice; it knows nothing of this learner
beyond what the showings tell it: its pace (lift, first span, growth) is weighed from a generic
grid by how well each candidate predicted the rep's showings. The learner model is printed as a
checksum (`sha256`, of Model and Learner) so a run can be compared with another branch's.
November, 200 learners, seeds 1/2/3, fewer drills than the best rotation at p >= 0.5 / 0.6 /
0.7: scheduler 23/25/26% / 11-13% / 9-11% (64-67% of the oracle's saving at the pass level);
old scheduler 10-12% / -1-0% / -4-0%; oracle 36-39% / 20-22% / 17-19%. About 3.8 skills are
weaker than the one the scheduler drills (5.3 before).
Issue 18, third round: of the skills expected at the pass level or above, the queue puts first
the one likeliest to be below it (expected margin over the pass level in units of the
estimate's spread; below the pass level the lowest level first, as before). Late in a run the
skills left below the pass level had mostly been shown once or twice, two weeks before, and
were estimated just above it (median 3.08 for a true 2.87). 200 learners, median days to every
skill >= 0.5 / 0.6 / 0.7 (fewer drills than the best rotation), seeds 1-3 then held-out 4-6:
53/70/100 (23/16/11%), 52/70/100 (25/16/10%), 51/70/99 (26/16/12%), 52/71/101 (25/15/9%),
52/70/100 (23/16/10%), 51/70/100 (26/16/12%); main's before it: 53/74/101 (23/11/11%),
52/73/100 (25/12/9%), 51/72/101 (26/13/11%), 52/72/101 (25/14/9%), 53/73/101 (22/12/9%),
52/74/100 (25/11/12%). So 2-4 days fewer at 0.6, 0-1 at 0.7, the same at the pass level
(the mean over learners 0.8 day fewer; the medians moved on seeds 5 and 6 only). What limits
the pass level (exploration, 60-200 learners, seeds 1-3, mean days): fed the true level the
queue needs 43, the judge's noise halved 49, told the learner's true pace and prior 51, the
judge's quotes read at their ideal weight (the exact posterior of this learner) 53, the same as
without them: the judge's noise, not the queue's rule nor the quotes, is what is left. Tried,
no better at the pass level: ordering by the estimate minus or plus a multiple of its spread, by
a sample of it (Thompson), by the chance of being below the pass level for every skill, by how
much a drill raises the chance that every skill passes tomorrow, by the level expected a few
days on; new skills earlier or later; a prior learnt from the rep's other skills; a finer grid
of lifts. Not done: letting a skill the estimate is unsure of go before a strong one FSRS
brings back (FSRS due no longer deciding what is queued): about 4 days fewer at 0.7 (100
learners), the pass level within the noise, but it changes what `today` lists as due.
Tried in stop 26 and not merged: reading the judge's quotes both ways in the level estimate.
Paired per learner over seeds 1-6 (bench/scheduler_paired.py), -0.26 day at the pass level
(standard error 0.17) for +0.28 at 0.6 (0.14): within the noise at the pass level, a loss at 0.6;
held-out seed 4 lost a day. What limits the pass level is how slowly the rep's pace is learnt.
Issue 18, stop 27: nothing tried reached the bar, so the scheduler is unchanged. Where the
drills go (bench/scheduler_diagnose.py, 60 learners, seed 1): 30% of the drills before every
skill passed went to a skill already at the pass level (22% estimated below it, 8% near it; 4%
to new skills; FSRS brought back none of them), true level 3.2 estimated 2.9; the skills left
below meanwhile were estimated 3.1 for a true 2.8. Paired per learner against main (mean change
in days at 0.5 / 0.6 / 0.7, standard error in brackets, 200 learners, seeds 1-3): the level
alone in the estimate, no evidence, +1.02 (0.25) / +1.16 (0.20) / +1.22 (0.31): the evidence's
downward moves are worth a day; the quotes read both ways (stop 26's reading) -0.34 (0.23) /
+0.35 (0.20) / +0.16 (0.33); weighed by a count's binomial variance -0.31 / +0.20 / +0.83;
weighed 1/3 +0.39 / +0.64 / +0.51; the exact posterior mean of the level given the level and
the quotes (judge sd 0.41, which with the rounding is SHOWING_SD) -0.34 (0.24) / +0.19 (0.21) /
+0.83 (0.34); twice the evidence's downward move +0.31 / +0.29 / -0.15. A truer estimate is not
a better queue: the learner's own spread of starting levels as the prior (2.3 +- 0.65 levels)
+0.78 (0.25) / +0.59 (0.19) / +0.35 (0.30); a prior of 2.5 +0.12 / +0.41 / -0.33; a wider prior
(sd 1.5) -0.30 (0.21) / +0.26 (0.19) / -0.45 (0.29); first spans up to 8 days only (the
learner's is 2) +0.06 / +0.33 / +0.29. Aiming above the pass level (3.15) +1.53 (0.26) / +0.10
/ -0.61. Ordering every skill by how likely it is below the pass level (below it too, not the
lowest first) -0.34 (0.13) / -0.07 (0.11) / +0.53 (0.23), medians unchanged (23/25/26%), and
over seeds 1-6 (4-6 held out) -0.18 (0.09) / -0.09 (0.08) / +0.37 (0.16), seed 6 +0.23; the
same with the lowest first for skills surely below (more than one spread) -0.27 (0.13) / -0.03
(0.11) / +0.53 (0.23); with the quotes read both ways as well -0.34 (0.24) / +0.29 / +0.65.
Weighing the pace candidates more sharply (likelihood squared) lost 3 days at 0.7; more softly,
mixed. SURE_ABOVE 1.5 instead of 3 changed nothing (0.00 / -0.07 / +0.17).
Issue 18, stop 28 (sched5): nothing reached the bar again; the scheduler is unchanged. Main, 200
learners, median days to every skill >= 0.5 / 0.6 / 0.7 and fewer drills than the best rotation
(69/69/69/69/68/69 days at the pass level), seeds 1-3 then held-out 4-6: 53/69/98 (23/17/13%),
52/70/96 (25/16/14%), 51/69/96 (26/17/15%), 52/70/97 (25/17/13%), 52.5/69/97 (23/17/13%),
51/69/96 (26/17/15%); at the pass level seed 1 needs 52 and seed 5 51.5 for 24%. Does the
simulated judge show its evidence honestly? Its quotes are drawn from the proficiency the rep
performed at, apart from the level's noise: a second look at the rep on top of the level, more
than a real judge gives (its level follows from the behaviours it quotes), so the sim does not
hide the signal. Its worth, worked out: a level's noise with the rounding is about 0.49 level,
one plus the quotes about 0.9-1.0, so the best reading moves the showing a fifth of the way to
one plus the quotes, both ways, and cuts its noise by about a tenth (halving it was worth 4
days). Paired per learner against main (mean change in days at 0.5 / 0.6 / 0.7, standard error;
100 learners, seeds 1-6, unless said): that reading for the estimate only (FSRS rated as before,
so strong evidence does not lengthen intervals) -0.27 (0.24) / +0.38 (0.20) / +0.29 (0.31);
every skill ordered by its chance of being below the pass level (stop 27's closest change) -0.17
(0.11) / -0.10 (0.11) / +0.35 (0.20); that with a prior learnt from the rep's first showings of
their other skills (shrunk towards 3 +- 1 as if two skills had shown 3) and new skills ranked at
that prior, so prior and order change together, +0.47 (0.24) / +0.57 (0.21) / +0.60 (0.33); FSRS
no longer deciding what is due (every practised skill due, the queue's order picks) 0.00 / -0.19
(0.07) / -0.34 (0.18): no help at the pass level, where nearly every skill is due anyway (10.6
of 12 on days 30-59, seed 1, 15 learners); with the order by the chance of being below -0.17
(0.11) / -0.29 (0.13) / +0.09 (0.25); the product-shaped form of it (a skill also due when its
chance of being below the pass level is over about 2%, two spreads; the due lists grew by 0.1
skill) with that order, 200 learners: -0.18 (0.09) / -0.22 (0.09) / +0.19 (0.16), medians
53/52/51/52/52/51 at the pass level (23/25/26/25/23.5/26%), but at the pass level -0.33 on seeds
1-3 and -0.02 on the held-out 4-6 (seed 6 +0.23): the order was chosen on seeds 1-3, and its
gain there does not carry over, so it was not kept. Within 1.5 spreads instead of 2 (seeds 1-2
only) -0.21 (0.21) / -0.28 / +0.38; with the quotes read both ways as well (seeds 1-2) +0.06
(0.41) / +0.31 / +0.82. What is left is the information per drill: one noisy level and four
yes/no behaviours.
Issue 18, stop 29 (sched6): nothing reached the bar; the scheduler is unchanged. Screened with
bench/scheduler_variants.py (its docstring has every figure; 100 learners, seeds 1-3, mean
change in days at the pass level against main): most of the gap to the oracle is the end game
(the oracle picking from day 35 on saves 6.6 days, picking days 0-19 only 1.4); told this
learner's pace the estimate saves 1.9 (its spans alone 1.0); a second showing soon for a skill
shown once +1.9, drilling again the next day after a thin or failed showing +1.2 / +1.6, new
skills first +0.3, ordering by the expected shortfall below the pass level +0.2, treating
estimates within a quarter level as equal (longest unpractised first) 0.0, leaving skills well
above the pass level sooner (SURE_ABOVE 1) 0.0. The one change worth a day: the pace weights a
team's other reps ended with as a new rep's prior, -0.81 (0.18) over seeds 1-6 (200 learners;
without a uniform share -0.91 and 24-26% on every seed), but only because these reps all share
one pace: +1.5 days for reps who forget more slowly than the team it was learnt on, and the
app has no team state to take it from (one rep per workspace). Left for a product decision,
not merged.
Issue 18, stop 30 (sched7): nothing reached the bar; the scheduler is unchanged. Main, 200
learners, median days to every skill >= 0.5 / 0.6 / 0.7 (fewer drills than the best rotation),
seeds 1-3 then held-out 4-6: 53/69/98 (23/17/13%), 52/70/96 (25/16/14%), 51/69/96 (26/17/15%),
52/70/97 (25/17/13%), 52.5/69/97 (23/17/13%), 51/69/96 (26/17/15%); the oracle 36-39% /
20-23% / 17-19%. Late in a run the estimate's chance of being below the pass level is too low
for skills practised once (said 8%, truly 24%) and too high for skills practised often (said
68%, truly 42%), from the prior of the starting level, not the pace (bench/scheduler_diagnose.py);
correcting the prior from the rep's own first showings made the estimate truer and the queue
0.5-0.7 day slower. The fourteen variants tried are in bench/scheduler_variants.py.
Issue 18, stop 31 (sched8): nothing reached the bar; the scheduler is unchanged (seed 1, 200
learners: 53/69/98 days, 23/17/13%, oracle 36/20/19%). The starting-level prior taken from the
rep's other skills for every skill alike (leave one out, the estimate rebuilt when a new skill
is first shown) made the estimate truer and the queue 0.5-0.8 day slower at the pass level:
not through more drills on skills already passing (34% both); what moved is when new skills
come in (a lower estimate puts more practised skills below the pass level, ahead of them: the
last one first practised on day 41 instead of 36), and moving that day by itself, either way,
loses too. The showing's error against the true
level has sd 0.46 (SHOWING_SD 0.5 is not too narrow) and mean -0.11 (the evidence only lowers
a showing). Figures in bench/scheduler_variants.py.
Issue 18, stop 32 (sched9): nothing reached the bar; the scheduler is unchanged. Over 20 seeds
(bench/scheduler_seeds.py, 200 learners a seed) the scheduler needs 24.2% fewer drills than the
best rotation at the pass level (95% interval over seeds 23.7-24.7%; 12 of 20 seeds at 24% or
more; all 20 seeds' learners pooled: 52 days against 69, 24.6%), 16.4% (16.1-16.7) at 0.6 and
13.6% (13.2-14.0) at 0.7; the oracle 37.8% (37.3-38.3) / 21.7% / 18.2%, so the scheduler gets
64% of the oracle's saving at the pass level, short of 2/3. One seed's median moves by 0.67 day
(sd, bootstrap) for the same code, a point of saving: seeds 1 and 5 (23%) are within it and
fail in no other way (bench/scheduler_diagnose.py, 60 learners: the same shares of drills on a
skill already passing, 22-24% / 7-8% / 4%, and the same calibration as seed 2); the one
difference seen is drills on skills the rep started at the pass level or above, which never
need one: 5.1 and 4.8 a rep on seeds 1 and 5 against 4.3 on seed 2 (2.2-2.3 such skills a
rep), true levels of 3.0-3.4 that a judge showing 3 or 2 cannot tell from just below it.
Issue 18, stop 33 (sched10): nothing reached the bar; the scheduler is unchanged (its code
is the code stop 32 measured over 20 seeds: 24.2% / 16.4% / 13.6%, the oracle 37.8% / 21.7%
/ 18.2%; learner sha256 ab6071c3032441d1). Grading a showing by the judge's evidence both ways
(bench/scheduler_variants.py, seeds 1-10, 100 learners, paired per learner against main): a
first showing at the pass level with more quotes than needed believed sooner +0.13 day (se
0.11) at the pass level; every showing read as the likelihood of its level and its quotes
together, with that likelihood's spread as the showing's noise, +0.12 (0.19), its mean only
-0.17 (0.19), for +0.8 to +1.7 days at 0.7. Main's rule already reads thin evidence as that
likelihood does; strong evidence adds 0.2-0.4 level at most, and cuts a showing's noise by a
tenth: the quotes come from the same proficiency as the level.
Issue 18, stop 35 (sched12): the scheduler now starts a new rep on a team from their
teammates' pace (domain/skill_level.py `team_prior`: the weights the other reps' judged
showings gave the candidate paces). The `scheduler` strategy here is a rep alone (the flat
prior, unchanged); a rep on a team is bench/scheduler_variants.py's `team-cohort` (the prior
from 60 reps of an earlier cohort, seed 0), over 20 seeds with `scheduler_seeds.py --variant
team-cohort --seeds 1-20`: 25.3% / 16.8% / 13.4% fewer drills than the best rotation (a rep
alone 24.2% / 16.4% / 13.6%), 67% of the oracle's saving at the pass level (37.8%).

    python3 bench/scheduler_sim.py [--learners 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from roleplay.domain.queue import Need, ahead, needs  # noqa: E402
from roleplay.domain.schedule import (  # noqa: E402
    EvidenceStrength,
    SkillCard,
    is_due,
    retrievability,
    review,
    showing,
)
from roleplay.domain.skill_level import Levels  # noqa: E402

MODULES = [
    ["discovery-questions", "active-listening", "pain-quantification"],
    ["objection-acknowledge", "objection-clarify", "value-reframe"],
    ["negotiation-trades", "ask-for-commitment", "next-steps"],
    ["rapport-opening", "de-escalation", "ownership"],
]
SKILLS = [s for m in MODULES for s in m]
THRESHOLDS = (0.5, 0.6, 0.7)
DAYS = 60
HORIZON = 365
NEW_PER_DAY = 2
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
BEHAVIOURS = 4
STRATEGIES = [
    "scheduler",
    "scheduler-levels",
    "old-scheduler",
    "old-scheduler-levels",
    "scheduler-R",
    "rotation-3",
    "rotation-6",
    "rotation-9",
    "random",
]


@dataclass(frozen=True)
class Model:
    """The simulated learner's parameters (see the module docstring)."""

    start_low: float = 0.05
    start_high: float = 0.6
    first_span: float = 2.0
    max_span: float = 120.0
    gain: float = 0.25
    noise: float = 0.4


@dataclass
class Learner:
    model: Model
    start: dict[str, float]
    p: dict[str, float] = field(default_factory=dict)
    span: dict[str, float] = field(default_factory=dict)
    last: dict[str, float] = field(default_factory=dict)  # day of the last practice

    def __post_init__(self) -> None:
        self.p = dict(self.start)
        self.span = {s: self.model.first_span for s in self.start}
        self.last = {s: 0.0 for s in self.start}

    def now(self, skill: str, day: float) -> float:
        p0 = self.start[skill]
        return p0 + (self.p[skill] - p0) * math.exp(-(day - self.last[skill]) / self.span[skill])

    def drill(self, skill: str, day: float, rng: random.Random) -> int:
        p = self.now(skill, day)
        level = max(1, min(5, round(1 + 4 * p + rng.gauss(0, self.model.noise))))
        self.p[skill] = p + self.model.gain * (1 - p)
        self.span[skill] = min(2 * self.span[skill], self.model.max_span)
        self.last[skill] = day
        return level


def judge_evidence(p: float, level: int, rng: random.Random) -> EvidenceStrength:
    """The verified quotes behind a level, from the proficiency p the rep performed at."""
    quotes = sum(rng.random() < p for _ in range(BEHAVIOURS))
    return EvidenceStrength(quotes=quotes, unsupported=level > 1 and quotes == 0)


Picker = Callable[[int, Learner, random.Random], str]


class Scheduler:
    """roleplay's queue with a goal of one drill a day."""

    def __init__(
        self, by_retrievability: bool = False, evidence: bool = True, estimate: bool = True
    ) -> None:
        self.cards: dict[str, SkillCard] = {}
        self.levels: Levels | None = Levels() if estimate and not by_retrievability else None
        self.first: dict[str, int] = {}
        self.by_retrievability = by_retrievability
        self.evidence = evidence and not by_retrievability

    def pick(self, day: int, learner: Learner, rng: random.Random) -> str:
        now = START + timedelta(days=day)
        today = now.date()
        allowed = NEW_PER_DAY - sum(1 for d in self.first.values() if d == day)
        found = needs(SKILLS, self.cards, now, today, UTC, allowed, self.levels)
        if self.by_retrievability:
            found = self._first_design(now, allowed)
        if not found:
            found = ahead(SKILLS, self.cards, now, today, UTC, self.levels)
        return found[0].skill

    def _first_design(self, now: datetime, allowed: int) -> list[Need]:
        due = [
            Need(s, "due", retrievability(c, now), c)
            for s, c in self.cards.items()
            if is_due(c, now.date(), UTC)
        ]
        new = [Need(s, "new", None, None) for s in SKILLS if s not in self.cards][: max(0, allowed)]
        return sorted(
            due + new, key=lambda n: 0.85 if n.retrievability is None else n.retrievability
        )

    def scored(self, day: int, skill: str, level: int, evidence: EvidenceStrength) -> None:
        """As services/habit.py applies a scored session: the FSRS card, then the estimate."""
        self.first.setdefault(skill, day)
        at = START + timedelta(days=day, minutes=5)
        shown = evidence if self.evidence else None
        self.cards[skill] = review(self.cards.get(skill), skill, level, at, shown)
        if self.levels is not None:
            self.levels.observe(skill, showing(level, shown), at)


def rotation(module_days: int) -> Picker:
    def pick(day: int, learner: Learner, rng: random.Random) -> str:
        module = MODULES[(day // module_days) % len(MODULES)]
        return module[(day % module_days) % len(module)]

    return pick


def random_pick(day: int, learner: Learner, rng: random.Random) -> str:
    return rng.choice(SKILLS)


def oracle(day: int, learner: Learner, rng: random.Random) -> str:
    return min(SKILLS, key=lambda s: learner.now(s, float(day)))


@dataclass
class Outcome:
    days_to_all: dict[float, int]  # threshold -> first day every skill ends at or above it
    mean_day_60: float
    rank: float  # days 1-60: how many skills were weaker than the one drilled (oracle: 0)


def run(strategy: str, learner_seed: int, model: Model) -> Outcome:
    setup = random.Random(learner_seed)
    learner = Learner(model, {s: setup.uniform(model.start_low, model.start_high) for s in SKILLS})
    judge = random.Random(learner_seed * 7919 + 1)  # the same judge noise for every strategy
    choose = random.Random(learner_seed * 104729 + 2)
    quotes = random.Random(learner_seed * 6151 + 3)  # its own stream: levels stay as they were
    sched = (
        Scheduler(
            by_retrievability=strategy == "scheduler-R",
            evidence=not strategy.endswith("-levels"),
            estimate=not strategy.startswith("old-"),
        )
        if "scheduler" in strategy
        else None
    )
    picker: Picker
    if sched is not None:
        picker = sched.pick
    elif strategy == "random":
        picker = random_pick
    elif strategy == "oracle":
        picker = oracle
    else:
        picker = rotation(int(strategy.split("-")[1]))
    reached: dict[float, int] = {}
    mean60 = 0.0
    ranks: list[int] = []
    for day in range(HORIZON):
        skill = picker(day, learner, choose)
        performed = learner.now(skill, float(day))
        if day < DAYS:
            ranks.append(sum(learner.now(s, float(day)) < performed for s in SKILLS))
        level = learner.drill(skill, float(day), judge)
        evidence = judge_evidence(performed, level, quotes)
        if sched is not None:
            sched.scored(day, skill, level, evidence)
        lowest = min(learner.now(s, float(day + 1)) for s in SKILLS)
        for th in THRESHOLDS:
            if th not in reached and lowest >= th:
                reached[th] = day + 1
        if day + 1 == DAYS:
            mean60 = statistics.fmean(learner.now(s, float(DAYS)) for s in SKILLS)
        if len(reached) == len(THRESHOLDS) and day + 1 >= DAYS:
            break
    return Outcome(reached, mean60, statistics.fmean(ranks))


def compare(model: Model, learners: int, seed: int, strategies: list[str]) -> dict[str, Any]:
    results = {s: [run(s, seed * 100_003 + n, model) for n in range(learners)] for s in strategies}
    table: dict[str, Any] = {}
    for s, outs in results.items():
        row: dict[Any, Any] = {
            "mean60": statistics.fmean(o.mean_day_60 for o in outs),
            "rank": statistics.fmean(o.rank for o in outs),
        }
        for th in THRESHOLDS:
            days = [o.days_to_all.get(th, HORIZON + 1) for o in outs]
            row[th] = (statistics.median(days), sum(d <= DAYS for d in days) / len(days))
        table[s] = row
    return table


def saving(table: dict[str, Any], who: str, th: float) -> tuple[float, str]:
    best = min((s for s in table if s.startswith("rotation")), key=lambda s: table[s][th][0])
    return 1 - table[who][th][0] / table[best][th][0], best


def learner_checksum(sim: Any = None) -> str:
    """The learner model as code and parameters (of this module, or of another copy of the
    bench, e.g. main's): equal checksums, the same simulated reps and judge levels."""
    sim = sim or sys.modules[__name__]
    parts = [inspect.getsource(x) for x in (sim.Model, sim.Learner)]
    parts += [repr(sim.Model()), repr((sim.SKILLS, sim.MODULES, sim.DAYS, sim.HORIZON, sim.START))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def days(x: float) -> str:
    return f"{x:.0f}" if x <= HORIZON else f">{HORIZON}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-sensitivity", action="store_true", help="the main table only")
    args = parser.parse_args()
    t0 = time.perf_counter()
    main_model = Model()
    print(f"Simulating {args.learners} learners...", file=sys.stderr, flush=True)
    table = compare(main_model, args.learners, args.seed, [*STRATEGIES, "oracle"])
    print(
        f"{args.learners} simulated learners, 12 skills, one drill a day, seed {args.seed} "
        f"(learner model: see the docstring; sha256 {learner_checksum()})\n"
    )
    head = "".join(f"{f'every skill >= {th}':>26}" for th in THRESHOLDS)
    print(f"{'':<21}{head}{'mean p, day 60':>17}{'weaker skills':>15}")
    sub = "".join(f"{'median days':>14}{'by day 60':>12}" for _ in THRESHOLDS)
    print(f"{'strategy':<21}{sub}{'':>17}{'than drilled':>15}")
    for s, row in table.items():
        cells = "".join(f"{days(row[th][0]):>14}{100 * row[th][1]:>11.0f}%" for th in THRESHOLDS)
        print(f"{s:<21}{cells}{row['mean60']:>17.3f}{row['rank']:>15.1f}")
    print()
    for th in THRESHOLDS:
        got, best = saving(table, "scheduler", th)
        levels_only, _ = saving(table, "scheduler-levels", th)
        old, _ = saving(table, "old-scheduler", th)
        old_levels, _ = saving(table, "old-scheduler-levels", th)
        ceiling, _ = saving(table, "oracle", th)
        share = got / ceiling if ceiling > 0 else float("nan")
        print(
            f"every skill >= {th}: the scheduler needs {100 * got:.0f}% fewer drills than the best "
            f"rotation ({best}, {days(table[best][th][0])} days; {100 * levels_only:.0f}% from "
            f"the levels alone); the old scheduler {100 * old:.0f}% ({100 * old_levels:.0f}% "
            f"from the levels alone); the oracle's ceiling: {100 * ceiling:.0f}%, so the "
            f"scheduler gets {100 * share:.0f}% of it"
            + (f" (target 2/3: {'met' if share >= 2 / 3 else 'NOT met'})." if th == 0.5 else ".")
        )

    if args.no_sensitivity:
        print(f"\n({time.perf_counter() - t0:.1f} s)")
        return
    n = max(20, args.learners // 4)
    print(f"\nSensitivity ({n} learners each; fewer drills than the best rotation):")
    variants = {
        "as above": main_model,
        "slower forgetting (first span 6 days)": Model(first_span=6.0),
        "more uneven reps (p0 up to 0.9)": Model(start_high=0.9),
        "sharper judge (noise 0.2)": Model(noise=0.2),
        "exact judge (noise 0: levels = round(1 + 4p))": Model(noise=0.0),
    }
    for name, model in variants.items():
        t = compare(
            model,
            n,
            args.seed + 1,
            [
                "scheduler",
                "old-scheduler-levels",
                "rotation-3",
                "rotation-6",
                "rotation-9",
                "oracle",
            ],
        )
        parts = []
        for th in THRESHOLDS:
            got, _ = saving(t, "scheduler", th)
            old, _ = saving(t, "old-scheduler-levels", th)
            ceiling, _ = saving(t, "oracle", th)
            parts.append(
                f">= {th}: scheduler {100 * got:+.0f}% (old {100 * old:+.0f}%), "
                f"oracle {100 * ceiling:+.0f}%"
            )
        print(f"  {name:<46} " + " · ".join(parts))
    print(f"\n({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
