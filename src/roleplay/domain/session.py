"""A practice session as saved on disk: the session record and its turns."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from roleplay.domain.commitment import Commitment

Speaker = Literal["rep", "customer"]
# cut-short: a call nobody ended (quit to score later, cut off by a crash), scored afterwards
# (Transcript.as_scored).
Outcome = Literal["win", "loss", "time", "rep-ended", "cut-short"]
FORMAT_VERSION = 1


class Record(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Turn(Record):
    """One turn of the conversation, as one line of transcript.jsonl."""

    index: int = Field(ge=0)
    speaker: Speaker
    text: str
    start: float = Field(description="Seconds since the session started.")
    end: float
    source: str | None = Field(
        default=None, description="What produced a customer turn (scripted, a model name)."
    )
    tags: tuple[str, ...] = Field(
        default=(), description="What the turn did in the scenario: fact:ID, objection:ID..."
    )
    audio: str | None = Field(
        default=None, description="The turn's audio file, relative to the session folder."
    )
    timings: dict[str, float] = Field(
        default_factory=dict,
        description="Voice turns: moments in seconds since the session started "
        "(speech_end, transcript_ready, first_token, first_audio_out...).",
    )


class FileRef(Record):
    id: str
    version: int
    sha256: str
    title: str | None = None


class VariationRecord(Record):
    seed: int
    choices: dict[str, str] = Field(default_factory=dict)


class DrillRef(Record):
    """The drill a session played (absent: the whole call)."""

    id: str
    title: str | None = None
    skills: tuple[str, ...] = ()


class SessionRecord(Record):
    """session.json: everything needed to understand and re-score the session later."""

    format: int = FORMAT_VERSION
    id: str
    scenario: FileRef
    rubric: FileRef
    variation: VariationRecord
    language: str = "en"
    rep: str
    team: str | None = None
    mode: Literal["text", "voice", "transcript"] = "text"  # transcript: an outside call
    settings: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    started_at: datetime
    ended_at: datetime | None = None
    outcome: Outcome | None = None
    drill: DrillRef | None = None
    commitment: Commitment | None = Field(
        default=None, description="What the rep committed to at the end of this session."
    )


class Transcript(Record):
    """A session as the judge and the CLI see it."""

    record: SessionRecord
    turns: tuple[Turn, ...]

    @property
    def finished(self) -> bool:
        return self.record.ended_at is not None

    def as_scored(self) -> Transcript:
        """The session as it is once scored. A call left unfinished (quit to score later, cut
        off by a crash) read "unfinished" for good and never reached the practice schedule,
        though it had a scorecard; scored, it counts as practice like any scored call: it
        ends where its last turn ended (when it was practised, not when it was scored), its
        outcome "cut-short". The turns are not touched. A finished session is as it was."""
        if self.finished:
            return self
        last = max((t.end for t in self.turns), default=0.0)
        ended = self.record.started_at + timedelta(seconds=max(0.0, last))
        record = self.record.model_copy(update={"ended_at": ended, "outcome": "cut-short"})
        return self.model_copy(update={"record": record})

    def rep_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.speaker == "rep"]
