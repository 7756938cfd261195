"""What `roleplay today` and `roleplay progress` show, assembled from the synced habit state."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from roleplay.bulk import collector_paused
from roleplay.domain import queue as q
from roleplay.domain.habit_views import retrievability
from roleplay.domain.practice_days import Goal, Streak, local_day, streak
from roleplay.domain.suggest import unknown_reference
from roleplay.errors import RoleplayError

if TYPE_CHECKING:  # progress's series load for `progress` only (9 classes `today` never uses)
    from roleplay.domain.habit import HabitState, PracticeEntry
    from roleplay.domain.habit_views import PlainEntry, PlainOpen, PlainState
    from roleplay.domain.progress import CommitmentStats, KpiSeries, RealCalls, SkillProgress
    from roleplay.domain.scenario import Scenario
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.shown_session import ShownCard
    from roleplay.services.catalog import Catalog
    from roleplay.services.catalog_summary import CatalogSummary
    from roleplay.services.daily_read import QuickHabit
    from roleplay.services.habit import Habit, OpenCommitment

    # The commands read the summary (no scenario models loaded); the app has the catalog.
    AnyCatalog = Catalog | CatalogSummary
    # `roleplay today` reads the schedule's quick copy as plain views when it can (no
    # pydantic: services/daily_read.py); else the Habit and its models, as the app does.
    AnyHabit = Habit | QuickHabit
    AnyState = HabitState | PlainState

# A scenario made from a real call (domain/call_drill.py DRILL_PREFIX; that module, with the
# rubric and transcript models it needs, is not loaded to read one constant).
DRILL_PREFIX = "from-call-"

UPCOMING = 5
AHEAD_MINUTES = 3  # a typical drill, to turn a minutes goal into a number of items


# NamedTuples, not dataclasses: read-only results that cost a fifth as much to define at
# import (a dataclass compiles its methods), which every `today` paid.


class QueueItem(NamedTuple):
    """One drill of today's queue, and why it is there."""

    skill: str
    kind: str  # "due", "new", or "ahead" (not due yet: practised early to meet the goal)
    retrievability: float | None
    due: date | None
    last_level: int | None
    last_practised: date | None  # the rep's local day
    scenario: str
    scenario_title: str
    drill: str | None
    drill_title: str | None
    minutes: float
    seed: int
    variation: dict[str, str]
    also: tuple[str, ...]
    commitment: str | None

    @property
    def command(self) -> str:
        drill = f" --drill {self.drill}" if self.drill else ""
        return f"roleplay practice {self.scenario}{drill} --seed {self.seed}"


class Today(NamedTuple):
    """What `roleplay today` shows."""

    rep: str
    day: date
    timezone: str
    streak: Streak
    goal: Goal
    plan: tuple[QueueItem, ...]  # enough to meet today's goal, most urgent first
    more: tuple[QueueItem, ...]  # also due or new today, beyond the goal
    upcoming: tuple[tuple[str, date], ...]  # the next skills to come due
    commitments: tuple[OpenCommitment | PlainOpen, ...]
    untrainable: tuple[str, ...]  # due skills that no scenario in the workspace trains
    skills_known: int  # skills practised at least once
    skills_total: int  # skills the workspace's scenarios train


def options(catalog: AnyCatalog) -> dict[str, list[q.Option]]:
    """Skill -> every drill and whole call that trains it."""
    found: dict[str, list[q.Option]] = defaultdict(list)
    for ident in sorted(catalog.scenarios):  # each is kept under its id
        s = catalog.scenarios[ident].scenario
        whole = q.Option(
            s.id, s.title, None, None, tuple(s.skills), s.time_limit / 60, s.difficulty, s.language
        )
        for skill in s.skills:
            found[skill].append(whole)
        for d in s.drills:
            drill = q.Option(
                s.id,
                s.title,
                d.id,
                d.title,
                tuple(d.skills),
                d.time_limit / 60,
                s.difficulty,
                s.language,
                from_call=s.id.startswith(DRILL_PREFIX),
            )
            for skill in d.skills:
                found[skill].append(drill)
    return dict(found)


def introduction_order(opts: dict[str, list[q.Option]]) -> list[str]:
    """New skills come in from the easiest scenarios first."""
    return sorted(opts, key=lambda skill: (min(o.difficulty for o in opts[skill]), skill))


