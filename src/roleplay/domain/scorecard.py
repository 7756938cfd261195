"""The scorecard: a level per rubric criterion with verbatim evidence, KPIs, pass/fail."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from roleplay.domain.kpis import Kpis


class Card(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Evidence(Card):
    quote: str = Field(description="Verbatim from one of the rep's turns.")
    turn: int = Field(description="Index of the turn in the transcript.")
    time: float | None = Field(default=None, description="Seconds into the session.")


class CriterionScore(Card):
    id: str
    name: str
    skill: str
    weight: float
    level: int | None = Field(default=None, ge=1, le=5, description="None: not scored.")
    rationale: str
    evidence: tuple[Evidence, ...] = ()
    counter_evidence: tuple[Evidence, ...] = ()
    tip: str
    example: str | None = None
    unsupported: bool = Field(
        default=False, description="Above the lowest level without verified evidence."
    )
    samples: tuple[int, ...] = Field(
        default=(), description="With several judge samples: every sample's level."
    )

    @property
    def spread(self) -> int | None:
        """Highest minus lowest sampled level (None with a single sample)."""
        return max(self.samples) - min(self.samples) if len(self.samples) > 1 else None


class CommitmentCheck(Card):
    """Whether the rep kept a commitment made in an earlier session (see domain/commitment.py)."""

    commitment: str = Field(description="The rep's words.")
    made_in: str = Field(description="Session where the commitment was made.")
    skill: str
    criterion: str = Field(description="The rubric criterion it is judged by.")
    kept: bool | None = Field(description="None: could not be judged in this session.")
    level_before: int | None = None
    level: int | None = None
    evidence: tuple[Evidence, ...] = ()
    reason: str


class Scorecard(Card):
    format: int = 1
    session: str | None = None
    rubric: str
    rubric_version: int
    judge: str = Field(description="offline, or the model that judged")
    approximate: bool = Field(description="True for the rule-based judge.")
    criteria: tuple[CriterionScore, ...]
    overall: float | None = Field(description="Weighted mean level over scored criteria, 1-5.")
    pass_threshold: float
    passed: bool | None
    strengths: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    kpis: Kpis
    notes: tuple[str, ...] = ()
    samples: int = Field(default=1, description="How many times the judge scored the session.")
    commitments: tuple[CommitmentCheck, ...] = Field(
        default=(), description="Commitments from earlier sessions this one tested."
    )

    def criterion(self, criterion_id: str) -> CriterionScore:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)


def weighted_overall(scores: list[CriterionScore]) -> float | None:
    """Weighted mean level of the scored criteria; an unsupported level (no verified quote)
    counts as 1."""
    scored = [s for s in scores if s.level is not None]
    total = sum(s.weight for s in scored)
    if not scored or total <= 0:
        return None
    return round(sum(s.weight * (1 if s.unsupported else s.level or 0) for s in scored) / total, 2)


def strengths_and_priorities(
    scores: list[CriterionScore],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Top two and bottom two scored criteria; heavier criteria first among equal levels.

    With fewer than four scored criteria the lists do not overlap: priorities win, since they
    are what the rep works on next.
    """
    scored = [s for s in scores if s.level is not None]
    priorities = sorted(scored, key=lambda s: (s.level or 0, -s.weight))[:2]
    rest = [s for s in scored if s not in priorities and (s.level or 0) >= 3]
    strengths = sorted(rest, key=lambda s: (-(s.level or 0), -s.weight))[:2]
    return tuple(s.id for s in strengths), tuple(s.id for s in priorities)
