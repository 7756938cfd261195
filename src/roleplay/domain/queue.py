"""Today's queue: which skills need practice, and the drill or call chosen for each.

Which skills, in order (`needs`):
- a skill is *due* when its FSRS due date is today or earlier (the rep's local day): FSRS says
  when a skill comes back so it is not forgotten; and a skill is due as well when the level
  the rep would likely show today is below the pass level or within one showing's spread of
  it (DUE_BELOW), whatever FSRS says. But a skill FSRS brings back that the estimate puts
  surely above the pass level (SURE_ABOVE of its spreads or more: the chance it has slipped
  below is under 0.2%) is not due: the estimate already counts how practice fades, and the
  drill is worth more on a skill that may be below it. It waits with the skills practised
  ahead (`ahead`), and comes back as due when its estimate nears the pass level, or at the
  latest when FSRS's chance that the rep still does it at the pass level has fallen to
  RECHECK_BELOW (FSRS brings a skill back at 90%): a check on the estimate, so a skill is
  never left unpractised for good because it once looked strong;
- skills never practised are *new*; at most `new_allowed` of them join a day's queue (the
  caller counts the ones already introduced today), in the caller's introduction order;
- the order is the level the rep would likely show today, lowest first: the estimate of
  domain/skill_level.py (`Levels`: every showing of the skill, what practice adds and how it
  fades, at the pace this rep has shown). So the weakest skill comes first even when FSRS would
  bring a stronger one back first (bench/scheduler_sim.py: ordering by FSRS found the weakest
  skill no better than chance). Without an estimate for a skill (a caller without `levels`) it
  is the last showing discounted by the chance it still holds, 1 + (last showing - 1) *
  retrievability;
- of the skills expected at the pass level or above, the one likeliest to be below it comes
  first: how far it is expected above the pass level, in units of how unsure that estimate is
  (`Need.margin`). The goal is every skill at the pass level; a skill shown at 3 once, weeks
  ago, is likelier to have slipped below it than one shown at 3 every few days, although the
  estimate puts them alike (the judge's single level is noisy: bench/scheduler_sim.py, late in
  the run the skills left below the pass level were mostly ones shown once or twice, weeks
  before, estimated just above it). Below the pass level the lowest level still comes first:
  there every skill needs practice, and the weakest needs it most;
- a new skill ranks like an expected NEW_LEVEL, as likely below as above: after whatever is
  expected to fall below the pass level, before whatever is expected to pass. A skill already
  practised today waits behind the others (`done_today`): practice is interleaved, not one
  skill drilled all day because it stays the weakest.

Which way to practise each (`plan`), greedily in that order, lowest cost first:
- never the same scenario twice in one day's queue (unless nothing else trains the skill), and
  not the scenarios of the last few sessions: skills are interleaved, not one scenario repeated;
- a drill when the skill itself is what needs work; a whole call when it also exercises two or
  more other skills that are due today (those are then practised by that call, not queued again),
  and preferably not one that would also bring in skills never practised that are not queued;
- shorter before longer; easier scenarios for new and weak skills; the rep's usual language.

And which variation (`fresh_choices`, `seed_for`): for every variation dimension the option the
rep has seen least recently in that scenario, realised as a seed so the command replays it.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Literal, Protocol

# The cards and level estimate may be the models (domain/schedule.py, skill_level.py) or the
# plain views `roleplay today` reads (domain/habit_views.py: no pydantic, issue 18); the
# retrievability is the same FSRS figure for both (tests/test_readpath10_views.py).
from roleplay.domain.habit_views import retrievability
from roleplay.domain.level_estimate import NEW_SD, SHOWING_SD
from roleplay.domain.variation import draw_choices

if TYPE_CHECKING:  # `today` reads the catalog's summary: the scenario models stay unloaded
    from roleplay.domain.habit_views import PlainCard, PlainLevels
    from roleplay.domain.scenario import Scenario
    from roleplay.domain.schedule import SkillCard as ModelCard
    from roleplay.domain.skill_level import Levels as ModelLevels

    SkillCard = ModelCard | PlainCard
    Levels = ModelLevels | PlainLevels


class Estimate(Protocol):
    """skill_level.Estimate (or its plain twin): a level and how unsure it is."""

    @property
    def level(self) -> float: ...
    @property
    def spread(self) -> float: ...


PASS_LEVEL = 3.0  # the rubrics' pass level
# A skill expected below this today is due, whatever FSRS says: within one showing's spread
# of the pass level it could well show below it. (bench/scheduler_sim.py, 100 learners, seeds
# 1-3: a margin of 0 / 0.5 / 1.0 level saved 23-28% / 24-26% / 24-26% at the pass level and
# 7-8% / 10-11% / 12-13% at p >= 0.7; 0 leaves the last weak skills waiting behind skills FSRS
# brings back.)
DUE_BELOW = PASS_LEVEL + SHOWING_SD
# A skill FSRS brings back is not due when its estimate lies this many spreads or more above
# the pass level, until FSRS's retrievability falls below RECHECK_BELOW (see the module
# docstring). bench/scheduler_sim.py, 200 learners, seeds 1-6: every skill at p >= 0.7 in
# 96-98 days (median) instead of 99-101 with FSRS due deciding alone, at p >= 0.6 in 69-70
# instead of 70-71, the same at the pass level; with no recheck at all (FSRS never bringing
# back a skill surely above the pass level) no better; rechecking one FSRS interval past the
# due date kept only half of it (98-99 days at p >= 0.7). The first values tried; not tuned.
SURE_ABOVE = 3.0
RECHECK_BELOW = 0.7
NEW_LEVEL = PASS_LEVEL  # where a never-practised skill ranks
RECENT = 5  # sessions whose scenarios the queue avoids repeating
# How unsure a level is that comes without an estimate (FSRS's discounted last showing): the
# estimate's own prior spread. Only its order matters, so any one value orders such skills by
# level alone, as before.
UNSURE = NEW_SD
MIN_SPREAD = 1e-6  # a spread is never 0, but a division by it must not fail


@dataclass(frozen=True)
class Need:
    skill: str
    kind: Literal["due", "new", "ahead"]  # ahead: not due yet, practised early for the goal
    retrievability: float | None  # None for a new skill
    card: SkillCard | None
    level: float | None = None  # the level estimate for today (skill_level.Levels), if known
    spread: float | None = None  # how unsure that estimate is (levels, one standard deviation)

    @property
    def weak(self) -> bool:
        return self.card is None or self.card.last_level <= 2

    @property
    def expected_level(self) -> float:
        """The level the rep would likely show today (NEW_LEVEL for a new skill)."""
        if self.card is None or self.retrievability is None:
            return NEW_LEVEL
        if self.level is not None:
            return self.level
        return 1 + (self.card.shown - 1) * self.retrievability

    @property
    def margin(self) -> float:
        """How far the expected level lies above the pass level, in units of how unsure it is:
        the lower, the likelier the skill is below the pass level (0: as likely as not)."""
        spread = self.spread if self.level is not None and self.spread is not None else UNSURE
        return (self.expected_level - PASS_LEVEL) / max(spread, MIN_SPREAD)

    @property
    def rank(self) -> tuple[int, float]:
        """Where the skill goes in the queue: below the pass level, the lowest expected level
        first; at or above it, the likeliest to be below it first (see the module docstring)."""
        if self.expected_level < PASS_LEVEL:
            return (0, self.expected_level)
        return (1, self.margin)


def needs(
    skills: Iterable[str],
    cards: Mapping[str, SkillCard],
    now: datetime,
    today: date,
    tz: tzinfo,
    new_allowed: int,
    levels: Levels | None = None,
    done_today: Collection[str] = (),
) -> list[Need]:
    """Due and new skills among `skills` (given in introduction order), most urgent first.
    `levels`: the rep's level estimate (without it, skills are due by FSRS alone);
    `done_today`: skills already practised today, which wait behind the others."""
    ordered = list(dict.fromkeys(skills))
    known = [s for s in ordered if s in cards]
    found = levels.estimates(known, now) if levels is not None else {}
    due = [n for s in known if _due(n := _need(s, "due", cards[s], now, found), today, tz)]
    new = [Need(s, "new", None, None) for s in ordered if s not in cards][: max(0, new_allowed)]

    def urgency(n: Need) -> tuple[bool, tuple[int, float], int, str]:
        return (
            n.skill in done_today,
            n.rank,
            1 if n.kind == "new" else 0,
            n.card.due.isoformat() if n.card else "",
        )

    return sorted(due + new, key=urgency)  # stable: new skills keep their introduction order


def ahead(
    skills: Iterable[str],
    cards: Mapping[str, SkillCard],
    now: datetime,
    today: date,
    tz: tzinfo,
    levels: Levels | None = None,
) -> list[Need]:
    """Skills not due, the likeliest to be below the pass level first (`Need.rank`): practice
    ahead, when the rep wants more than is due (FSRS counts an early review for what it is: a
    smaller gain). These are the skills FSRS has not brought back yet and those it has that
    the estimate puts surely above the pass level (see the module docstring)."""
    known = [s for s in dict.fromkeys(skills) if s in cards]
    estimates = levels.estimates(known, now) if levels is not None else {}
    found = [
        n for s in known if not _due(n := _need(s, "ahead", cards[s], now, estimates), today, tz)
    ]
    return sorted(found, key=lambda n: (n.rank, n.retrievability or 0.0, n.skill))


def _due(need: Need, today: date, tz: tzinfo) -> bool:
    """Due today: likely near or below the pass level, or brought back by FSRS and not surely
    above the pass level, or long past it by FSRS (retrievability below RECHECK_BELOW)."""
    if need.level is not None and need.level < DUE_BELOW:
        return True
    card = need.card
    assert card is not None  # a practised skill
    if card.due_day(tz) > today:  # schedule.is_due: not due by FSRS
        return False
    if need.level is None or need.margin < SURE_ABOVE:
        return True
    return need.retrievability is not None and need.retrievability < RECHECK_BELOW


def _need(
    skill: str,
    kind: Literal["due", "ahead"],
    card: SkillCard,
    now: datetime,
    estimates: Mapping[str, Estimate],
) -> Need:
    estimate = estimates.get(skill)
    return Need(
        skill,
        kind,
        retrievability(card, now),
        card,
        estimate.level if estimate else None,
        estimate.spread if estimate else None,
    )


@dataclass(frozen=True)
class Option:
    """One way to practise: a drill of a scenario, or the whole call."""

    scenario: str
    title: str
    drill: str | None
    drill_title: str | None
    skills: tuple[str, ...]
    minutes: float
    difficulty: int
    language: str = "en"
    from_call: bool = False  # a drill made from one of the team's real calls


@dataclass(frozen=True)
class Past:
    """A recent session of the rep's, for interleaving."""

    scenario: str
    drill: str | None
    language: str = "en"


