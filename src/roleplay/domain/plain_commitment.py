"""A commitment, the judge's evidence and a commitment's check as plain views, read without
pydantic (issue 18): the one set that `show` (domain/shown_session.py) and `today`/`progress`
(domain/habit_views.py) both read, twins of commitment.Commitment, scorecard.Evidence and
scorecard.CommitmentCheck (tests/test_readpath10_views.py pins their fields to the models').

NamedTuples, not dataclasses: `today` defines them at import, where a dataclass costs ~5x as
much. As every plain read: a value the models would not take unchanged raises `Unexpected`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from roleplay.domain.plain_json import (
    REQUIRED,
    _bool,
    _float,
    _int,
    _object,
    _optional,
    _str,
    _text,
    _tuple,
    _when,
    when_json,
)


class PlainCommitment(NamedTuple):
    """commitment.Commitment's fields."""

    text: str
    suggested: str
    skill: str
    criterion: str
    criterion_name: str
    rubric: str
    level: int | None
    made_at: datetime


class PlainEvidence(NamedTuple):
    """scorecard.Evidence's fields."""

    quote: str
    turn: int
    time: float | None = None


class PlainCheck(NamedTuple):
    """scorecard.CommitmentCheck's fields."""

    commitment: str
    made_in: str
    skill: str
    criterion: str
    kept: bool | None
    reason: str
    level_before: int | None = None
    level: int | None = None
    evidence: tuple[PlainEvidence, ...] = ()


read_evidence = _object(
    PlainEvidence,
    {"quote": (_str, REQUIRED), "turn": (_int, REQUIRED), "time": (_optional(_float), None)},
)
read_commitment = _object(
    PlainCommitment,
    {
        "text": (_text, REQUIRED),
        "suggested": (_str, REQUIRED),
        "skill": (_str, REQUIRED),
        "criterion": (_str, REQUIRED),
        "criterion_name": (_str, REQUIRED),
        "rubric": (_str, REQUIRED),
        "level": (_optional(_int), REQUIRED),
        "made_at": (_when, REQUIRED),
    },
)
read_check = _object(
    PlainCheck,
    {
        "commitment": (_str, REQUIRED),
        "made_in": (_str, REQUIRED),
        "skill": (_str, REQUIRED),
        "criterion": (_str, REQUIRED),
        "kept": (_optional(_bool), REQUIRED),
        "level_before": (_optional(_int), None),
        "level": (_optional(_int), None),
        "evidence": (_tuple(read_evidence), ()),
        "reason": (_str, REQUIRED),
    },
)


def commitment_json(c: PlainCommitment) -> dict[str, Any]:
    """commitment.Commitment's JSON (its model_dump(mode="json")) of the same values, without
    pydantic: `today --json` writes an open commitment from the plain views
    (tests/test_readpath11_commitment_json.py pins the two, byte for byte)."""
    return {**c._asdict(), "made_at": when_json(c.made_at)}
