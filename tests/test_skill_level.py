"""The level estimate the queue orders by (domain/skill_level.py), and the queue's use of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from roleplay.domain.habit import HabitState
from roleplay.domain.queue import PASS_LEVEL, needs
from roleplay.domain.schedule import SkillCard, review
from roleplay.domain.skill_level import Levels

NOW = datetime(2026, 1, 20, 8, 0, tzinfo=UTC)


def history(shown: Sequence[tuple[str, int, float]]) -> tuple[dict[str, SkillCard], Levels]:
    """(skill, level, days ago), reviewed in time order as the habit service does."""
    cards: dict[str, SkillCard] = {}
    levels = Levels()
    for skill, level, days_ago in sorted(shown, key=lambda s: -s[2]):
        at = NOW - timedelta(days=days_ago)
        cards[skill] = review(cards.get(skill), skill, level, at)
        levels.observe(skill, float(level), at)
    return cards, levels


def test_a_skill_that_started_at_level_1_comes_before_one_that_showed_3_from_the_start() -> None:
    # objection-clarify: level 1 a month ago, 3 two weeks ago. next-steps: 3 at its first try,
    # three weeks ago. Both were last done at level 3; the last level discounted by FSRS
    # retrievability (the old order) puts next-steps first because its 3 is older.
    cards, levels = history(
        [
            ("objection-clarify", 1, 30),
            ("objection-clarify", 3, 14),
            ("next-steps", 3, 21),
            ("rapport-opening", 4, 20),
        ]
    )
    skills = list(cards)
    old = needs(skills, cards, NOW, NOW.date(), UTC, 0)
    assert old[0].skill == "next-steps"
    found = needs(skills, cards, NOW, NOW.date(), UTC, 0, levels)
    assert [n.skill for n in found] == ["objection-clarify", "next-steps", "rapport-opening"]
    assert found[0].expected_level < PASS_LEVEL < found[-1].expected_level


def test_a_skill_not_practised_for_long_comes_back() -> None:
    cards, levels = history([("next-steps", 4, 30), ("next-steps", 4, 25), ("next-steps", 5, 18)])
    last = cards["next-steps"].last_review
    for days in (1, 30):  # strong and recent: not queued
        now = last + timedelta(days=days)
        assert needs(["next-steps"], cards, now, now.date(), UTC, 0, levels) == []
    later = last + timedelta(days=90)
    found = needs(["next-steps"], cards, later, later.date(), UTC, 0, levels)
    assert [(n.skill, n.kind) for n in found] == [("next-steps", "due")]
    # ... and the estimate has faded since the last practice, never below where it started.
    soon, faded = (levels.expected(["next-steps"], last + timedelta(days=d)) for d in (1, 90))
    assert faded["next-steps"] < soon["next-steps"]


def test_a_rep_who_does_not_improve_is_not_predicted_to_improve() -> None:
    shown = [(s, 1, float(d)) for s in ("a", "b", "c") for d in range(20, 0, -2)]
    _cards, levels = history(shown)
    pace = levels.pace()
    assert pace is not None and pace.lift == 0
    assert all(x < 1.5 for x in levels.expected(["a", "b", "c"], NOW).values())


def test_the_pace_follows_a_rep_who_improves_with_each_practice() -> None:
    # Every skill: 1, 2, 3, 4 on consecutive practices two days apart.
    shown = [
        (s, lvl, 20 - 2 * i - k) for k, s in enumerate("abc") for i, lvl in enumerate([1, 2, 3, 4])
    ]
    _cards, levels = history(shown)
    pace = levels.pace()
    assert pace is not None and pace.lift > 0
    assert levels.expected(["a"], NOW)["a"] > 3  # the last showing was 4


def test_a_single_odd_showing_moves_the_estimate_only_part_of_the_way() -> None:
    _, odd = history([("s", 3, 9), ("s", 3, 6), ("s", 3, 3), ("s", 1, 2)])
    _, calm = history([("s", 3, 9), ("s", 3, 6), ("s", 3, 3), ("s", 3, 2)])
    assert 1 < odd.expected(["s"], NOW)["s"] < calm.expected(["s"], NOW)["s"]


def test_the_estimate_is_saved_with_the_reps_state() -> None:
    _cards, levels = history([("a", 2, 5), ("a", 3, 2), ("b", 4, 1)])
    state = HabitState(rep="ana", levels=levels)
    again = HabitState.model_validate_json(state.model_dump_json())
    assert again.levels.expected(["a", "b"], NOW) == levels.expected(["a", "b"], NOW)


def test_bad_input_is_refused_with_what_was_expected() -> None:
    levels = Levels()
    with pytest.raises(ValueError, match="timezone-aware"):
        levels.observe("a", 3.0, datetime(2026, 1, 1, 9, 0))
    with pytest.raises(ValueError, match="1 to 5"):
        levels.observe("a", 6.0, NOW)
    assert levels.expected(["a"], NOW) == {}  # nothing was recorded


def test_a_rep_with_thousands_of_practices_of_one_skill_still_gets_an_estimate() -> None:
    # A span that grows with every practice once overflowed a float past ~600 practices of one
    # skill, and `today` failed for a rep with 8,000 sessions.
    levels = Levels()
    for i in range(2000):
        levels.observe("s", 4.0, NOW - timedelta(hours=2000 - i))
    assert 3.5 < levels.expected(["s"], NOW + timedelta(days=30))["s"] <= 5
