"""Pure parts of reviewing and reporting: evidence highlighting, ages and dates, trends,
the override in force."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roleplay.domain.highlight import Span, spans
from roleplay.domain.periods import PeriodError, parse_age, parse_since
from roleplay.domain.review import Override, human_levels
from roleplay.domain.trends import bucket_for, trend
from roleplay.services.export import redact
from roleplay.services.retention import without_quotes
from tests.index_data import make_session

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_quotes_are_found_despite_case_punctuation_and_spacing() -> None:
    text = "Okay. So, how does a typical  morning look for you? And the budget?"
    parts = spans(text, [("how does a typical morning look for you", "Open questions")])
    assert parts == [
        Span("Okay. So, "),
        Span("how does a typical  morning look for you", ("Open questions",)),
        Span("? And the budget?"),
    ]


def test_overlapping_quotes_merge_and_missing_quotes_change_nothing() -> None:
    text = "What budget have you set aside?"
    parts = spans(text, [("What budget", "a"), ("budget have you", "b"), ("not there", "c")])
    assert [(p.text, p.labels) for p in parts] == [
        ("What ", ("a",)),
        ("budget", ("a", "b")),
        (" have you", ("b",)),
        (" set aside?", ()),
    ]
    assert spans("plain", []) == [Span("plain")]
    assert spans("", [("x", "y")]) == []


@given(st.text(), st.lists(st.tuples(st.text(), st.sampled_from(["a", "b"])), max_size=4))
def test_highlighting_never_changes_the_words(text: str, quotes: list[tuple[str, str]]) -> None:
    assert "".join(p.text for p in spans(text, quotes)) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90d", timedelta(days=90)), ("12w", timedelta(weeks=12)), (" 24H ", timedelta(hours=24))],
)
def test_ages(text: str, expected: timedelta) -> None:
    assert parse_age(text) == expected


def test_since_takes_an_age_or_a_date_and_explains_mistakes() -> None:
    assert parse_since("30d", NOW) == NOW - timedelta(days=30)
    assert parse_since("2026-01-31", NOW) == datetime(2026, 1, 31, tzinfo=UTC)
    with pytest.raises(PeriodError, match="like 90d, 12w or 24h"):
        parse_age("3 months")
    with pytest.raises(PeriodError, match="nor a date"):
        parse_since("yesterday", NOW)


def test_trends_average_per_day_or_week_per_name() -> None:
    mon = datetime(2026, 1, 5, 9, tzinfo=UTC)  # a Monday
    values = [
        ("ana", mon, 2.0),
        ("ana", mon + timedelta(days=2), 4.0),
        ("ana", mon + timedelta(days=7), 5.0),
        ("ben", mon, None),
        ("ben", mon + timedelta(days=1), 1.0),
    ]
    weekly = trend(values, "week")
    assert [(s.name, s.points, s.count) for s in weekly] == [
        ("ana", ((date(2026, 1, 5), 3.0), (date(2026, 1, 12), 5.0)), 3),
        ("ben", ((date(2026, 1, 5), 1.0),), 1),
    ]
    assert len(trend(values, "day")[0].points) == 3
    assert bucket_for(mon, mon + timedelta(days=21)) == "day"
    assert bucket_for(mon, mon + timedelta(days=22)) == "week"


def test_the_latest_override_per_criterion_is_in_force() -> None:
    def o(i: int, criterion: str, level: int, minutes: int) -> Override:
        at = NOW + timedelta(minutes=minutes)
        return Override(id=str(i), author="t", at=at, criterion=criterion, level=level, reason="r")

    levels = human_levels([o(1, "a", 2, 10), o(2, "a", 4, 5), o(3, "b", 1, 0)])
    assert {k: v.level for k, v in levels.items()} == {"a": 2, "b": 1}


def test_redaction_and_quote_removal() -> None:
    assert redact("key sk-123456 and sk-123456789", ["sk-123456", "sk-123456789", "ab"]) == (
        "key *** and ***"
    )
    card = make_session(1).scorecard
    assert card is not None
    bare = without_quotes(card)
    assert [c.level for c in bare.criteria] == [c.level for c in card.criteria]
    assert all(e.quote == "" and e.turn == 1 for c in bare.criteria for e in c.evidence)
    assert bare.kpis == card.kpis and bare.overall == card.overall
