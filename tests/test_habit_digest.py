"""`roleplay today` reads a quick copy of the schedule (without what only progress plots):
what it shows must be what the whole schedule shows, and the copy must never be used once the
recordings or the saved schedule changed behind its back."""

from __future__ import annotations

import shutil
from pathlib import Path

from roleplay.adapters.clock import ManualClock
from roleplay.config import data_dir
from roleplay.domain.habit import HabitState
from roleplay.services.daily import Today, today
from tests.helpers import play
from tests.test_habit_service import DAY, GOOD, T, history, make


def _quick_copy_used(ws: Path, clock: ManualClock) -> bool:
    """Whether a new process's `today` reads the quick copy (its reviews lack the judge's
    evidence, which only the day-by-day replay reads)."""
    state = make(ws, clock).habit().state_to_read()
    return any(e.levels for e in state.sessions) and all(not e.evidence for e in state.sessions)


def _today(ws: Path, clock: ManualClock) -> Today:
    s = make(ws, clock)
    return today(s.habit(), s.catalog())


def _from_the_whole_schedule(ws: Path, clock: ManualClock) -> Today:
    """What `today` showed before the quick copy existed: copies deleted, a new process."""
    for copy in (data_dir() / "habit").glob("*.today"):
        copy.unlink()
    return _today(ws, clock)


def test_today_from_the_quick_copy_is_what_the_whole_schedule_shows(
    mini_workspace: Path,
) -> None:
    clock = ManualClock(T)
    history(make(mini_workspace, clock), clock)
    assert _quick_copy_used(mini_workspace, clock)
    quick = _today(mini_workspace, clock)
    assert quick == _from_the_whole_schedule(mini_workspace, clock)
    assert quick.streak.total_days > 0 and quick.skills_known == 2


def test_a_session_added_behind_its_back_is_shown(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    history(s, clock)
    before = _today(mini_workspace, clock)
    call = s.practice.begin("mini", s.profile(), seed=7)  # saved, the schedule not told
    play(call, GOOD, clock)
    s.practice.finish(call)
    assert not _quick_copy_used(mini_workspace, clock)
    after = _today(mini_workspace, clock)
    assert after.goal.drills_done == before.goal.drills_done + 1
    assert after == _from_the_whole_schedule(mini_workspace, clock)


def test_a_session_removed_behind_its_back_is_gone(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    ids = history(s, clock)
    clock.advance(-DAY)  # today is the day of the last session
    before = _today(mini_workspace, clock)
    shutil.rmtree(s.store.folder(ids[-1]))
    assert not _quick_copy_used(mini_workspace, clock)
    after = _today(mini_workspace, clock)
    assert after.goal.drills_done == before.goal.drills_done - 1
    assert after == _from_the_whole_schedule(mini_workspace, clock)


def test_a_schedule_rescored_and_saved_behind_its_back_is_read_whole(
    mini_workspace: Path,
) -> None:
    """A session re-scored and the schedule saved again by a process that keeps no quick copy
    (an older version): the copy names the schedule it was cut from, so it is not used."""
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    ids = history(s, clock)
    card = s.store.scorecard(ids[-1])
    assert card is not None
    weaker = [c.model_copy(update={"level": 1}) for c in card.criteria]
    s.store.save_scorecard(ids[-1], card.model_copy(update={"criteria": tuple(weaker)}))
    [saved] = (data_dir() / "habit").glob("*.json")
    rebuilt = make(mini_workspace, clock).habit().rebuild()
    saved.write_text(rebuilt.model_dump_json(indent=1))  # as the older version writes it
    assert not _quick_copy_used(mini_workspace, clock)
    shown = _today(mini_workspace, clock)
    assert shown == _from_the_whole_schedule(mini_workspace, clock)
    last = HabitState.model_validate_json(saved.read_text()).sessions[-1]
    assert set(last.levels.values()) == {1}


def test_an_old_schedule_without_a_quick_copy_still_works(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    history(make(mini_workspace, clock), clock)
    reference = _today(mini_workspace, clock)
    for copy in (data_dir() / "habit").glob("*.today"):
        copy.unlink()
    assert not _quick_copy_used(mini_workspace, clock)
    assert _today(mini_workspace, clock) == reference


def test_a_damaged_quick_copy_is_not_used(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    history(make(mini_workspace, clock), clock)
    reference = _today(mini_workspace, clock)
    [copy] = (data_dir() / "habit").glob("*.today")
    copy.write_text(copy.read_text()[:-200])
    assert not _quick_copy_used(mini_workspace, clock)
    assert _today(mini_workspace, clock) == reference
