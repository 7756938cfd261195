"""A new rep's pace prior from their teammates' judged sessions (issue 18, stop 35).

How fast practice sticks is learnt from a rep's own showings, which takes weeks; reps on a team
share a workspace, so a new schedule starts from what the teammates' judged sessions showed
(skill_level.team_prior) instead of a flat prior. A rep alone keeps today's schedule."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from roleplay.adapters.clock import ManualClock
from roleplay.composition import Services, build
from roleplay.config import Settings
from roleplay.domain.schedule import showing
from roleplay.domain.skill_level import Levels
from roleplay.services.daily import today
from tests.test_habit_service import DAY, GOOD, WEAK, T, practise

NEXT = "Can I send a calendar invite for Tuesday next week?"
THREE = [*GOOD[:2], NEXT]  # two open questions: discovery-questions at level 3
FOUR = [*GOOD[:2], "How do you decide which driver takes which route?", NEXT]  # level 4


def rep(ws: Path, clock: ManualClock, name: str) -> Services:
    return build(ws, settings=Settings(rep=name, timezone="Europe/Oslo"), clock=clock)


def teammates_whose_practice_does_not_stick(ws: Path, clock: ManualClock) -> None:
    """Two reps, a month before: a good call one day, a weak one the next, for six days."""
    for name in ("ann", "bo"):
        s = rep(ws, clock, name)
        for day in range(6):
            practise(s, clock, GOOD if day % 2 == 0 else WEAK)
            clock.advance(DAY)


def new_rep_practises(ws: Path, clock: ManualClock) -> Services:
    """Three days of calls, discovery-questions shown at 3, 3, 4; then the next morning."""
    clock.advance((T - clock.now()).total_seconds())
    s = rep(ws, clock, "tester")
    assert set(kinds(s).values()) == {"new"}  # as a new rep looks first
    for lines in (THREE, THREE, FOUR):
        practise(s, clock, lines)
        clock.advance(DAY)
    return s


def kinds(s: Services) -> dict[str, str]:
    t = today(s.habit(), s.catalog())
    return {i.skill: i.kind for i in (*t.plan, *t.more)}


def test_a_new_rep_on_a_team_whose_practice_fades_gets_a_skill_back_sooner(
    mini_workspace: Path, tmp_path: Path
) -> None:
    alone_ws = tmp_path / "alone"
    shutil.copytree(mini_workspace, alone_ws)
    clock = ManualClock(T - timedelta(seconds=30 * DAY))
    teammates_whose_practice_does_not_stick(mini_workspace, clock)
    on_team = new_rep_practises(mini_workspace, clock)
    alone_clock = ManualClock(T)
    alone = new_rep_practises(alone_ws, alone_clock)
    # The same sessions, the same levels: alone, discovery-questions (shown at 4 last) is not
    # due yet for days; on a team whose practice did not last, it is due the next morning.
    assert on_team.habit().state().cards == alone.habit().state().cards
    for _ in range(3):
        assert kinds(alone)["discovery-questions"] == "ahead"
        assert kinds(on_team)["discovery-questions"] == "due"
        clock.advance(DAY)
        alone_clock.advance(DAY)


def test_a_rep_alone_gets_exactly_todays_schedule(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = new_rep_practises(mini_workspace, clock)
    state = s.habit().rebuild()
    replayed = Levels()
    for entry in state.sessions:
        for skill, level in entry.levels.items():
            replayed.observe(skill, showing(level, entry.evidence.get(skill)), entry.ended_at)
    assert state.levels == replayed
    assert all(f.prior == 0.0 for f in state.levels.fits)
