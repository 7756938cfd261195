"""The FSRS schedule of skills: rating mapping, intervals, due days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from roleplay.domain.schedule import (
    grade_for_level,
    is_due,
    retrievability,
    review,
)

T0 = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
OSLO = ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize(
    ("level", "grade"), [(1, "again"), (2, "again"), (3, "hard"), (4, "good"), (5, "easy")]
)
def test_rubric_levels_map_to_fsrs_ratings(level: int, grade: str) -> None:
    assert grade_for_level(level) == grade


@pytest.mark.parametrize("level", [0, 6, -1])
def test_a_level_outside_1_to_5_is_refused(level: int) -> None:
    with pytest.raises(ValueError, match="1-5"):
        grade_for_level(level)


def test_better_levels_come_back_later() -> None:
    intervals = [review(None, "s", level, T0).due - T0 for level in (1, 3, 4, 5)]
    assert intervals == sorted(intervals)
    assert intervals[0] == timedelta(days=1)  # a failed skill is back the next day, not in minutes
    assert intervals[-1] > timedelta(days=5)
    assert len(set(intervals[1:])) == 3


def test_a_lapse_brings_a_strong_skill_back_tomorrow() -> None:
    card = review(None, "s", 4, T0)
    card = review(card, "s", 5, card.due)
    strong = review(card, "s", 4, card.due)
    lapsed = review(strong, "s", 2, strong.due)
    assert strong.due - strong.last_review > timedelta(days=10)
    assert lapsed.due - lapsed.last_review == timedelta(days=1)
    assert (lapsed.reviews, lapsed.lapses, lapsed.last_level) == (4, 1, 2)


def test_retrievability_falls_with_time_and_is_zero_for_a_new_skill() -> None:
    card = review(None, "s", 4, T0)
    values = [retrievability(card, T0 + timedelta(days=d)) for d in (0, 1, 3, 10)]
    assert values[0] == 1.0 and values == sorted(values, reverse=True) and values[-1] < 0.8
    assert retrievability(None, T0) == 0.0


def test_due_is_by_the_reps_local_day() -> None:
    card = review(None, "s", 1, T0)  # due 6 Jan 17:00 UTC = 18:00 in Oslo
    assert not is_due(card, datetime(2026, 1, 5).date(), OSLO)
    assert is_due(card, datetime(2026, 1, 6).date(), OSLO)  # from the morning on
    # Reviewed at 23:30 UTC on the 5th = 00:30 on the 6th in Oslo: due on the 7th there.
    late = review(None, "s", 1, datetime(2026, 1, 5, 23, 30, tzinfo=UTC))
    assert late.due_day(OSLO).isoformat() == "2026-01-07"
    assert late.due_day(UTC).isoformat() == "2026-01-06"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        review(None, "s", 3, datetime(2026, 1, 5, 9, 0))


def test_years_of_daily_practice_run_in_milliseconds() -> None:
    card = None
    t = T0
    for day in range(3 * 365):
        if card is None or card.due <= t:
            card = review(card, "s", 4 if day % 7 else 2, t)
        t += timedelta(days=1)
    assert card is not None and card.reviews > 20
