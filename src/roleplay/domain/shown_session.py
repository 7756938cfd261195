"""A saved session as `roleplay show` prints it, read without pydantic (issue 18).

`show` is a read a rep waits for: importing pydantic and building the session, scorecard and
KPI models was about half of its run (~400 M of ~775 M instructions). These are plain frozen
twins of the fields it displays (a commitment, evidence and a check: domain/plain_commitment.py,
which `today` reads too; domain/session.py, domain/scorecard.py, domain/kpis.py stay
the models that validate, write and export).

The plain read is only a shortcut for files that are plainly well-formed: every field is
checked for the exact JSON type the model takes as is (a float field takes an int, as the model
does); anything else (a missing key, a string where a number belongs, a level out of range, a
date in another form) raises `Unexpected`, and the caller reads the file through the models,
which give the same clear message as ever. So a hand-edited or broken file reads exactly as
before; only a file the models would take unchanged is read this way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from roleplay.domain.plain_commitment import (
    PlainCheck,
    PlainCommitment,
    PlainEvidence,
    read_check,
    read_commitment,
    read_evidence,
)
from roleplay.domain.plain_json import (
    REQUIRED,
    _bool,
    _float,
    _int,
    _level,
    _mapping,
    _object,
    _one_of,
    _optional,
    _setting,
    _str,
    _tuple,
    _when,
)
from roleplay.domain.plain_json import Unexpected as Unexpected  # what the file store catches

# --- the views -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownTurn:
    index: int
    speaker: str
    text: str
    start: float
    end: float
    source: str | None = None
    tags: tuple[str, ...] = ()
    audio: str | None = None
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ShownFile:
    id: str
    version: int
    sha256: str
    title: str | None = None


@dataclass(frozen=True)
class ShownVariation:
    seed: int
    choices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ShownDrill:
    id: str
    title: str | None = None
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShownRecord:
    id: str
    scenario: ShownFile
    rubric: ShownFile
    variation: ShownVariation
    rep: str
    started_at: datetime
    format: int = 1
    language: str = "en"
    team: str | None = None
    mode: str = "text"
    settings: dict[str, str | int | float | bool | None] = field(default_factory=dict)
    ended_at: datetime | None = None
    outcome: str | None = None
    drill: ShownDrill | None = None
    commitment: PlainCommitment | None = None


@dataclass(frozen=True)
class ShownTranscript:
    record: ShownRecord
    turns: tuple[ShownTurn, ...]

    @property
    def finished(self) -> bool:
        return self.record.ended_at is not None


@dataclass(frozen=True)
class ShownCriterion:
    id: str
    name: str
    skill: str
    weight: float
    rationale: str
    tip: str
    level: int | None = None
    evidence: tuple[PlainEvidence, ...] = ()
    counter_evidence: tuple[PlainEvidence, ...] = ()
    example: str | None = None
    unsupported: bool = False
    samples: tuple[int, ...] = ()

    @property
    def spread(self) -> int | None:
        """As CriterionScore.spread: highest minus lowest sampled level."""
        return max(self.samples) - min(self.samples) if len(self.samples) > 1 else None


@dataclass(frozen=True)
class ShownKpis:
    rep_turns: int
    rep_words: int
    customer_words: int
    talk_ratio_words: float | None
    talk_ratio_time: float | None
    words_per_minute: float | None
    fillers: int
    fillers_per_minute: float | None
    fillers_per_100_words: float | None
    questions_open: int
    questions_closed: int
    longest_monologue_words: int
    longest_monologue_seconds: float | None
    avg_response_latency: float | None
    interruptions: int


@dataclass(frozen=True)
class ShownCard:
    rubric: str
    rubric_version: int
    judge: str
    approximate: bool
    criteria: tuple[ShownCriterion, ...]
    overall: float | None
    pass_threshold: float
    passed: bool | None
    kpis: ShownKpis
    format: int = 1
    session: str | None = None
    strengths: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    samples: int = 1
    commitments: tuple[PlainCheck, ...] = ()


# --- the checks: exactly the JSON the models take unchanged (domain/plain_json.py) -----------

_FILE = _object(
    ShownFile,
    {
        "id": (_str, REQUIRED),
        "version": (_int, REQUIRED),
        "sha256": (_str, REQUIRED),
        "title": (_optional(_str), None),
    },
)
read_turn = _object(
    ShownTurn,
    {
        "index": (_level(0), REQUIRED),
        "speaker": (_one_of("rep", "customer"), REQUIRED),
        "text": (_str, REQUIRED),
        "start": (_float, REQUIRED),
        "end": (_float, REQUIRED),
        "source": (_optional(_str), None),
        "tags": (_tuple(_str), ()),
        "audio": (_optional(_str), None),
        "timings": (_mapping(_float), None),
    },
)
read_record = _object(
    ShownRecord,
    {
        "format": (_int, 1),
        "id": (_str, REQUIRED),
        "scenario": (_FILE, REQUIRED),
        "rubric": (_FILE, REQUIRED),
        "variation": (
            _object(ShownVariation, {"seed": (_int, REQUIRED), "choices": (_mapping(_str), None)}),
            REQUIRED,
        ),
        "language": (_str, "en"),
        "rep": (_str, REQUIRED),
        "team": (_optional(_str), None),
        "mode": (_one_of("text", "voice", "transcript"), "text"),
        "settings": (_mapping(_setting), None),
        "started_at": (_when, REQUIRED),
        "ended_at": (_optional(_when), None),
        "outcome": (_optional(_one_of("win", "loss", "time", "rep-ended", "cut-short")), None),
        "drill": (
            _optional(
                _object(
                    ShownDrill,
                    {
                        "id": (_str, REQUIRED),
                        "title": (_optional(_str), None),
                        "skills": (_tuple(_str), ()),
                    },
                )
            ),
            None,
        ),
        "commitment": (_optional(read_commitment), None),
    },
)
_CRITERION = _object(
    ShownCriterion,
    {
        "id": (_str, REQUIRED),
        "name": (_str, REQUIRED),
        "skill": (_str, REQUIRED),
        "weight": (_float, REQUIRED),
        "level": (_optional(_level(1, 5)), None),
        "rationale": (_str, REQUIRED),
        "evidence": (_tuple(read_evidence), ()),
        "counter_evidence": (_tuple(read_evidence), ()),
        "tip": (_str, REQUIRED),
        "example": (_optional(_str), None),
        "unsupported": (_bool, False),
        "samples": (_tuple(_int), ()),
    },
)
_COUNTS = ("rep_turns", "rep_words", "customer_words", "fillers", "questions_open")
_KPIS = _object(
    ShownKpis,
    {
        **{
            name: ((_int if name in _COUNTS else _optional(_float)), REQUIRED)
            for name in (
                "rep_turns",
                "rep_words",
                "customer_words",
                "talk_ratio_words",
                "talk_ratio_time",
                "words_per_minute",
                "fillers",
                "fillers_per_minute",
                "fillers_per_100_words",
                "questions_open",
            )
        },
        "questions_closed": (_int, REQUIRED),
        "longest_monologue_words": (_int, REQUIRED),
        "longest_monologue_seconds": (_optional(_float), REQUIRED),
        "avg_response_latency": (_optional(_float), REQUIRED),
        "interruptions": (_int, REQUIRED),
    },
)
read_card = _object(
    ShownCard,
    {
        "format": (_int, 1),
        "session": (_optional(_str), None),
        "rubric": (_str, REQUIRED),
        "rubric_version": (_int, REQUIRED),
        "judge": (_str, REQUIRED),
        "approximate": (_bool, REQUIRED),
        "criteria": (_tuple(_CRITERION), REQUIRED),
        "overall": (_optional(_float), REQUIRED),
        "pass_threshold": (_float, REQUIRED),
        "passed": (_optional(_bool), REQUIRED),
        "strengths": (_tuple(_str), ()),
        "priorities": (_tuple(_str), ()),
        "kpis": (_KPIS, REQUIRED),
        "notes": (_tuple(_str), ()),
        "samples": (_int, 1),
        "commitments": (_tuple(read_check), ()),
    },
)
