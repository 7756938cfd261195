"""Sessions as the index and reviewers see them: filters, list rows, one opened session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from pydantic import BaseModel, ConfigDict

from roleplay.domain.kpis import Kpis
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import SessionRecord, Transcript, Turn

if TYPE_CHECKING:
    # A reviewer's models load where a review is read or shown: writing a scorecard to the
    # index (`score last`) needs them not (issue 18).
    from roleplay.domain.review import Comment, Override, Review, ReviewedMark
    from roleplay.domain.schedule import SkillCard  # the scheduler (fsrs) loads only to schedule


class Retention(BaseModel):
    """retention.json: what `roleplay purge` deleted from a session folder, and when."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    audio_purged_at: datetime | None = None
    transcript_purged_at: datetime | None = None


@dataclass(frozen=True)
class SessionFiles:
    """Everything one recordings folder holds about one session, as read from disk.

    `transcript` is None for a review-only folder: a reviewer commented on a session recorded on
    another machine (shared database), so only their review.json lives here.
    """

    session_id: str
    origin: str
    transcript: Transcript | None
    scorecard: Scorecard | None
    review: Review | None
    retention: Retention = field(default_factory=Retention)
    audio: dict[int, str] = field(default_factory=dict)  # turn index -> file in the folder


@dataclass(frozen=True)
class SessionFilter:
    """Which sessions to list; every field narrows, None means any."""

    rep: str | None = None
    team: str | None = None
    scenario: str | None = None
    skill: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    min_score: float | None = None
    max_score: float | None = None
    reviewed: bool | None = None


@dataclass(frozen=True)
class SessionSummary:
    """One row of a session list."""

    id: str
    rep: str
    team: str | None
    scenario: str
    scenario_title: str | None
    started_at: datetime
    ended_at: datetime | None
    outcome: str | None
    overall: float | None
    passed: bool | None
    turns: int
    reviewed: bool
    comments: int
    overrides: int
    audio_purged: bool
    transcript_purged: bool


@dataclass(frozen=True)
class SessionView:
    """One session opened for review: transcript, scorecard and every reviewer's notes."""

    record: SessionRecord
    turns: tuple[Turn, ...]
    scorecard: Scorecard | None
    comments: tuple[Comment, ...] = ()
    overrides: tuple[Override, ...] = ()
    reviewed: tuple[ReviewedMark, ...] = ()  # the marks in force, one per reviewer at most
    retention: Retention = field(default_factory=Retention)
    audio: dict[int, str] = field(default_factory=dict)
    origin: str = ""
    marks: tuple[ReviewedMark, ...] = ()  # every mark and withdrawal, oldest first

    @property
    def id(self) -> str:
        return self.record.id

    def human_levels(self) -> dict[str, Override]:
        from roleplay.domain.review import human_levels

        return human_levels(self.overrides)

    def history(self) -> list[HistoryEntry]:
        """Every override (with the level it replaced) and every reviewed mark or withdrawal,
        oldest first: who changed what, when, and from what."""
        from roleplay.domain.review import override_history

        judge = {c.id: c.level for c in self.scorecard.criteria} if self.scorecard else {}
        out = [
            HistoryEntry(
                c.at,
                c.author,
                f"{c.criterion}: {'-' if c.before is None else c.before} → {c.after} ({c.reason})",
            )
            for c in override_history(judge, self.overrides)
        ]
        out += [
            HistoryEntry(
                m.at, m.author, "marked it reviewed" if m.reviewed else "withdrew their mark"
            )
            for m in self.marks
        ]
        return sorted(out, key=lambda e: e.at)

    def comments_on(self, turn: int | None) -> list[Comment]:
        return sorted((c for c in self.comments if c.turn == turn), key=lambda c: c.at)


class HistoryEntry(NamedTuple):
    """One line of a session's review history."""

    at: datetime
    author: str
    what: str


class HumanLevel(NamedTuple):
    """A reviewer's level for one criterion of one session (what `roleplay calibrate` reads)."""

    session: str
    criterion: str
    level: int


@dataclass(frozen=True)
class ScoredSession:
    """One session as a report sees it: who, when, the judge's levels per skill, the KPIs."""

    id: str
    rep: str
    team: str | None
    scenario: str
    started_at: datetime
    overall: float | None
    passed: bool | None
    levels: dict[str, tuple[str, int | None]]  # criterion id -> (skill, judge level)
    human: dict[str, int] = field(default_factory=dict)  # criterion id -> level in force
    kpis: Kpis | None = None
    # criterion id -> every override, oldest first (who set which level when)
    overrides: dict[str, tuple[Override, ...]] = field(default_factory=dict)

    def human_history(self, criterion: str) -> str:
        """The overrides of one criterion as one line: "2 by tina 2026-01-05, 4 by tom ..."."""
        return ", ".join(
            f"{o.level} by {o.author} {o.at:%Y-%m-%d %H:%M}"
            for o in self.overrides.get(criterion, ())
        )


@dataclass(frozen=True)
class RepSkillCard:
    """One rep's scheduler card for one skill, as the index holds it for the team."""

    rep: str
    card: SkillCard
    origin: str = ""
