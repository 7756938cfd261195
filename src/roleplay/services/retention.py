"""Retention: delete old recordings' audio (and transcripts) while keeping the scores.

What stays: session.json (who, when, which scenario), scorecard.json (levels, KPIs, tips) and
review.json. When a transcript goes, the evidence quotes in the scorecard go with it (they are
the rep's words too); levels, turn numbers and the KPIs stay. retention.json records what was
deleted and when, so exports and the index can say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from roleplay.domain.history import Retention
from roleplay.domain.periods import before
from roleplay.domain.scorecard import Scorecard
from roleplay.services.index import Indexer
from roleplay.services.ports import BrokenRecording, Clock, SessionStore

TRANSCRIPT_NAME = "transcript.jsonl"


@dataclass(frozen=True)
class PurgeItem:
    session: str
    rep: str
    started_at: datetime
    files: tuple[tuple[Path, int], ...]  # (path, bytes)

    @property
    def bytes(self) -> int:
        return sum(size for _, size in self.files)


@dataclass(frozen=True)
class PurgePlan:
    cutoff: datetime
    audio_only: bool
    items: tuple[PurgeItem, ...]
    problems: tuple[str, ...] = ()  # old sessions left alone: a file of theirs is damaged

    @property
    def files(self) -> int:
        return sum(len(i.files) for i in self.items)

    @property
    def bytes(self) -> int:
        return sum(i.bytes for i in self.items)


class Purger:
    def __init__(self, store: SessionStore, indexer: Indexer, clock: Clock) -> None:
        self.store = store
        self.indexer = indexer
        self.files = indexer.files
        self.clock = clock

    def plan(self, older_than: timedelta, *, audio_only: bool = False) -> PurgePlan:
        """What purging sessions started more than `older_than` ago would delete (this
        machine's recordings only: other machines purge their own)."""
        cutoff = before(self.clock.now(), older_than)  # 999999999d: nothing is that old
        items = []
        problems = []
        for record in self.store.records():
            if record.started_at >= cutoff:
                continue
            try:
                # Read whole first: a session whose files cannot be read (or that leads out of
                # the recordings folder) is left alone and named, never half-purged.
                self.files.read(record.id)
                found = self.files.purgeable(record.id, transcript=not audio_only)
            except BrokenRecording as exc:
                problems.append(str(exc))
                continue
            if found:
                items.append(PurgeItem(record.id, record.rep, record.started_at, tuple(found)))
        items.sort(key=lambda i: i.started_at)
        return PurgePlan(cutoff, audio_only, tuple(items), tuple(problems))

    def purge(self, plan: PurgePlan, progress: Callable[[int, int], None] | None = None) -> int:
        """Delete what the plan lists; return the number of sessions purged."""
        now = self.clock.now()
        for n, item in enumerate(plan.items, 1):
            paths = [p for p, _ in item.files]
            transcript = any(p.name == TRANSCRIPT_NAME for p in paths)
            with self.files.lock(item.session):
                self.files.mark_pending(item.session)
                before = self.files.read(item.session).retention
                self.files.delete(paths)
                self.files.save_retention(
                    item.session,
                    Retention(
                        audio_purged_at=before.audio_purged_at
                        or (now if len(paths) > int(transcript) else None),
                        transcript_purged_at=before.transcript_purged_at
                        or (now if transcript else None),
                    ),
                )
                card = self.store.scorecard(item.session) if transcript else None
                if card is not None:
                    self.store.save_scorecard(item.session, without_quotes(card))
            self.indexer.sync(item.session)
            if progress:
                progress(n, len(plan.items))
        return len(plan.items)


def without_quotes(card: Scorecard) -> Scorecard:
    """The scorecard with the rep's words removed from its evidence; everything else kept."""
    criteria = tuple(
        c.model_copy(
            update={
                "evidence": tuple(e.model_copy(update={"quote": ""}) for e in c.evidence),
                "counter_evidence": tuple(
                    e.model_copy(update={"quote": ""}) for e in c.counter_evidence
                ),
            }
        )
        for c in card.criteria
    )
    return card.model_copy(update={"criteria": criteria})
