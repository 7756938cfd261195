"""What the read commands leave out to answer quickly, and that leaving it out changes nothing a
rep sees: `today` opens the index (SQLAlchemy, a catch-up) only when it can hold assignments,
and the habit's list of a rep's sessions is the store's (the index's from INDEX_FROM on)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from roleplay.adapters import file_store, session_records
from roleplay.adapters.clock import ManualClock
from roleplay.adapters.indexed_file_store import INDEX_FROM
from roleplay.composition import build
from roleplay.config import Settings
from tests.fresh_cli import SRC, run_cli
from tests.helpers import play
from tests.index_data import make_session, write, write_sessions
from tests.test_read_from_index import from_folders_and_index

LINES = [
    "How does a typical morning look for your dispatch team?",
    "Can I call you Tuesday at ten with Anna from finance?",
]


def run(ws: Path, *args: str) -> tuple[str, dict[str, object]]:
    """The command's output, and its exit code and whether it loaded SQLAlchemy."""
    ran = run_cli(ws, *args)
    return ran.out, {"code": ran.code, "sqlalchemy": "sqlalchemy" in ran.loaded}


def practise(ws: Path) -> None:
    clock = ManualClock(datetime.now(UTC) - timedelta(hours=2))
    s = build(ws, settings=Settings(rep="ana", timezone="UTC"), clock=clock)
    call = s.practice.begin("discovery-spin", s.profile())
    play(call, LINES, clock)
    s.practice.finish(call)


def test_today_for_a_rep_alone_does_not_open_the_index(workspace: Path) -> None:
    run(workspace, "today")  # the first one saves the (empty) schedule
    out, loaded = run(workspace, "today")
    assert loaded == {"code": 0, "sqlalchemy": False}
    assert "Today," in out

    practise(workspace)  # the index now exists and holds the session, but no assignment
    run(workspace, "today")  # the first one after a call may save the schedule's cards
    out, loaded = run(workspace, "today")
    assert loaded == {"code": 0, "sqlalchemy": False}
    assert "Today," in out and "due" not in out.split("Today,")[0]


