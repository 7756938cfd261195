"""Gold calls: transcripts with the levels a demanding trainer gave them, to measure a judge.

A gold call is one YAML file in a workspace's `gold/<scenario>/` folder. Trainers read and
correct the levels and add their own calls. Kinds say what a call is for:

- strong, mixed, poor: a judge must rank them in that order;
- paraphrased: the strong call in other words, without the rubric's phrases (a judge that
  reads behaviour scores it like its base);
- gamed: the base call with stock phrases stuffed in (must gain nothing);
- instructed: the base call with a line telling the judge what to score (must gain nothing);
- other: any further call a trainer wants to measure.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from roleplay.domain.loading import load_model
from roleplay.domain.positions import Positions
from roleplay.domain.problems import Finding
from roleplay.domain.scenario import Slug
from roleplay.domain.signals import NonEmptyStr

Kind = Literal["strong", "mixed", "poor", "paraphrased", "gamed", "instructed", "other"]
RANKED: tuple[Kind, ...] = ("strong", "mixed", "poor")
VARIANTS: tuple[Kind, ...] = ("paraphrased", "gamed", "instructed")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class GoldLevel(_Strict):
    level: Annotated[int, Field(ge=1, le=5)]
    reason: NonEmptyStr = Field(description="One line: why this level.")


class GoldCall(_Strict):
    scenario: Slug = Field(description="The bundled or workspace scenario the call belongs to.")
    kind: Kind
    base: str | None = Field(
        default=None,
        description="paraphrased, gamed, instructed: the file name (without .yaml) of the "
        "call this one varies.",
    )
    rep: NonEmptyStr = Field(default="Rep", description="The rep's speaker name.")
    note: str | None = None
    transcript: NonEmptyStr = Field(description="'Speaker: text' lines.")
    levels: dict[Slug, GoldLevel] = Field(description="Criterion id -> the trainer's level.")


def _check(call: GoldCall) -> list[Finding]:
    if call.kind in VARIANTS and not call.base:
        return [(("base",), f"a {call.kind} call needs 'base:'", "name the call it varies")]
    return []


def load_gold(text: str, file: str) -> tuple[GoldCall, Positions]:
    """Parse and validate one gold call (raises InvalidFile with file:line problems)."""
    return load_model(text, file, GoldCall, _check)