@dataclass(frozen=True)
class Pick:
    need: Need
    option: Option
    also: tuple[str, ...]  # other skills of today's queue this option practises


def plan(
    wanted: Sequence[Need],
    options: Mapping[str, Sequence[Option]],
    recent: Sequence[Past],
    language: str | None = None,
    unpractised: Iterable[str] = (),
) -> list[Pick]:
    """One pick per need that some option trains; see the module docstring for the choice.

    `unpractised`: skills never practised; an option that would also bring in ones that are
    not queued today costs more (new skills come a few at a time)."""
    lang = language or _usual_language(recent, options)
    untouched = set(unpractised)
    needed = {n.skill for n in wanted}
    covered: set[str] = set()
    used: set[str] = set()
    picks: list[Pick] = []
    for need in wanted:
        if need.skill in covered or not options.get(need.skill):
            continue
        others = needed - covered - {need.skill}

        def cost(o: Option, need: Need = need, others: set[str] = others) -> float:
            extra_new = len((set(o.skills) & untouched) - needed)
            return _cost(o, need, others, used, recent, lang) + 8 * extra_new

        best = min(options[need.skill], key=lambda o: (cost(o), o.scenario, o.drill or ""))
        also = tuple(s for s in best.skills if s in others)
        covered |= {need.skill, *also}
        used.add(best.scenario)
        picks.append(Pick(need, best, also))
    return picks


