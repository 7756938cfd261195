"""The rubric format: what "good" sounds like, criterion by criterion, on a 1-5 scale."""

from __future__ import annotations

import itertools
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from roleplay.domain.problems import Finding
from roleplay.domain.scenario import FileId, Language, Lines, Slug
from roleplay.domain.signals import NonEmptyStr, OneLine, Signals

LEVELS = (1, 2, 3, 4, 5)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Examples(Strict):
    good: Lines = Field(description="Lines a rep could say that show the criterion well.")
    bad: Lines = Field(description="Lines that show it badly.")


class JudgeSignals(Strict):
    """What the offline rule-based judge counts. It is approximate; the LLM judge reads levels."""

    evidence: Signals = Field(
        default_factory=Signals, description="Each matching sentence of the rep is one hit."
    )
    avoid: Signals = Field(
        default_factory=Signals, description="Each matching sentence takes one hit away."
    )
    levels_at: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=4, max_length=4)] = (
        Field(
            default_factory=lambda: [1, 2, 3, 4],
            description="Net hits needed for levels 2, 3, 4 and 5 (ascending).",
        )
    )


class Criterion(Strict):
    id: Slug
    name: OneLine
    description: NonEmptyStr
    skill: Slug = Field(description="The skill this criterion trains (spaced repetition key).")
    weight: float = Field(gt=0, le=100)
    # The range 1-5 is checked by `check_rubric`, which sees every level at once: a level
    # renamed 5 -> 6 is reported as both out of range and leaving 5 undescribed.
    levels: dict[int, NonEmptyStr] = Field(
        description="What each level sounds like; 1, 3 and 5 at least.",
        # YAML keys 1..5 reach a JSON Schema validator as the strings "1".."5".
        json_schema_extra={"propertyNames": {"pattern": "^[1-5]$"}},
    )
    examples: Examples
    tip: NonEmptyStr = Field(description="One concrete thing to try next time.")
    signals: JudgeSignals | None = Field(
        default=None,
        description="For the offline judge; without it the criterion is not scored offline.",
    )


class Rubric(Strict):
    id: FileId
    title: OneLine
    version: int = Field(ge=1)
    language: Language = "en"
    description: str | None = None
    pass_threshold: float = Field(
        ge=1, le=5, description="Weighted mean level (1-5) needed to pass."
    )
    criteria: Annotated[list[Criterion], Field(min_length=1)]

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    @property
    def skills(self) -> list[str]:
        return sorted({c.skill for c in self.criteria})


def _level_findings(i: int, c: Criterion) -> list[Finding]:
    """Levels outside 1-5 and the required levels 1, 3 and 5 that are not described, each
    naming the other: a level renamed `5:` -> `6:` is one mistake seen from both sides."""
    found: list[Finding] = []
    missing = [lvl for lvl in (1, 3, 5) if lvl not in c.levels]
    free = [lvl for lvl in LEVELS if lvl not in c.levels]
    for key in sorted(k for k in c.levels if k not in LEVELS):
        nearest = min(free, key=lambda lvl: abs(lvl - key)) if free else None
        found.append(
            (
                ("criteria", i, "levels", key),
                f"expected a level from 1 to 5, got {key}"
                + (f"; level {nearest} is not described" if nearest is not None else ""),
                f"rename `{key}:` to `{nearest}:`"
                if nearest is not None
                else f"delete level {key}: levels 1 to 5 are all described",
            )
        )
    if missing:
        stray = sorted(k for k in c.levels if k not in LEVELS)
        found.append(
            (
                ("criteria", i, "levels"),
                "levels 1, 3 and 5 must be described; missing "
                + ", ".join(str(m) for m in missing)
                + (" (" + ", ".join(str(k) for k in stray) + " is outside 1-5)" if stray else ""),
                "describe what the rep says or does at that level",
            )
        )
    return found


def check_rubric(r: Rubric) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    for i, c in enumerate(r.criteria):
        if c.id in seen:
            found.append((("criteria", i, "id"), f"duplicate id '{c.id}'", "ids must be unique"))
        seen.add(c.id)
        found += _level_findings(i, c)
        if c.signals is not None:
            at = c.signals.levels_at
            if any(b <= a for a, b in itertools.pairwise(at)):
                found.append(
                    (
                        ("criteria", i, "signals", "levels_at"),
                        f"must be strictly ascending, got {at}",
                        "e.g. [1, 2, 3, 4]",
                    )
                )
            if c.signals.evidence.is_empty():
                found.append(
                    (
                        ("criteria", i, "signals", "evidence"),
                        "needs phrases, patterns or questions",
                        "without them the offline judge has nothing to count",
                    )
                )
    return found
