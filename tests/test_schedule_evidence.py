"""The judge's evidence grades a review: how surely a level was shown moves when it comes back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roleplay.domain.habit import PracticeEntry, skill_evidence
from roleplay.domain.kpis import compute
from roleplay.domain.queue import needs
from roleplay.domain.schedule import (
    EvidenceStrength,
    review,
    showing,
)
from roleplay.domain.scorecard import CriterionScore, Evidence, Scorecard

T0 = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
STRONG = EvidenceStrength(quotes=3)
THIN = EvidenceStrength(quotes=1)
UNSUPPORTED = EvidenceStrength(quotes=0, unsupported=True)


def test_a_level_shown_with_strong_evidence_comes_back_later_than_with_thin_evidence() -> None:
    for level in (4, 5):
        strong = review(None, "s", level, T0, STRONG)
        thin = review(None, "s", level, T0, THIN)
        assert strong.due > thin.due, level
        assert strong.due == review(None, "s", level, T0).due  # full evidence: the level as is
    # ...and on a skill with history, too: the interval grows less after a thin showing.
    card = review(None, "s", 4, T0)
    card = review(card, "s", 4, card.due)
    at = card.due
    strong, thin = review(card, "s", 4, at, STRONG), review(card, "s", 4, at, THIN)
    assert strong.due - at > timedelta(days=10)
    assert thin.due - at < strong.due - at - timedelta(days=2)


def test_a_weak_skill_comes_back_the_next_day_whatever_the_evidence() -> None:
    card = review(None, "s", 4, T0)
    card = review(card, "s", 5, card.due)
    for level, evidence in ((1, None), (2, STRONG), (2, THIN), (1, EvidenceStrength(quotes=2))):
        lapsed = review(card, "s", level, card.due, evidence)
        assert lapsed.due - lapsed.last_review == timedelta(days=1)
        assert lapsed.lapses == 1


def test_an_unsupported_level_counts_half_a_level_lower() -> None:
    assert showing(4, UNSUPPORTED) == 3.5
    assert showing(3, UNSUPPORTED) == 2.5
    # A level 3 the judge could not back comes back no later than a plain level 3.
    assert review(None, "s", 3, T0, UNSUPPORTED).due <= review(None, "s", 3, T0).due


def test_thin_evidence_lowers_a_level_by_half_a_level_at_most_and_never_raises_it() -> None:
    assert showing(3, EvidenceStrength(quotes=2)) == 3.0  # what a level 3 needs: as judged
    assert showing(3, EvidenceStrength(quotes=1)) == 2.75
    assert showing(3, EvidenceStrength(quotes=4)) == 3.0  # more than needed: still a 3
    assert showing(5, EvidenceStrength(quotes=3)) == 5.0  # three are all a level needs
    assert showing(5, EvidenceStrength(quotes=3, against=1)) == 4.75
    assert showing(5, EvidenceStrength(quotes=0, against=4)) == 4.5
    assert showing(1, EvidenceStrength(quotes=2)) == 1.0
    assert showing(3, EvidenceStrength(quotes=2, spread=2)) == 2.75  # the samples disagreed
    assert showing(4, None) == 4.0
    with pytest.raises(ValueError, match="1-5"):
        showing(6, STRONG)


def test_without_evidence_a_review_is_exactly_the_levels_rating() -> None:
    """Sessions scored before evidence was read, and the offline bench's levels-only row."""
    card = None
    t = T0
    for level in (3, 5, 2, 4, 4, 5):
        with_none = review(card, "s", level, t)
        assert with_none.last_showing is None and with_none.shown == float(level)
        card = with_none
        t = card.due
    assert card is not None and card.reviews == 6


def test_the_queue_puts_a_thinly_shown_skill_before_a_strongly_shown_one() -> None:
    thin = review(None, "thin", 3, T0, THIN)
    strong = review(None, "strong", 3, T0, STRONG)
    assert thin.due == strong.due  # both Hard: the order of the queue is what differs
    now = max(thin.due, strong.due) + timedelta(hours=1)  # both due
    found = needs(["strong", "thin"], {"thin": thin, "strong": strong}, now, now.date(), UTC, 0)
    assert [n.skill for n in found] == ["thin", "strong"]
    assert found[0].expected_level < found[1].expected_level


def _criterion(cid: str, skill: str, level: int, quotes: int, **kw: object) -> CriterionScore:
    return CriterionScore(
        id=cid,
        name=cid,
        skill=skill,
        weight=1,
        level=level,
        rationale="",
        evidence=tuple(Evidence(quote=f"words {n}", turn=n) for n in range(quotes)),
        tip="",
        **kw,
    )


def test_a_scorecard_gives_each_skill_the_evidence_behind_its_lowest_level() -> None:
    card = Scorecard(
        rubric="r",
        rubric_version=1,
        judge="test",
        approximate=False,
        criteria=(
            _criterion("a", "listening", 4, 3),
            _criterion("b", "listening", 3, 2),
            _criterion("c", "listening", 3, 0, unsupported=True),
            _criterion("d", "closing", 4, 3, samples=(2, 4, 4)),
        ),
        overall=3.5,
        pass_threshold=3,
        passed=True,
        kpis=compute([]),
    )
    found = skill_evidence(card, {"listening": 3, "closing": 4})
    assert found["listening"] == UNSUPPORTED  # the weakest showing at the lowest level
    assert found["closing"] == EvidenceStrength(quotes=3, spread=2)
    assert showing(4, found["closing"]) == 3.75


def test_the_saved_practice_entry_keeps_the_evidence() -> None:
    entry = PracticeEntry(
        id="s1",
        scenario="x",
        started_at=T0,
        ended_at=T0,
        minutes=1,
        practised=True,
        levels={"listening": 3},
        evidence={"listening": STRONG},
    )
    again = PracticeEntry.model_validate_json(entry.model_dump_json())
    assert again.evidence == {"listening": STRONG}