def today(habit: AnyHabit, catalog: AnyCatalog) -> Today:
    settings = habit.settings
    tz = settings.tz
    now = habit.clock.now()
    day = local_day(now, tz)
    state = habit.state_to_read(catalog)  # not the KPIs, evidence, checkpoints progress plots
    sessions: Sequence[PracticeEntry | PlainEntry] = state.sessions
    # One walk over the sessions for what their local days say (at 8,000 sessions each walk
    # is 8,000 time-zone conversions or passes): as HabitState.done_on, first_practised and
    # practice_days; and per scenario, when each variation option was last seen (fresh_choices).
    on_day: list[PracticeEntry | PlainEntry] = []
    first: dict[str, date] = {}  # skill -> the day of the first session that scored it
    practice_days: set[date] = set()
    last_seen: dict[str, dict[str, dict[str, float]]] = {}  # scenario -> dim -> option -> n
    for n, e in enumerate(sessions):
        at = e.started_at
        d = at.astimezone(tz).date() if at.tzinfo is not None else local_day(at, tz)  # raises
        if d == day:
            on_day.append(e)
        for skill in e.levels:
            if skill not in first:
                first[skill] = d
        if e.practised:
            practice_days.add(d)
        if e.variation:
            dims = last_seen.setdefault(e.scenario, {})
            for dim, chosen in e.variation.items():
                dims.setdefault(dim, {})[chosen] = n
    practised = [e for e in on_day if e.practised]
    done, minutes = len(practised), round(sum(e.minutes for e in practised), 1)
    goal = Goal(settings.goal_drills, settings.goal_minutes, done, minutes)
    opts = options(catalog)
    introduced_today = sum(1 for d in first.values() if d == day)
    wanted = q.needs(
        introduction_order(opts),
        state.cards,
        now,
        day,
        tz,
        settings.new_skills_per_day - introduced_today,
        state.levels,
        {k for e in on_day for k in e.levels},
    )
    # What a real call showed comes first: the closest practice to the rep's own work.
    real = _from_real_calls(habit, state, opts, now)
    wanted = real + [n for n in wanted if n.skill not in {r.skill for r in real}]
    if goal.set and not goal.met:  # less is due than the rep wants to do: practise ahead
        want = max(goal.drills_left, math.ceil(goal.minutes_left / AHEAD_MINUTES))
        wanted += q.ahead(introduction_order(opts), state.cards, now, day, tz, state.levels)[
            : max(0, want - len(wanted))
        ]
    newest = (e for e in reversed(sessions) if e.practised)
    recent = [q.Past(e.scenario, e.drill, e.language) for e in islice(newest, q.RECENT)]
    # Each habit reads the state it gave (the models', or the plain views).
    opened = habit.open_commitments(state=cast("Any", state))
    open_by_skill = {o.commitment.skill: o for o in opened}
    items = [
        _item(p, catalog, last_seen, day, tz, open_by_skill.get(p.need.skill))
        for p in q.plan(wanted, opts, recent, unpractised=set(opts) - set(state.cards))
    ]
    plan, more = _split(items, goal)
    due_skills = {s for s, c in state.cards.items() if c.due_day(tz) <= day}
    upcoming = sorted(
        ((s, c.due_day(tz)) for s, c in state.cards.items() if s not in due_skills and s in opts),
        key=lambda x: (x[1], x[0]),
    )
    return Today(
        rep=habit.rep,
        day=day,
        timezone=settings.tz_name,
        streak=streak(practice_days, day),
        goal=goal,
        plan=tuple(plan),
        more=tuple(more),
        upcoming=tuple(upcoming[:UPCOMING]),
        commitments=tuple(open_by_skill.values()),
        untrainable=tuple(sorted(due_skills - set(opts))),
        skills_known=sum(1 for s in state.cards if s in opts),
        skills_total=len(opts),
    )


REAL_CALL_DAYS = 14  # a weak moment of a real call this recent brings its skill into the queue


def _from_real_calls(
    habit: AnyHabit,
    state: AnyState,
    opts: dict[str, list[q.Option]],
    now: datetime,
) -> list[q.Need]:
    """Skills a recent real call scored below the pass level, not practised since: due today.
    The real call's levels never enter the schedule; it only says what to practise next."""
    found: list[q.Need] = []
    queued: set[str] = set()
    last: dict[str, datetime] | None = None  # skill -> when it was last practised
    for _sid, at, card in reversed(habit.real_calls()):
        if now - at > timedelta(days=REAL_CALL_DAYS):
            break
        for c in card.criteria:
            skill = c.skill
            if c.level is None or c.level >= card.pass_threshold or skill not in opts:
                continue
            if last is None:  # one walk for every weak moment (not one each: 8,000 sessions)
                last = _last_practised(state.sessions)
            if skill in queued or (skill in last and last[skill] > at):
                continue
            card_now = state.cards.get(skill)
            r = None if card_now is None else retrievability(card_now, now)
            found.append(q.Need(skill, "due" if card_now else "new", r, card_now))
            queued.add(skill)
    return found


def _last_practised(sessions: Sequence[PracticeEntry | PlainEntry]) -> dict[str, datetime]:
    """Skill -> the end of the latest session that scored it."""
    last: dict[str, datetime] = {}
    for e in sessions:
        for skill in e.levels:
            when = last.get(skill)
            if when is None or e.ended_at > when:
                last[skill] = e.ended_at
    return last