def test_an_assignment_in_the_local_index_is_shown_and_a_withdrawn_one_is_not(
    workspace: Path,
) -> None:
    practise(workspace)
    due = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    made = subprocess.run(
        [sys.executable, "-m", "roleplay", "--workspace", str(workspace), "assign",
         "discovery-spin", "--to", "ana", "--due", due, "--json"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": SRC, "ROLEPLAY_REP": "ana"},
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    ident = json.loads(made.stdout)["id"]
    out, loaded = run(workspace, "today")
    assert loaded["sqlalchemy"] is True  # there is one: the index is asked
    assert f"discovery-spin: due {due}" in out.split("Today,")[0]

    _, withdrawn = run(workspace, "assignments", "withdraw", ident)
    assert withdrawn["code"] == 0
    out, loaded = run(workspace, "today")
    assert loaded == {"code": 0, "sqlalchemy": False}  # none open: nothing to ask
    assert "discovery-spin: due" not in out


def test_from_index_from_on_the_habit_keeps_its_schedule_against_the_index_list(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One list of a rep's sessions: below INDEX_FROM kept by file stamps, from there on the
    index's. The habit reads no session file to know its list, and a session saved through
    the services is in the next list (a new version), never a stale one."""
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    start = datetime.now(UTC) - timedelta(days=30)
    write_sessions(workspace / "recordings", INDEX_FROM + 5, start)
    clock = ManualClock(datetime.now(UTC) - timedelta(minutes=30))
    s = build(workspace, settings=Settings(rep="ana", timezone="UTC"), clock=clock, offline=True)
    assert s.records is not None
    s.indexer.index()  # caught up with the copied-in sessions (as the first command does)
    read: list[str] = []
    real = file_store.parse_file

    def reading(path: Path, model: Any) -> Any:
        read.append(str(path))
        return real(path, model)

    monkeypatch.setattr(session_records, "parse_file", reading)
    version, listed = s.records()
    assert [r.id for r in listed] == [r.id for r in s.store.records()]
    assert len(listed) == INDEX_FROM + 5 and read == []  # from the index, not the files
    assert s.habit("ana").state().sessions[-1].id == listed[0].id

    call = s.practice.begin("discovery-spin", s.profile())
    play(call, LINES, clock)
    s.end_of_call().finish(call)
    again, newer = s.records()
    assert again != version and newer[0].id == call.record.id
    assert s.habit("ana").state().sessions[-1].id == call.record.id
    assert read == []


def test_a_command_that_ends_without_tearing_down_still_says_and_logs_everything(
    workspace: Path, isolated_user_dirs: Path
) -> None:
    """The CLI skips the interpreter's teardown: the exit code, every line of output and the
    log's last warning must still be there."""
    practise(workspace)
    broken = workspace / "recordings" / "2020-01-01-broken"
    broken.mkdir()
    (broken / "session.json").write_text('{"id": "half a file')
    env = {**os.environ, "PYTHONPATH": SRC, "ROLEPLAY_REP": "ana"}
    done = subprocess.run(
        [sys.executable, "-m", "roleplay", "--workspace", str(workspace), "sessions", "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1  # a damaged session is named, and the exit code says so
    listed = json.loads(done.stdout)  # the whole JSON, flushed
    assert [s["status"] for s in listed][-1] == "damaged"
    log = (isolated_user_dirs / "data" / "logs" / "roleplay.log").read_text()
    assert "2020-01-01-broken" in log
    usage = subprocess.run(
        [sys.executable, "-m", "roleplay", "--workspace", str(workspace), "sessions", "--nope"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert usage.returncode == 2 and "No such option" in usage.stderr


@pytest.mark.parametrize("newest", ["indexed", "damaged scorecard", "unfinished"])
def test_show_last_from_the_index_is_the_folders_last(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, newest: str
) -> None:
    """`show last` asks the index for its newest row (and reads only the folders it does not
    hold): the same session as the whole list's first, whatever the newest folder holds."""
    monkeypatch.setenv("ROLEPLAY_REP", "ana")
    start = datetime.now(UTC) - timedelta(days=30)
    rec = workspace / "recordings"
    for n in range(INDEX_FROM + 3):
        write(rec, make_session(n, rep="ana", started_at=start + timedelta(hours=n)))
    last = make_session(99_999, rep="ana", started_at=start + timedelta(days=29))
    write(rec, last)
    if newest == "damaged scorecard":
        (rec / last.session_id / "scorecard.json").write_text("{not json")
    elif newest == "unfinished":
        record = json.loads((rec / last.session_id / "session.json").read_text())
        record["ended_at"] = None
        (rec / last.session_id / "session.json").write_text(json.dumps(record))
    folders, index = from_folders_and_index(workspace, monkeypatch, tmp_path, "show", "last")
    assert index == folders
    assert (tmp_path / "home-index" / "data" / "index.sqlite").exists()
    assert f"Session {last.session_id}" in index[1]


def test_a_first_schedule_reads_each_scorecard_once(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built from nothing (a first run, a new state format), the schedule reads each scored
    session's card once: it read every one twice, 14,400 reads at 7,200 sessions."""
    start = datetime.now(UTC) - timedelta(days=30)
    write_sessions(workspace / "recordings", 40, start)
    s = build(workspace, settings=Settings(rep="ana", timezone="UTC"), offline=True)
    read: list[str] = []
    real = s.store.scorecard

    def reading(session_id: str) -> Any:
        read.append(session_id)
        return real(session_id)

    monkeypatch.setattr(s.store, "scorecard", reading)
    state = s.habit("ana").state()
    assert len(state.sessions) == 40
    assert sorted(read) == sorted(e.id for e in state.sessions)  # each once
