"""The habit service on real recordings: sync, rebuild, persistence, today's queue."""

from __future__ import annotations

import itertools
import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from roleplay.adapters.clock import ManualClock
from roleplay.composition import Services, build
from roleplay.config import Settings, data_dir
from roleplay.services.daily import progress, today
from tests.helpers import play

T = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Oslo
DAY = 24 * 3600
GOOD = [
    "How does a typical morning look for your dispatch team?",
    "What happens when the late orders come in?",
    "Can I send you an invite for next week?",
]
WEAK = ["We have a great planner.", "Trust me, it is great."]


def make(ws: Path, clock: ManualClock, **settings: Any) -> Services:
    conf = Settings(rep="tester", timezone="Europe/Oslo", **settings)
    return build(ws, settings=conf, clock=clock)


def practise(
    s: Services, clock: ManualClock, lines: list[str], scenario: str = "mini", **kw
) -> str:
    call = s.practice.begin(scenario, s.profile(), seed=kw.pop("seed", 1), **kw)
    play(call, lines, clock)
    s.practice.finish(call)
    s.habit().after_session(call.record.id)
    return call.record.id


def history(s: Services, clock: ManualClock) -> list[str]:
    """Two weeks of uneven practice: good days, weak days, missed days, two sessions a day."""
    ids = []
    for day, lines in enumerate([GOOD, WEAK, None, GOOD, WEAK, WEAK, None, None, GOOD, GOOD]):
        if lines is not None:
            ids.append(practise(s, clock, lines, seed=day))
            if day % 4 == 0:
                clock.advance(3 * 3600)
                ids.append(practise(s, clock, WEAK, seed=day + 100))
        clock.advance(DAY)
    return ids


