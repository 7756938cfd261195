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

"Retrievability" is FSRS's estimate of the chance that the rep would do the skill at level 3
or better if they tried it now. Time is always passed in; datetimes must be timezone-aware.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State
from pydantic import BaseModel, ConfigDict, Field

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


def grade_for_level(level: int) -> Grade:
    """The FSRS rating a rubric level (1-5) gives its skill; see the module docstring."""
    if level not in GRADES:
        raise ValueError(f"a rubric level is 1-5, got {level!r}")
    return GRADES[level]


class SkillCard(BaseModel):
    """One rep's memory of one skill, as FSRS models it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

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


def review(card: SkillCard | None, skill: str, level: int, at: datetime) -> SkillCard:
    """The card after practising `skill` at `level` at time `at` (None: first practice)."""
    at = _utc(at)
    rating = _RATINGS[grade_for_level(level)]
    before = _to_fsrs(card) if card is not None else FsrsCard(card_id=1, due=at)
    after, _log = _SCHEDULER.review_card(before, rating, review_datetime=at)
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
    )


def retrievability(card: SkillCard | None, now: datetime) -> float:
    """0-1; 0 for a skill never practised."""
    if card is None:
        return 0.0
    return float(_SCHEDULER.get_card_retrievability(_to_fsrs(card), _utc(now)))


def is_due(card: SkillCard, today: date, tz: tzinfo) -> bool:
    """Due on or before the rep's local `today` (a skill due at 18:00 is due all day)."""
    return card.due_day(tz) <= today
