"""Made-up sessions for the index tests and benchmark: whole folders as SessionFiles."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from roleplay.domain import kpis
from roleplay.domain.history import Retention, SessionFiles
from roleplay.domain.review import Comment, Override, Review, ReviewedMark
from roleplay.domain.scorecard import CriterionScore, Evidence, Scorecard, weighted_overall
from roleplay.domain.session import FileRef, SessionRecord, Transcript, Turn, VariationRecord

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CRITERIA = [
    ("open-questions", "discovery-questions"),
    ("active-listening", "active-listening"),
    ("pain-quantification", "pain-quantification"),
    ("next-steps", "next-steps"),
]
LINES = [
    "How does a typical morning look for your dispatch team?",
    "What happens when a truck breaks down before nine?",
    "So what I'm hearing is that the returns eat your Mondays.",
    "How many hours a week does the team spend fixing those errors?",
    "Shall we book Thursday at ten with you and Anna from finance?",
]


def make_session(
    n: int,
    *,
    rep: str = "ana",
    team: str | None = "north",
    scenario: str = "discovery-spin",
    rubric: str = "discovery",
    started_at: datetime | None = None,
    turns: int = 8,
    levels: list[int | None] | None = None,
    origin: str = "origin-a",
    review: Review | None = None,
    scored: bool = True,
    audio: bool = False,
    seed: int | None = None,
) -> SessionFiles:
    rng = random.Random(n if seed is None else seed)
    start = started_at or T0 + timedelta(hours=n)
    sid = f"{start:%Y%m%d-%H%M%S}-{scenario}-{n:05d}"
    record = SessionRecord(
        id=sid,
        scenario=FileRef(id=scenario, version=1, sha256="0" * 64, title=scenario.title()),
        rubric=FileRef(id=rubric, version=2, sha256="1" * 64, title=rubric.title()),
        variation=VariationRecord(seed=n, choices={"mood": rng.choice(["calm", "rushed"])}),
        rep=rep,
        team=team,
        started_at=start,
        ended_at=start + timedelta(seconds=20 * turns),
        outcome="win" if n % 3 == 0 else "rep-ended",
    )
    items = tuple(
        Turn(
            index=i,
            speaker="customer" if i % 2 == 0 else "rep",
            text=rng.choice(LINES) if i % 2 else "We have been burned before, go on.",
            start=20.0 * i,
            end=20.0 * i + 15,
            source="scripted" if i % 2 == 0 else None,
            audio=f"turn-{i:04d}.wav" if audio else None,
        )
        for i in range(turns)
    )
    card = None
    if scored:
        levels = levels or [rng.randint(1, 5) for _ in CRITERIA]
        criteria = [
            CriterionScore(
                id=cid,
                name=cid.replace("-", " ").title(),
                skill=skill,
                weight=2.0,
                level=level,
                rationale="because",
                evidence=(Evidence(quote=items[1].text, turn=1, time=20.0),) if turns > 1 else (),
                tip="ask more",
            )
            for (cid, skill), level in zip(CRITERIA, levels, strict=True)
        ]
        overall = weighted_overall(criteria)
        card = Scorecard(
            session=sid,
            rubric=rubric,
            rubric_version=2,
            judge="offline",
            approximate=True,
            criteria=tuple(criteria),
            overall=overall,
            pass_threshold=3.0,
            passed=None if overall is None else overall >= 3.0,
            kpis=kpis.compute(items),
        )
    return SessionFiles(
        session_id=sid,
        origin=origin,
        transcript=Transcript(record=record, turns=items),
        scorecard=card,
        review=review,
        retention=Retention(),
        audio={t.index: t.audio for t in items if t.audio},
    )


def write(root: Path, folder: SessionFiles) -> None:
    """A session folder as the app writes it."""
    assert folder.transcript is not None
    path = root / folder.session_id
    path.mkdir(parents=True)
    (path / "session.json").write_text(folder.transcript.record.model_dump_json())
    (path / "transcript.jsonl").write_text(
        "".join(t.model_dump_json() + "\n" for t in folder.transcript.turns)
    )
    if folder.scorecard is not None:
        (path / "scorecard.json").write_text(folder.scorecard.model_dump_json())


def write_sessions(
    recordings: Path, count: int, start: datetime, hours_apart: float = 1, **fields: Any
) -> None:
    """`count` made-up sessions (make_session's: ana's discovery calls unless `fields` say
    otherwise), `hours_apart` from `start` on, written as the app writes them."""
    for n in range(count):
        started_at = start + timedelta(hours=hours_apart * n)
        write(recordings, make_session(n, started_at=started_at, **fields))


def a_review(session_id: str, *, author: str = "tina", at: datetime | None = None) -> Review:
    at = at or T0 + timedelta(days=30)
    return Review(
        session=session_id,
        comments=(
            Comment(id=f"c-{session_id}-1", author=author, at=at, turn=1, text="Good opener"),
            Comment(id=f"c-{session_id}-2", author=author, at=at, turn=None, text="Overall ok"),
        ),
        overrides=(
            Override(
                id=f"o-{session_id}-1",
                author=author,
                at=at,
                criterion="open-questions",
                level=2,
                reason="generic questions",
            ),
            Override(
                id=f"o-{session_id}-2",
                author=author,
                at=at + timedelta(minutes=5),
                criterion="open-questions",
                level=3,
                reason="on second listen, fine",
            ),
        ),
        reviewed=ReviewedMark(author=author, at=at),
    )
