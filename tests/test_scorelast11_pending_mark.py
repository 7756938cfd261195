"""A pending mark is cleared only once the index holds its session, or its folder is gone,
also when another process catches the index up while this one is making the session's folder
(two OS processes). Before, the mark was made before the folder, and a catch-up in another
process that found a mark with no session file beside it took the session as "deleted before
it was indexed" and cleared the mark: should the writer stop before indexing (a crash, an
unreachable index), nothing said that its session was still to be indexed.

Run as a module, it is the writer: `python -m tests.test_scorelast11_pending_mark WORKSPACE
HOME PAUSED GO` begins a call, stops when the new session's folder is made and before its
session.json is written (touches PAUSED, waits for GO), writes it, and exits with code 3
before indexing the session."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from tests.conftest import REPO
from tests.helpers import play, services
from tests.test_read_from_index import run

STOPPED = 3
WRITER = "tests.test_scorelast11_pending_mark"  # this module, run as the writer
WAIT_S = 300  # for the other process, on a busy machine: a condition, not a sleep


def _wait_for(done: object, what: str, writer: subprocess.Popen[str] | None = None) -> None:
    assert callable(done)
    deadline = time.monotonic() + WAIT_S
    while not done():
        if writer is not None and writer.poll() is not None:
            raise AssertionError(f"the writer stopped before {what}: {writer.communicate()}")
        assert time.monotonic() < deadline, f"waited {WAIT_S} s for {what}"
        time.sleep(0.02)


def test_a_catch_up_keeps_the_mark_of_a_session_another_process_is_making(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    first = services(workspace, clock)
    call = first.practice.begin("discovery-spin", first.profile())
    play(call, ["How does a typical morning look for your team?"], clock)
    first.end_of_call().finish(call)  # one scored session: the index is there
    first.close()
    monkeypatch.setenv("ROLEPLAY_REP", "tester")
    rec = workspace / "recordings"
    paused, go = tmp_path / "paused", tmp_path / "go"
    writer = start_writer(workspace, Path(os.environ["ROLEPLAY_HOME"]), paused, go)
    try:
        _wait_for(paused.exists, "making the session's folder", writer)
        [made] = [p.name for p in rec.iterdir() if p.name[0] != "." and p.name != call.record.id]
        mark = rec / ".index" / "pending" / made
        assert mark.exists()  # the writer's own mark, its session file not yet written
        # This process writes (a re-score), so it opens the index, which catches up.
        assert run(workspace, "score", "last", "--judge", "offline")[0] == 0
        assert mark.exists(), "a catch-up cleared the mark of a session being made"
    finally:
        go.touch()
        _out, err = writer.communicate(timeout=WAIT_S)
    assert writer.returncode == STOPPED, err
    assert (rec / made / "session.json").is_file()  # written, never indexed
    assert mark.exists()
    # The next command that opens the index indexes it, and only then clears the mark.
    assert run(workspace, "score", call.record.id, "--judge", "offline")[0] == 0
    assert not mark.exists()
    code, listed = run(workspace, "sessions", "--json")
    assert code == 0 and made in listed


def start_writer(workspace: Path, home: Path, paused: Path, go: Path) -> subprocess.Popen[str]:
    """This module run as the writer (see the module's docstring), in its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", WRITER, str(workspace), str(home), str(paused), str(go)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _writer(workspace: str, home: str, paused: str, go: str) -> None:
    """Begin a call, stopping as the test says (see the module's docstring)."""
    os.environ["ROLEPLAY_HOME"] = home
    from roleplay.adapters import file_store
    from roleplay.atomic import write_atomic as real

    def held(path: Path, text: str) -> None:
        if path.name != "session.json" or path.exists():
            real(path, text)
            return
        Path(paused).touch()
        deadline = time.monotonic() + WAIT_S
        while not Path(go).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        real(path, text)
        sys.stdout.flush()
        os._exit(STOPPED)  # stopped before the session was indexed

    vars(file_store)["write_atomic"] = held  # the writer's pause (file_store's own name)
    s = services(Path(workspace), ManualClock(datetime(2026, 11, 2, 10, tzinfo=UTC)))
    list(s.practice.begin("discovery-spin", s.profile()).start())  # the session is made here


if __name__ == "__main__":
    _writer(*sys.argv[1:])
