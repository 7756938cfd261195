"""A practice session as saved on disk: the session record and its turns."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from roleplay.domain.commitment import Commitment

Speaker = Literal["rep", "customer"]
Outcome = Literal["win", "loss", "time", "rep-ended"]
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

    def rep_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.speaker == "rep"]