def _cost(
    o: Option,
    need: Need,
    others: set[str],
    used: set[str],
    recent: Sequence[Past],
    language: str | None,
) -> float:
    cost = 100.0 if o.scenario in used else 0.0
    for pos, past in enumerate(recent[:RECENT]):
        if past.scenario == o.scenario:
            cost += (RECENT - pos) * 6
            if past.drill == o.drill:
                cost += (RECENT - pos) * 4
    cost -= 12 * len(others & set(o.skills))
    if o.drill is not None:
        cost -= 10  # focus on the moment that needs work
    if o.from_call:
        cost -= 15  # a moment a real customer brought: the closest practice to real work
    cost += o.minutes
    cost += 3 * o.difficulty if need.weak else 1.5 * abs(o.difficulty - 3)
    if language and o.language != language:
        cost += 40
    return cost


def _usual_language(recent: Sequence[Past], options: Mapping[str, Sequence[Option]]) -> str | None:
    counts = Counter(p.language for p in recent) or Counter(
        o.language for opts in options.values() for o in opts
    )
    return counts.most_common(1)[0][0] if counts else None


# --- variations the rep has not seen recently ----------------------------------------------


def fresh_choices(
    scenario: Scenario, seen: Iterable[Mapping[str, str]], pinned: Mapping[str, str]
) -> dict[str, str]:
    """Per dimension, the option seen least recently (`seen`: past choices, newest first)."""
    last: dict[str, dict[str, float]] = {}
    for n, past in enumerate(seen):
        for dim, chosen in past.items():
            last.setdefault(dim, {}).setdefault(chosen, -n)
    return least_recent(scenario, last, pinned)