def _item(
    p: q.Pick,
    catalog: AnyCatalog,
    last_seen: dict[str, dict[str, dict[str, float]]],
    day: date,
    tz: tzinfo,
    open_c: OpenCommitment | PlainOpen | None,
) -> QueueItem:
    o = p.option
    scenario = catalog.scenarios[o.scenario].scenario
    pinned = dict(scenario.drill(o.drill).pinned) if o.drill else {}
    # The summary's facts carry what drawing a variation reads (ids, weights), under the
    # model's names (tests/test_catalog_summary.py draws both alike).
    model = cast("Scenario", scenario)
    wanted = q.least_recent(model, last_seen.get(o.scenario, {}), pinned)
    seed, choices = q.seed_for(model, wanted, pinned, q.day_seed(day, p.need.skill))
    card = p.need.card
    return QueueItem(
        skill=p.need.skill,
        kind=p.need.kind,
        retrievability=p.need.retrievability,
        due=card.due_day(tz) if card else None,
        last_level=card.last_level if card else None,
        last_practised=local_day(card.last_review, tz) if card else None,
        scenario=o.scenario,
        scenario_title=o.title,
        drill=o.drill,
        drill_title=o.drill_title,
        minutes=round(o.minutes, 1),
        seed=seed,
        variation=choices,
        also=p.also,
        commitment=open_c.commitment.text if open_c else None,
    )


def _split(items: list[QueueItem], goal: Goal) -> tuple[list[QueueItem], list[QueueItem]]:
    """The first items that meet what is left of today's goal, and the rest."""
    if not goal.set:
        return items, []
    plan: list[QueueItem] = []
    drills, minutes = goal.drills_left, goal.minutes_left
    for item in items:
        if drills <= 0 and minutes <= 0:
            break
        plan.append(item)
        drills -= 1
        minutes -= item.minutes
    return plan, items[len(plan) :]


# --- progress ----------------------------------------------------------------------------


def calls(habit: AnyHabit) -> list[tuple[str, datetime, Scorecard | ShownCard]]:
    """The rep's scored real calls (their scorecards: the models', or plain views)."""
    return list(habit.real_calls())


class UnknownSkill(RoleplayError):
    """Not in the workspace; the message names close matches."""


class Progress(NamedTuple):
    """What `roleplay progress` shows."""

    rep: str
    day: date
    timezone: str
    streak: Streak
    sessions: int  # practice sessions (scored, the rep spoke)
    practice_days: tuple[date, ...]
    skills: tuple[SkillProgress, ...]
    not_practised: tuple[str, ...]  # skills the workspace trains that the rep has not tried
    kpis: tuple[KpiSeries, ...]
    commitments: CommitmentStats
    open_commitments: tuple[OpenCommitment | PlainOpen, ...]
    real_calls: RealCalls | None = None  # scored real calls, beside practice


def progress(
    habit: AnyHabit,
    catalog: AnyCatalog,
    skill: str | None = None,
    days: int = 90,
    points: int | None = None,
) -> Progress:
    """`days` of day-by-day retrievability per skill (0: none); `points`: only the latest that
    many points of each series, a skill's levels and each KPI (None: all). Without the days
    and with few points, the schedule's quick copy is enough (state_to_read): it holds what
    the rest is made of, not the replay's inputs."""
    from roleplay.domain.progress import RECENT_POINTS

    now = habit.clock.now()
    quick = days == 0 and points is not None and points <= RECENT_POINTS
    if quick:
        state: AnyState = habit.state_to_read(catalog)
    else:  # the day-by-day series and whole series: the whole state (the cli gives a Habit)
        state = cast("Habit", habit).state(catalog)
    # Tens of thousands of points at 8,000 sessions, and no garbage cycles among them.
    with collector_paused():
        return _progress(habit, catalog, state, now, skill, days, points)


def _progress(
    habit: AnyHabit,
    catalog: AnyCatalog,
    state: AnyState,
    now: datetime,
    skill: str | None,
    days: int,
    points: int | None,
) -> Progress:
    from roleplay.domain.progress import commitment_stats, kpi_series, real_calls, skill_progress

    tz = habit.settings.tz
    day = local_day(now, tz)
    trained = set(options(catalog))
    known = set(state.cards)
    if skill is not None and skill not in known | trained:
        message, hint = unknown_reference("skill", skill, known | trained)
        raise UnknownSkill(f"{message}; {hint}")
    chosen = [skill] if skill is not None else sorted(known)
    found = [
        p for s in chosen if (p := skill_progress(state, s, now, tz, days, points)) is not None
    ]
    practice_days = sorted(set(state.practice_days(tz)))
    return Progress(
        rep=habit.rep,
        day=day,
        timezone=habit.settings.tz_name,
        streak=streak(practice_days, day),
        sessions=sum(1 for e in state.sessions if e.practised),
        practice_days=tuple(practice_days),
        skills=tuple(found),
        not_practised=tuple(sorted(({skill} if skill else trained) - known)),
        kpis=tuple(kpi_series(state, tz, points)) if skill is None else (),
        commitments=commitment_stats(state, tz),
        open_commitments=tuple(habit.open_commitments(state=cast("Any", state))),
        real_calls=real_calls(cast("Any", habit.real_calls()), state, tz)
        if skill is None
        else None,
    )