def test_rebuilding_from_the_recordings_gives_the_same_cards(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    history(s, clock)
    synced = s.habit().state()
    assert len(synced.sessions) == 10 and set(synced.cards) == {"discovery-questions", "next-steps"}
    rebuilt = s.habit().rebuild()
    assert rebuilt.cards == synced.cards
    assert rebuilt.sessions == synced.sessions


def test_the_state_survives_a_restart_and_a_lost_file_is_rebuilt(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    history(s, clock)
    before = s.habit().state()
    [saved] = (data_dir() / "habit").glob("*.json")
    assert saved.name.startswith("tester-")
    restarted = make(mini_workspace, clock).habit()
    assert restarted.state() == before
    saved.unlink()
    assert make(mini_workspace, clock).habit().state().cards == before.cards


def test_a_corrupt_state_file_is_reported_and_rebuilt(mini_workspace: Path, caplog) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    history(s, clock)
    before = s.habit().state()
    [saved] = (data_dir() / "habit").glob("*.json")
    saved.write_text('{"format": 1, "rep": "tester", "cards": {"x": 42')
    with caplog.at_level(logging.WARNING):
        after = make(mini_workspace, clock).habit().state()
    assert after.cards == before.cards
    assert "rebuilding it from the recordings" in caplog.text


def test_a_deleted_session_is_undone(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    ids = history(s, clock)
    gone = ids[-1]
    shutil.rmtree(s.store.folder(gone))
    after = s.habit().state()
    assert gone not in {e.id for e in after.sessions}
    assert after.cards == s.habit().rebuild().cards


def test_an_older_session_turning_up_is_replayed_in_order(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    practise(s, clock, GOOD)
    clock.advance(2 * DAY)
    practise(s, clock, WEAK)
    clock.advance(-DAY)  # e.g. recordings copied in from another machine
    practise(s, clock, GOOD)
    state = s.habit().state()
    assert [e.ended_at for e in state.sessions] == sorted(e.ended_at for e in state.sessions)
    assert state.cards == s.habit().rebuild().cards


def test_each_rep_has_their_own_schedule(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    practise(s, clock, GOOD)
    other = s.habit("someone-else").state()
    assert other.sessions == [] and other.cards == {}


def test_sessions_without_a_word_from_the_rep_are_not_practice(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    call = s.practice.begin("mini", s.profile(), seed=1)
    list(call.start())
    s.practice.finish(call)
    state = s.habit().state()
    assert [e.practised for e in state.sessions] == [False] and state.cards == {}


# --- today, through the services ---------------------------------------------------------


def test_a_new_rep_gets_a_few_new_skills_with_a_command_each(workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(workspace, clock, new_skills_per_day=2)
    t = today(s.habit(), s.catalog())
    assert t.streak.total_days == 0 and t.goal.drills_done == 0
    assert 1 <= len(t.plan) + len(t.more) <= 2  # a call may practise both new skills at once
    skills = {i.skill for i in t.plan} | {a for i in t.plan for a in i.also}
    assert len(skills) == 2 and all(i.kind == "new" for i in t.plan)
    first = t.plan[0]
    assert first.command.startswith(f"roleplay practice {first.scenario}")
    assert f"--seed {first.seed}" in first.command
    assert t.skills_known == 0 and t.skills_total >= 12


def test_following_the_queue_for_a_fortnight(workspace: Path) -> None:
    """The queue's own commands, day by day, by a rep who struggles (one vague line a call):
    skills come in a few at a time, failed skills come back the next day, new ones wait
    while old ones are failing, the goal and streak count, no scenario twice in a row."""
    clock = ManualClock(T)
    s = make(workspace, clock, new_skills_per_day=2, daily_goal_drills=2)
    played: list[str] = []
    for day in range(14):
        for _ in range(2):
            t = today(s.habit(), s.catalog())
            item = t.plan[0]
            call = s.practice.begin(item.scenario, s.profile(), seed=item.seed, drill=item.drill)
            assert call.record.variation.choices == item.variation
            play(call, ["Hello, how are things going with that at the moment?"], clock, 30)
            s.practice.finish(call)
            s.habit().after_session(call.record.id)
            played.append(item.scenario)
            clock.advance(3600)
        t = today(s.habit(), s.catalog())
        assert t.goal.drills_done == 2 and t.goal.met, day
        assert t.streak.current == day + 1 and t.streak.practised_today
        clock.advance(DAY - 2 * 3600)
    state = s.habit().state()
    tz = s.habit().settings.tz
    introduced = sorted(state.first_practised(tz).values())
    assert len([d for d in introduced if d == introduced[0]]) <= 5  # not all twelve at once
    assert len(introduced) < today(s.habit(), s.catalog()).skills_total  # failing: new ones wait
    failed = [card for card in state.cards.values() if card.lapses]  # a skill may pass at 3
    assert len(failed) >= len(state.cards) - 1
    assert all(card.lapses >= 2 for card in failed)  # failed skills came back
    assert all(a != b for a, b in itertools.pairwise(played))


def test_a_met_goal_offers_extra_practice(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock, daily_goal_drills=1)
    practise(s, clock, WEAK)
    t = today(s.habit(), s.catalog())
    assert t.goal.met and t.plan == ()
    assert t.streak.practised_today


def test_the_goal_can_be_in_minutes(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock, daily_goal_drills=0, daily_goal_minutes=10)
    practise(s, clock, WEAK)  # two turns of 10 s each
    t = today(s.habit(), s.catalog())
    assert not t.goal.met and 0 < t.goal.minutes_done < 1
    assert t.plan, "nothing due, but the goal is not met: practise ahead"
    assert {i.kind for i in t.plan} <= {"ahead", "due", "new"}


def test_progress_over_time_per_skill_and_kpi(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    history(s, clock)
    p = progress(s.habit(), s.catalog())
    dq = next(x for x in p.skills if x.skill == "discovery-questions")
    assert len(dq.levels) == 10 and {x.level for x in dq.levels} >= {1, 3}
    assert dq.levels[0].retrievability_before == 0.0
    assert len(dq.daily) == 11  # one point per day from the first practice to today
    assert all(0 < d.retrievability <= 1 for d in dq.daily)
    keys = {k.key for k in p.kpis}
    assert {"overall", "questions_open", "talk_ratio_words"} <= keys
    assert p.sessions == 10 and len(p.practice_days) == 7
    single = progress(s.habit(), s.catalog(), skill="next-steps")
    assert [x.skill for x in single.skills] == ["next-steps"] and single.kpis == ()


def test_progress_for_an_unknown_skill_suggests_one(mini_workspace: Path) -> None:
    from roleplay.services.daily import UnknownSkill

    s = make(mini_workspace, ManualClock(T))
    with pytest.raises(UnknownSkill, match="did you mean 'next-steps'"):
        progress(s.habit(), s.catalog(), skill="next-step")
