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


def test_a_new_rep_in_a_big_team_is_told_while_the_team_pace_is_read(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new rep's first schedule reads every teammate's sessions for its pace prior: seconds
    in a big team (bench/team_prior_bench.py), said on the terminal as the indexing is."""
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ROLEPLAY_REP", "zed")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    start = datetime.now(UTC) - timedelta(days=60)
    theirs = PROGRESS_FROM + 30
    for n in range(theirs):  # three teammates' judged sessions
        when = start + timedelta(hours=n)
        write(
            workspace / "recordings",
            make_session(n, rep=["ana", "bo", "cy"][n % 3], started_at=when),
        )
    write(
        workspace / "recordings",
        make_session(10_000, rep="zed", rubric="discovery", started_at=start + timedelta(days=59)),
    )
    told: dict[str, list[tuple[int, int]]] = {}

    def progress(what: str, done: int, total: int) -> None:
        told.setdefault(what, []).append((done, total))

    services = build(workspace, offline=True, progress=progress)
    assert len(services.habit("zed").state().sessions) == 1
    team = told["team pace"]
    assert team[-1] == (theirs, theirs) and len(team) >= 2
    assert [d for d, _ in team] == sorted(d for d, _ in team)
    assert "scheduling" not in told  # the new rep's one session is applied without a word
