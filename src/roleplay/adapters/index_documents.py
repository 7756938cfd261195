"""One session folder as rows of the index: plain dicts, and no database library imported.

Both writers of the index build their rows here: SQLAlchemy (adapters/sql_index.py, every
database) and stdlib sqlite3 (adapters/sqlite_index.py, a rep's local index, where importing
SQLAlchemy would cost a command like `score last` more than everything else it does).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from roleplay.domain.history import SessionFiles

if TYPE_CHECKING:
    from roleplay.domain.schedule import SkillCard  # fsrs loads only where cards are rated

CHUNK = 500  # ids per IN (...) clause


class Serialised(str):
    """A document already written as JSON text by pydantic, in one step: building a dict
    (model_dump) and then json.dumps-ing it walked each of 64,000 turns twice at 8,000
    sessions. Both writers store it as it is (`dumps`, the engine's JSON serialiser)."""


def dumps(value: Any) -> str:
    """A document as the index stores it: JSON text (a Serialised one as it is)."""
    return value if isinstance(value, Serialised) else json.dumps(value)


def session_row(f: SessionFiles, now: datetime) -> dict[str, Any]:
    assert f.transcript is not None
    r = f.transcript.record
    card = f.scorecard
    return {
        "id": r.id,
        "origin": f.origin,
        "rep": r.rep,
        "team": r.team,
        "scenario_id": r.scenario.id,
        "scenario_version": r.scenario.version,
        "scenario_title": r.scenario.title,
        "rubric_id": r.rubric.id,
        "rubric_version": r.rubric.version,
        "language": r.language,
        "mode": r.mode,
        "started_at": r.started_at,
        "ended_at": r.ended_at,
        "outcome": r.outcome,
        "turn_count": len(f.transcript.turns),
        "overall": card.overall if card else None,
        "passed": card.passed if card else None,
        "judge": card.judge if card else None,
        "record": Serialised(r.model_dump_json()),
        "scorecard": Serialised(card.model_dump_json()) if card else None,
        "indexed_at": now,
        "audio_purged_at": f.retention.audio_purged_at,
        "transcript_purged_at": f.retention.transcript_purged_at,
    }


def turn_rows(f: SessionFiles) -> Iterable[dict[str, Any]]:
    assert f.transcript is not None
    for t in f.transcript.turns:
        yield {
            "session_id": f.session_id,
            "idx": t.index,
            "speaker": t.speaker,
            "text": t.text,
            "audio": f.audio.get(t.index),
            "doc": Serialised(t.model_dump_json()),
        }


def score_rows(f: SessionFiles) -> Iterable[dict[str, Any]]:
    if f.scorecard is None:
        return
    for c in f.scorecard.criteria:
        yield {
            "session_id": f.session_id,
            "criterion_id": c.id,
            "name": c.name,
            "skill": c.skill,
            "weight": c.weight,
            "level": c.level,
            "unsupported": c.unsupported,
        }


def chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def review_rows(folders: Sequence[SessionFiles]) -> dict[str, list[dict[str, Any]]]:
    """The folders' review items, by table (comments, overrides, review_marks)."""
    out: dict[str, list[dict[str, Any]]] = {"comments": [], "overrides": [], "review_marks": []}
    for f in folders:
        if f.review is None:
            continue
        base = {"session_id": f.session_id, "origin": f.origin}
        out["comments"] += [
            {
                **base,
                "id": c.id,
                "author": c.author,
                "created_at": c.at,
                "turn": c.turn,
                "text": c.text,
            }
            for c in f.review.comments
        ]
        out["overrides"] += [
            {
                **base,
                "id": o.id,
                "author": o.author,
                "created_at": o.at,
                "criterion_id": o.criterion,
                "level": o.level,
                "reason": o.reason,
            }
            for o in f.review.overrides
        ]
        out["review_marks"] += [
            {**base, "id": m.id, "author": m.author, "reviewed_at": m.at, "reviewed": m.reviewed}
            for m in f.review.marks
        ]
    return out


def card_row(origin: str, rep: str, card: SkillCard) -> dict[str, Any]:
    """One scheduler card of `rep` from the recordings folder `origin`."""
    return {
        "origin": origin,
        "rep": rep,
        "skill": card.skill,
        "due": card.due,
        "last_review": card.last_review,
        "last_level": card.last_level,
        "stability": card.stability,
        "reviews": card.reviews,
        "lapses": card.lapses,
        "doc": card.model_dump(mode="json"),
    }
