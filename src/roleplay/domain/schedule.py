"""Skills on a spaced-repetition schedule: one FSRS card per rep and skill.

Every rubric criterion trains a skill. A scored session *reviews* each skill it exercised, with
a rating taken from the rubric level the rep reached:

    level 1-2  ->  Again   the skill was not there yet: it comes back the next day
    level 3    ->  Hard    there, but shaky: a short interval
    level 4    ->  Good    a normal interval, growing with each success
    level 5    ->  Easy    a long interval

When several criteria of one rubric train the same skill, the lowest of their levels counts: a
skill is as strong as its weakest showing in that call.

The maths is the `fsrs` package's (we only translate). Three choices differ from its defaults,
because its defaults suit flashcards reviewed minutes apart, not calls practised once a day:
no learning steps (a new skill's first interval comes straight from its rating: 1 day after
Again, 2 after Good, 8 after Easy); one relearning step of one day (a skill that was strong
and falls to level 1-2 comes back the next day, however long its interval had grown, and then
FSRS resumes its intervals); and no fuzzing (the same sessions always give the same schedule,
so the state can be rebuilt exactly from the recordings).

The level alone is coarse: a level 4 backed by three verified quotes and a level 4 backed by one
are different showings. So a review can carry the judge's evidence (`EvidenceStrength`): the
*showing* is the level moved down by up to half a level when the evidence is thinner than the
level needs (one verified quote of the rep's words per step above level 1, three at most;
a quarter level per quote missing), for each counter-evidence quote, for a level the judge could
not support with any verified quote (the full half level), and for judge samples that disagree
by two levels or more. Evidence never lifts a showing above the judge's level: in the bench
(bench/scheduler_sim.py) letting strong evidence lengthen intervals cost more than it gained.
Levels 1-2 are rated Again whatever the evidence (the skill was not there yet: it comes back the
next day). From level 3, a showing of 2.5-3 is Hard; above that the card lies between the two
FSRS ratings around it (3 = Hard, 4 = Good, 5 = Easy): its stability, difficulty and interval
are interpolated between the two outcomes, so a level 4 with thin evidence comes back sooner
than a level 4 with full evidence, and the queue puts a thinly shown skill first. A review
without evidence is exactly the level's rating, as before.

"Retrievability" is FSRS's estimate of the chance that the rep would do the skill at level 3
or better if they tried it now. Time is always passed in; datetimes must be timezone-aware.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State
from pydantic import BaseModel, ConfigDict, Field

from roleplay.domain.habit_views import retrievability as plain_retrievability

Grade = Literal["again", "hard", "good", "easy"]

GRADES: Mapping[int, Grade] = {1: "again", 2: "again", 3: "hard", 4: "good", 5: "easy"}
_RATINGS: Mapping[Grade, Rating] = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}
DESIRED_RETENTION = 0.9

_SCHEDULER = Scheduler(
    desired_retention=DESIRED_RETENTION,
    learning_steps=(),
    relearning_steps=(timedelta(days=1),),
    enable_fuzzing=False,
)


@dataclass(frozen=True)
class EvidenceStrength:
    """What the judge showed for a level: how many behaviours, how surely (see the docstring)."""

    quotes: int = 0  # verified evidence quotes of the rep's own words
    against: int = 0  # verified counter-evidence quotes
    unsupported: bool = False  # a level above 1 the judge could not back with a verified quote
    spread: int | None = None  # highest minus lowest level over judge samples, if sampled


NEEDED_AT_MOST = 3  # quotes a level needs: one per step above level 1, three at most
STEP = 0.25  # levels each missing quote (or counter-evidence quote) takes off the showing
MAX_SHIFT = 0.5  # the showing stays within half a level below the judge's level


def showing(level: int, evidence: EvidenceStrength | None) -> float:
    """The level the rep showed: the judge's level, less up to half a level for thin evidence."""
    grade_for_level(level)  # validates 1-5
    if evidence is None:
        return float(level)
    missing = max(0, min(level - 1, NEEDED_AT_MOST) - evidence.quotes)
    drop = STEP * (missing + evidence.against)
    if evidence.unsupported:
        drop = MAX_SHIFT
    if evidence.spread is not None and evidence.spread >= 2:
        drop += STEP
    return max(1.0, level - min(MAX_SHIFT, drop))


def grade_for_level(level: int) -> Grade:
    """The FSRS rating a rubric level (1-5) gives its skill; see the module docstring."""
    if level not in GRADES:
        raise ValueError(f"a rubric level is 1-5, got {level!r}")
    return GRADES[level]


