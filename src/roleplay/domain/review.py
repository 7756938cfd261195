"""A trainer's review of a session: comments pinned to turns, criterion overrides, a reviewed mark.

Saved as recordings/<session>/review.json beside the session, so the index can be rebuilt from
the recordings folder. An override never replaces the judge's level: the scorecard keeps the
judge's level and the review keeps the human one, with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

REVIEW_FORMAT = 1


class ReviewItem(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(description="Unique id, so the same item is never indexed twice.")
    author: str
    at: datetime


class Comment(ReviewItem):
    turn: int | None = Field(
        default=None, ge=0, description="Pinned to this turn; None: whole call."
    )
    text: str = Field(min_length=1)


class Override(ReviewItem):
    criterion: str
    level: int = Field(ge=1, le=5)
    reason: str = Field(min_length=1)

    @field_validator("reason")
    @classmethod
    def _reason_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a reason is required")
        return value


class ReviewedMark(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    author: str
    at: datetime


class Review(BaseModel):
    """review.json: what the reviewers on one machine said about one session."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    format: int = REVIEW_FORMAT
    session: str
    comments: tuple[Comment, ...] = ()
    overrides: tuple[Override, ...] = ()
    reviewed: ReviewedMark | None = None

    @property
    def empty(self) -> bool:
        return not (self.comments or self.overrides or self.reviewed)


def human_levels(overrides: Iterable[Override]) -> dict[str, Override]:
    """The override in force per criterion: the latest one (a reviewer may change their mind;
    the earlier ones stay in the history)."""
    latest: dict[str, Override] = {}
    for o in sorted(overrides, key=lambda o: (o.at, o.id)):
        latest[o.criterion] = o
    return latest
