"""A trainer's review of a session: comments pinned to turns, criterion overrides, reviewed marks.

Saved as recordings/<session>/review.json beside the session, so the index can be rebuilt from
the recordings folder. An override never replaces the judge's level: the scorecard keeps the
judge's level and the review keeps the human one, with a reason. Overrides and reviewed marks
are only ever added (withdrawing a mark adds one that says so), so the history shows who changed
what, when, and from what.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

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
    """A reviewer marked the session reviewed (or, `reviewed` False, withdrew their mark)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = ""
    author: str
    at: datetime
    reviewed: bool = True

    @model_validator(mode="after")
    def _an_id(self) -> ReviewedMark:
        if not self.id:  # marks saved before they had ids: the same id on every machine
            self.__dict__["id"] = f"mark-{self.author}-{self.at.isoformat()}"
        return self


class Review(BaseModel):
    """review.json: what the reviewers on one machine said about one session."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    format: int = REVIEW_FORMAT
    session: str
    comments: tuple[Comment, ...] = ()
    overrides: tuple[Override, ...] = ()
    marks: tuple[ReviewedMark, ...] = ()  # every mark and withdrawal, oldest first

    @model_validator(mode="before")
    @classmethod
    def _marks_from_one_mark(cls, data: Any) -> Any:
        # review.json before marks kept a history held one `reviewed` mark (or null).
        if isinstance(data, dict) and "marks" not in data and "reviewed" in data:
            old = data["reviewed"]
            data = {k: v for k, v in data.items() if k != "reviewed"}
            data["marks"] = [old] if old else []
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reviewed(self) -> ReviewedMark | None:
        """The newest mark when it is in force (kept in review.json for older roleplays)."""
        newest = max(self.marks, key=lambda m: (m.at, m.id), default=None)
        return newest if newest is not None and newest.reviewed else None

    @property
    def empty(self) -> bool:
        return not (self.comments or self.overrides or self.marks)


def human_levels(overrides: Iterable[Override]) -> dict[str, Override]:
    """The override in force per criterion: the latest one (a reviewer may change their mind;
    the earlier ones stay in the history)."""
    latest: dict[str, Override] = {}
    for o in sorted(overrides, key=lambda o: (o.at, o.id)):
        latest[o.criterion] = o
    return latest


def marks_in_force(marks: Iterable[ReviewedMark]) -> tuple[ReviewedMark, ...]:
    """Each reviewer's newest mark, when it says reviewed (a withdrawal cancels only the
    withdrawing reviewer's own mark)."""
    latest: dict[str, ReviewedMark] = {}
    for m in sorted(marks, key=lambda m: (m.at, m.id)):
        latest[m.author] = m
    return tuple(sorted((m for m in latest.values() if m.reviewed), key=lambda m: (m.at, m.id)))


@dataclass(frozen=True)
class LevelChange:
    """One override in the history of a criterion: who set which level, and what it was."""

    at: datetime
    author: str
    criterion: str
    before: int | None  # the previous override's level, else the judge's
    after: int
    reason: str


def override_history(
    judge_levels: dict[str, int | None], overrides: Iterable[Override]
) -> list[LevelChange]:
    """Every override, oldest first, each with the level it replaced."""
    current = dict(judge_levels)
    out = []
    for o in sorted(overrides, key=lambda o: (o.at, o.id)):
        out.append(
            LevelChange(o.at, o.author, o.criterion, current.get(o.criterion), o.level, o.reason)
        )
        current[o.criterion] = o.level
    return out
