"""Shared test helpers: services on a workspace with a manual clock, scripted calls."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from roleplay.adapters.clock import ManualClock
from roleplay.composition import Services, build
from roleplay.config import Settings
from roleplay.domain.session import FileRef, SessionRecord, VariationRecord
from roleplay.services.catalog import load_catalog
from roleplay.services.end_of_call import CallResult
from roleplay.services.engine import Conversation
from roleplay.services.gold import GoldEntry, load_gold_set
from roleplay.services.ports import CustomerEvent, EndCall, Sentence

REPO = Path(__file__).resolve().parents[1]


def services(workspace: Path, clock: ManualClock | None = None) -> Services:
    return build(workspace, settings=Settings(rep="tester"), clock=clock or ManualClock())


def said(events: Iterable[CustomerEvent]) -> str:
    return " ".join(e.text for e in events if isinstance(e, Sentence))


def ending(events: list[CustomerEvent]) -> EndCall | None:
    ends = [e for e in events if isinstance(e, EndCall)]
    return ends[0] if ends else None


def play(
    call: Conversation,
    lines: list[str],
    clock: ManualClock | None = None,
    seconds_per_turn: float = 10,
) -> list[str]:
    """Start the call, say each line (until the call ends); return the customer's replies."""
    replies = [said(call.start())]
    for line in lines:
        if call.state.value == "ended":
            break
        if clock:
            clock.advance(seconds_per_turn)
        replies.append(said(call.rep_says(line)))
    return replies


def two_calls_with_a_commitment(svc: Services, clock: ManualClock, lines: list[str]) -> CallResult:
    """A first discovery-spin call whose rep commits to its drill note, then a second call a
    day later that checks that commitment; returns the second call's result."""
    first = svc.practice.begin("discovery-spin", svc.profile(), seed=1)
    play(first, lines[:1], clock)
    svc.end_of_call().finish(first)
    svc.habit().commit(first.record.id)
    clock.advance(86400)
    second = svc.practice.begin("discovery-spin", svc.profile(), seed=2)
    play(second, lines, clock)
    return svc.end_of_call().finish(second)


def gold_entries(*folders: Path) -> list[GoldEntry]:
    """The gold calls of `folders` (each a gold set of the bundled scenarios and rubrics), in
    order; a gold file with a problem fails the test that reads it."""
    catalog = load_catalog([REPO / "scenarios"], [REPO / "rubrics"], [])
    found: list[GoldEntry] = []
    for folder in folders:
        gold = load_gold_set(folder, catalog)
        assert not gold.problems, gold.problems
        found += gold.entries
    return found


def a_record(
    scenario: str = "outside",
    rubric: str = "discovery",
    *,
    id: str = "call",
    seed: int = 0,
    rep: str = "Rep",
    **fields: Any,
) -> SessionRecord:
    """A session's record for a judge to read: `scenario` and `rubric` by id (version 1, a
    made-up hash), started 2026-01-01 UTC; `fields` (mode, language, drill...) over
    SessionRecord's defaults."""
    return SessionRecord(
        id=id,
        scenario=FileRef(id=scenario, version=1, sha256="x"),
        rubric=FileRef(id=rubric, version=1, sha256="y"),
        variation=VariationRecord(seed=seed),
        rep=rep,
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        **fields,
    )