class SkillCard(BaseModel):
    """One rep's memory of one skill, as FSRS models it."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    skill: str
    state: Literal["review", "relearning"] = "review"
    step: int | None = Field(default=None, description="Relearning step, when relearning.")
    stability: float = Field(description="Days until retrievability falls to 90%.")
    difficulty: float = Field(description="FSRS difficulty, 1 (easy) to 10 (hard).")
    due: datetime = Field(description="When the skill should be practised next (UTC).")
    last_review: datetime
    last_level: int = Field(ge=1, le=5)
    reviews: int = Field(ge=1)
    lapses: int = Field(ge=0, description="Reviews rated Again (level 1-2).")
    last_showing: float | None = Field(
        default=None, ge=1, le=5, description="The last level moved by its evidence, if any."
    )

    @property
    def shown(self) -> float:
        """The last showing, or the last level when it came without evidence."""
        return self.last_showing if self.last_showing is not None else float(self.last_level)

    def due_day(self, tz: tzinfo) -> date:
        return self.due.astimezone(tz).date()


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"time must be timezone-aware, got {at.isoformat()}")
    return at.astimezone(UTC)


def _to_fsrs(card: SkillCard) -> FsrsCard:
    return FsrsCard(
        card_id=1,  # fixed: fsrs would otherwise derive one from the wall clock
        state=State.Relearning if card.state == "relearning" else State.Review,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due),
        last_review=_utc(card.last_review),
    )


def review(
    card: SkillCard | None,
    skill: str,
    level: int,
    at: datetime,
    evidence: EvidenceStrength | None = None,
) -> SkillCard:
    """The card after practising `skill` at `level` at time `at` (None: first practice),
    with the judge's `evidence` for that level when known (see the module docstring)."""
    at = _utc(at)
    shown = showing(level, evidence)
    before = _to_fsrs(card) if card is not None else FsrsCard(card_id=1, due=at)
    if grade_for_level(level) == "again":
        rating, after = Rating.Again, _rate(before, Rating.Again, at)
    else:
        low = int(shown)  # 2.5-4 -> Hard, 4-5 -> Good, 5 -> Easy, and in between
        rating = _RATINGS[grade_for_level(max(low, 3))]
        after = _rate(before, rating, at)
        share = shown - low if 3 <= low < 5 else 0.0
        if share > 0:
            higher = _rate(before, _RATINGS[grade_for_level(low + 1)], at)
            after = _between(after, higher, share)
    if after.stability is None or after.difficulty is None or after.last_review is None:
        raise RuntimeError("fsrs returned a card without memory state")  # cannot happen
    if after.state is State.Learning:
        raise RuntimeError("fsrs kept a card in learning although it has no learning steps")
    return SkillCard(
        skill=skill,
        state="relearning" if after.state is State.Relearning else "review",
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
        last_level=level,
        reviews=(card.reviews if card else 0) + 1,
        lapses=(card.lapses if card else 0) + (1 if rating is Rating.Again else 0),
        last_showing=None if evidence is None else round(shown, 4),
    )


def _rate(before: FsrsCard, rating: Rating, at: datetime) -> FsrsCard:
    after, _log = _SCHEDULER.review_card(before, rating, review_datetime=at)
    return after


def _between(low: FsrsCard, high: FsrsCard, share: float) -> FsrsCard:
    """`share` of the way from one rating's outcome to the next one's (same state only: a
    card still relearning after one rating and graduated after the other keeps the lower)."""
    if low.state is not high.state or low.stability is None or high.stability is None:
        return low
    assert low.difficulty is not None and high.difficulty is not None
    return FsrsCard(
        card_id=1,
        state=low.state,
        step=low.step,
        stability=low.stability + share * (high.stability - low.stability),
        difficulty=low.difficulty + share * (high.difficulty - low.difficulty),
        due=low.due + share * (high.due - low.due),
        last_review=low.last_review,
    )


def retrievability(card: SkillCard | None, now: datetime) -> float:
    """0-1; 0 for a skill never practised. fsrs's Scheduler.get_card_retrievability, worked out
    once without fsrs or pydantic in habit_views (which `today` and `progress` read), and
    pinned to fsrs's own figure by tests/test_readpath10_views.py."""
    return plain_retrievability(card, now)


def is_due(card: SkillCard, today: date, tz: tzinfo) -> bool:
    """Due on or before the rep's local `today` (a skill due at 18:00 is due all day)."""
    return card.due_day(tz) <= today