def least_recent(
    scenario: Scenario, last: Mapping[str, Mapping[str, float]], pinned: Mapping[str, str]
) -> dict[str, str]:
    """Per dimension, the option seen least recently. `last`: per dimension and option, when
    it was last seen, as any count that grows with time (`today` notes each session's place
    in the rep's history while it walks them once); never seen is longest ago, the first of
    those options first."""
    wanted: dict[str, str] = {}
    for dim in sorted(scenario.variations):
        if dim in pinned:
            wanted[dim] = pinned[dim]
            continue
        ids = [o.id for o in scenario.variations[dim]]
        met = last.get(dim, {})
        wanted[dim] = min(ids, key=lambda o: (met.get(o, -math.inf), ids.index(o)))
    return wanted


def seed_for(
    scenario: Scenario,
    wanted: Mapping[str, str],
    pinned: Mapping[str, str],
    start: int,
    tries: int = 400,
) -> tuple[int, dict[str, str]]:
    """A seed whose draw gives `wanted` (or the closest one found), searched from `start`."""
    best: tuple[int, int, dict[str, str]] | None = None
    for k in range(tries):
        seed = (start + k) % 2**32
        choices = draw_choices(scenario, seed, dict(pinned))
        hits = sum(choices.get(d) == v for d, v in wanted.items())
        if best is None or hits > best[0]:
            best = (hits, seed, choices)
        if hits == len(wanted):
            break
    assert best is not None
    return best[1], best[2]


def day_seed(day: date, skill: str) -> int:
    """Where the seed search starts: stable for a day and skill, so `today` is repeatable."""
    return zlib.crc32(f"{day.isoformat()}:{skill}".encode())
