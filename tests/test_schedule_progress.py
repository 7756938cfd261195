"""A schedule built from many sessions at once (a first run, a new state format) says how far
it has got: it can take seconds, and a silent terminal looks frozen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleplay.composition import build
from roleplay.services.habit import PROGRESS_FROM
from tests.index_data import make_session, write, write_sessions


def test_a_schedule_built_from_many_sessions_reports_progress_and_a_small_one_does_not(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ROLEPLAY_REP", "ana")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    start = datetime.now(UTC) - timedelta(days=60)
    write_sessions(workspace / "recordings", PROGRESS_FROM + 20, start)
    told: list[tuple[int, int]] = []

    def progress(what: str, done: int, total: int) -> None:
        if what == "scheduling":
            told.append((done, total))

    services = build(workspace, offline=True, progress=progress)
    state = services.habit("ana").state()
    assert len(state.sessions) == PROGRESS_FROM + 20
    assert told[-1] == (PROGRESS_FROM + 20, PROGRESS_FROM + 20)  # ends at the whole
    assert [d for d, _ in told] == sorted(d for d, _ in told) and len(told) >= 3

    # One more session afterwards is applied without a word.
    told.clear()
    write(
        workspace / "recordings",
        make_session(10_000, rep="ana", rubric="discovery", started_at=start + timedelta(days=59)),
    )
    again = build(workspace, offline=True, progress=progress)
    assert len(again.habit("ana").state().sessions) == PROGRESS_FROM + 21
    assert told == []
