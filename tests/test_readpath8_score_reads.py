"""`roleplay score last` reads a long folder's session list once: the schedule is synced once
and that state serves both the commitments written into the scorecard and the day each
skill comes back. Before, it synced twice, and the second sync listed the folder again (the
scorecard had just been written, so the first list was not trusted): at 8,000 sessions two
reads of 8,000 index lines and two parses of the schedule for one re-score."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from roleplay.adapters import indexed_file_store
from roleplay.adapters.clock import ManualClock
from roleplay.adapters.indexed_file_store import INDEX_FROM
from roleplay.composition import build
from roleplay.config import Settings
from tests.index_data import write_sessions


def test_a_rescore_reads_the_long_list_once_and_gives_the_same_result(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    start = datetime.now(UTC) - timedelta(days=30)
    write_sessions(workspace / "recordings", INDEX_FROM + 5, start)
    clock = ManualClock(datetime.now(UTC))
    s = build(workspace, settings=Settings(rep="ana", timezone="UTC"), clock=clock, offline=True)
    s.indexer.index()  # caught up with the copied-in sessions (as the first command does)
    first = s.end_of_call().rescore("last")  # the schedule is built and saved here
    lists: list[str] = []
    real = indexed_file_store.IndexedFileStore._survey

    def survey(self: Any, kind: str, read: Any) -> Any:
        def counted() -> Any:
            lists.append(kind)  # a list read from the index, not a kept one
            return read()

        return real(self, kind, counted)

    monkeypatch.setattr(indexed_file_store.IndexedFileStore, "_survey", survey)
    again = s.end_of_call().rescore("last")
    assert len(lists) == 1, lists  # was 2
    assert again.scorecard == first.scorecard
    assert again.comes_back == first.comes_back
    assert again.suggestion == first.suggestion and again.schedule_problem is None
