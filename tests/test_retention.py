"""`purge` deletes old audio (and transcripts) and keeps every score."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from roleplay.adapters.clock import ManualClock
from roleplay.composition import Services
from roleplay.domain.history import SessionFilter
from tests.helpers import play, services

LINES = ["How does a typical morning look for your dispatch team?", "Can I call you Tuesday?"]


def sessions(ws: Path, ages_days: list[int]) -> tuple[Services, list[str], ManualClock]:
    """Sessions started `age` days before the clock's final time, each with turn audio."""
    clock = ManualClock()
    s = services(ws, clock)
    ids = []
    start, oldest = clock.now(), max(ages_days)

    def move_to(days: int) -> None:
        clock.advance((start + timedelta(days=days) - clock.now()).total_seconds())

    for age in sorted(ages_days, reverse=True):
        move_to(oldest - age)
        call = s.practice.begin("discovery-spin", s.profile())
        play(call, LINES, clock)
        s.practice.finish(call)
        folder = ws / "recordings" / call.record.id
        for i in range(len(call.turns)):
            (folder / f"turn-{i:04d}.wav").write_bytes(b"RIFF" + bytes(100))
        s.indexer.sync(call.record.id)
        ids.append(call.record.id)
    move_to(oldest)
    return s, ids, clock


def test_purge_deletes_old_audio_and_transcripts_and_keeps_scores(workspace: Path) -> None:
    s, (old, recent), _ = sessions(workspace, [120, 10])
    before = {r.id: r for r in s.reviews.find(SessionFilter())}
    s.reviews.comment(old, "Good call", turn=1)
    plan = s.purger.plan(timedelta(days=90))
    assert [i.session for i in plan.items] == [old]
    assert plan.files == 6 and plan.bytes > 0  # five turns of audio and the transcript
    s.purger.purge(plan)

    folder = workspace / "recordings" / old
    assert sorted(p.name for p in folder.iterdir()) == [
        "retention.json",
        "review.json",
        "scorecard.json",
        "session.json",
    ]
    card = json.loads((folder / "scorecard.json").read_text())
    assert card["overall"] == before[old].overall
    assert all(e["quote"] == "" for c in card["criteria"] for e in c["evidence"])
    assert any(c["evidence"] for c in card["criteria"])  # turn numbers stay, words go
    [row] = s.reviews.find(SessionFilter(until=before[recent].started_at))
    assert (row.overall, row.turns, row.transcript_purged, row.audio_purged) == (
        before[old].overall,
        0,
        True,
        True,
    )
    view = s.reviews.open(old)
    assert view.turns == () and view.audio == {} and view.comments[0].text == "Good call"
    assert len(list((workspace / "recordings" / recent).glob("*.wav"))) == 5
    assert s.purger.plan(timedelta(days=90)).items == ()  # nothing left to delete


def test_audio_only_keeps_the_transcript(workspace: Path) -> None:
    s, (old,), _ = sessions(workspace, [100])
    s.purger.purge(s.purger.plan(timedelta(days=90), audio_only=True))
    folder = workspace / "recordings" / old
    assert not list(folder.glob("*.wav")) and (folder / "transcript.jsonl").exists()
    view = s.reviews.open(old)
    assert len(view.turns) == 5 and view.retention.audio_purged_at is not None
    assert view.retention.transcript_purged_at is None
    assert view.scorecard is not None and any(
        e.quote for c in view.scorecard.criteria for e in c.evidence
    )
