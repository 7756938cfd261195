"""Practice as a habit: practice days, the streak, the daily goal, and the rep's saved state.

Days are the rep's local days (their time zone), not UTC days: a call at 00:30 in Oslo counts
for the day it is in Oslo. A session counts as practice when it was scored and the rep said at
least one thing; it counts for the local day it started on.

The streak counts days with practice. Missing a day does not punish: up to REST_DAYS missed
days in a row (a weekend, a day off sick) pause the streak rather than break it, and the next
practice day resumes it. Only a longer break starts a new streak; the best streak and the total
of practice days are kept either way.

What a scored session tells the schedule about a skill (`skill_evidence`): the lowest level among
the criteria that train it, and the judge's evidence behind that level (verified quotes,
counter-evidence, whether it was supported, the spread over judge samples): thin evidence
lowers the review by up to half a level (see domain/schedule.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, tzinfo

from pydantic import BaseModel, ConfigDict, Field

from roleplay.domain.commitment import Commitment
from roleplay.domain.habit_views import STATE_FORMAT as STATE_FORMAT  # older: rebuilt
from roleplay.domain.practice_days import REST_DAYS as REST_DAYS
from roleplay.domain.practice_days import Goal as Goal
from roleplay.domain.practice_days import Streak as Streak
from roleplay.domain.practice_days import local_day as local_day
from roleplay.domain.practice_days import streak as streak
from roleplay.domain.schedule import EvidenceStrength, SkillCard, showing
from roleplay.domain.scorecard import CommitmentCheck, CriterionScore, Scorecard
from roleplay.domain.skill_level import Levels

CHECKPOINT_EVERY = 100  # reviews of a skill between two kept cards (HabitState.checkpoints)


def evidence_of(score: CriterionScore) -> EvidenceStrength:
    """How many behaviours the judge showed for a criterion's level, and how surely."""
    return EvidenceStrength(
        quotes=len(score.evidence),
        against=len(score.counter_evidence),
        unsupported=score.unsupported,
        spread=score.spread,
    )


def skill_evidence(card: Scorecard, levels: Mapping[str, int]) -> dict[str, EvidenceStrength]:
    """Skill -> the evidence behind its `levels[skill]` (the lowest level of the criteria that
    train it): of the criteria scored at that level, the one that showed the least."""
    found: dict[str, EvidenceStrength] = {}
    for skill, level in levels.items():
        at_level = [evidence_of(c) for c in card.criteria if c.skill == skill and c.level == level]
        if at_level:
            found[skill] = min(at_level, key=lambda e: showing(level, e))
    return found


# --- the saved state ---------------------------------------------------------------------


class PracticeEntry(BaseModel):
    """One scored session as the habit sees it; everything progress plots comes from here."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    id: str
    scenario: str
    scenario_title: str | None = None
    drill: str | None = None
    language: str = "en"
    variation: dict[str, str] = Field(default_factory=dict)
    started_at: datetime
    ended_at: datetime
    minutes: float
    practised: bool = Field(description="Scored and the rep said something: counts as practice.")
    levels: dict[str, int] = Field(
        default_factory=dict, description="Skill -> level (lowest criterion) for reviewed skills."
    )
    retrievability: dict[str, float] = Field(
        default_factory=dict, description="Skill -> retrievability just before this review."
    )
    evidence: dict[str, EvidenceStrength] = Field(
        default_factory=dict, description="Skill -> the judge's evidence behind its level."
    )
    overall: float | None = None
    kpis: dict[str, float | None] = Field(default_factory=dict)
    commitment: Commitment | None = None
    checks: tuple[CommitmentCheck, ...] = ()


def _no_sessions() -> list[PracticeEntry]:
    """A Python function, not `list`: pydantic reads a default factory's signature when it
    builds the schema, and a builtin's is parsed from text (the first parse compiles the
    tokenizer's patterns: 1.4 ms of every `today` and `progress`)."""
    return []


class HabitState(BaseModel):
    """The rep's scheduler state. A cache: it can always be rebuilt from the recordings."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    format: int = STATE_FORMAT
    rep: str
    cards: dict[str, SkillCard] = Field(default_factory=dict)
    levels: Levels = Field(default_factory=Levels)  # what the queue orders by (skill_level.py)
    sessions: list[PracticeEntry] = Field(default_factory=_no_sessions)
    # Skill -> {n: its card after its n-th review}, every CHECKPOINT_EVERY reviews: progress
    # replays a skill's reviews from the last one before the days it shows, not from the
    # first (thousands of reviews took most of `roleplay progress`). Missing ones (a state
    # saved before they were kept) only mean a longer replay.
    checkpoints: dict[str, dict[int, SkillCard]] = Field(default_factory=dict)

    def reviewed(self, skill: str, card: SkillCard) -> None:
        """`card` is `skill`'s card after its latest review: kept when it is a checkpoint."""
        if card.reviews % CHECKPOINT_EVERY == 0:
            self.checkpoints.setdefault(skill, {})[card.reviews] = card

    def practice_days(self, tz: tzinfo) -> list[date]:
        return [local_day(s.started_at, tz) for s in self.sessions if s.practised]

    def done_on(self, day: date, tz: tzinfo) -> tuple[int, float]:
        """(sessions, minutes) practised on the local `day`."""
        today = [s for s in self.sessions if s.practised and local_day(s.started_at, tz) == day]
        return len(today), round(sum(s.minutes for s in today), 1)

    def first_practised(self, tz: tzinfo) -> dict[str, date]:
        """Skill -> the local day it was first practised (introduced)."""
        first: dict[str, date] = {}
        for s in self.sessions:
            for skill in s.levels:
                first.setdefault(skill, local_day(s.started_at, tz))
        return first
