"""Practice days, streaks and the daily goal, by the rep's local day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from roleplay.domain.habit import REST_DAYS, Goal, local_day, streak

OSLO = ZoneInfo("Europe/Oslo")
LA = ZoneInfo("America/Los_Angeles")
D = date(2026, 3, 2)  # a Monday


def days(*offsets: int) -> list[date]:
    return [D + timedelta(days=o) for o in offsets]


def test_consecutive_days_make_a_streak() -> None:
    s = streak(days(0, 1, 2, 3), today=D + timedelta(days=3))
    assert (s.current, s.best, s.total_days, s.practised_today) == (4, 4, 4, True)


def test_today_not_practised_yet_keeps_yesterdays_streak() -> None:
    s = streak(days(0, 1, 2), today=D + timedelta(days=3))
    assert (s.current, s.practised_today, s.missed, s.paused) == (3, False, 0, False)


@pytest.mark.parametrize("missed", range(1, REST_DAYS + 1))
def test_missing_a_day_or_two_pauses_the_streak_and_practice_resumes_it(missed: int) -> None:
    before = days(0, 1, 2)
    back = D + timedelta(days=3 + missed)
    paused = streak(before, today=back)
    assert (paused.current, paused.paused, paused.missed) == (3, True, missed)
    resumed = streak([*before, back], today=back)
    assert (resumed.current, resumed.practised_today, resumed.paused) == (4, True, False)


def test_a_long_break_starts_a_new_streak_but_keeps_the_best_and_the_total() -> None:
    gap = REST_DAYS + 1
    before = days(0, 1, 2, 3, 4)
    back = D + timedelta(days=5 + gap)
    waiting = streak(before, today=back)
    assert (waiting.current, waiting.best, waiting.total_days) == (0, 5, 5)
    s = streak([*before, back, back + timedelta(days=1)], today=back + timedelta(days=1))
    assert (s.current, s.best, s.total_days) == (2, 5, 7)


def test_no_practice_at_all() -> None:
    s = streak([], today=D)
    assert (s.current, s.best, s.total_days, s.last_day) == (0, 0, 0, None)


def test_several_sessions_on_one_day_count_once() -> None:
    assert streak(days(0, 0, 0, 1), today=D + timedelta(days=1)).current == 2


def test_days_are_the_reps_local_days_not_utc_days() -> None:
    # 22:30 UTC on Monday and 23:30 UTC on Monday: one UTC day, but in Oslo the second is
    # already Tuesday, 00:30. Two practice days there, one in UTC.
    monday_late = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)
    after_midnight = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    oslo = [local_day(t, OSLO) for t in (monday_late, after_midnight)]
    utc = [local_day(t, UTC) for t in (monday_late, after_midnight)]
    assert streak(oslo, today=oslo[-1]).current == 2
    assert streak(utc, today=utc[-1]).current == 1
    # In Los Angeles both are Monday afternoon.
    assert {local_day(t, LA) for t in (monday_late, after_midnight)} == {date(2026, 3, 2)}


def test_a_streak_across_the_daylight_saving_change() -> None:
    # Oslo moves to summer time on 29 March 2026: a practice at 08:00 local every day.
    practice = [datetime(2026, 3, 27 + d, 8, 0, tzinfo=OSLO) for d in range(4)]
    local = [local_day(t.astimezone(UTC), OSLO) for t in practice]
    assert local == [date(2026, 3, 27 + d) for d in range(4)]
    assert streak(local, today=date(2026, 3, 30)).current == 4


def test_a_session_stored_in_another_zone_counts_for_the_reps_own_day() -> None:
    at = datetime(2026, 3, 3, 7, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # Mon 23:30 in Oslo
    assert local_day(at, OSLO) == date(2026, 3, 2)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        local_day(datetime(2026, 3, 2, 9, 0), OSLO)


def test_daily_goal_in_drills_minutes_or_both() -> None:
    assert Goal(3, 0, 2, 40.0).met is False and Goal(3, 0, 3, 5.0).met is True
    assert Goal(0, 15, 9, 14.5).met is False and Goal(0, 15, 1, 15.0).met is True
    both = Goal(2, 10, 2, 6.0)
    assert (both.met, both.drills_left, both.minutes_left) == (False, 0, 4.0)
    unset = Goal(0, 0, 5, 30.0)
    assert (unset.set, unset.met) == (False, False)
