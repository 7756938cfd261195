"""A pending mark left by a writer that was killed between making a new session's folder and
writing its session.json (two OS processes, the writer SIGKILLed there). Before, nothing ever
cleared that mark while the folder stayed: the index's in-step check was never carried over a
write again, so every command after a `score last` listed all the folders (thousands of stat
calls at 8,000 sessions), for good. Now the next catch-up sees that no writer is making a
session (the writer held `.index/making` from before the folder until session.json), clears
the mark, keeps the half-made folder as it is and says so once; the re-scores after it list
no folder again. A live writer paused at that very point keeps its mark
(tests/test_scorelast11_pending_mark.py)."""

from __future__ import annotations

import gc
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli.app import app
from tests.test_index_in_step import _settled
from tests.test_read_from_index import many, run
from tests.test_scorelast10_steady_rescore import SCORE, _nothing_read_whole
from tests.test_scorelast11_pending_mark import _wait_for, start_writer
from tests.test_scorelast11_rescore_in_a_row import _only_scheduled

__all__ = ["many"]  # the fixture, used by name below


def _killed_while_making(ws: Path, home: Path, tmp_path: Path) -> str:
    """Start a writer that begins a call, and SIGKILL it once the new session's folder is
    made and before its session.json is written; the new folder's name."""
    rec = ws / "recordings"
    before = {p.name for p in rec.iterdir()}
    paused, go = tmp_path / "paused", tmp_path / "never"
    writer = start_writer(ws, home, paused, go)  # that test's writer, never told to go on
    try:
        _wait_for(paused.exists, "making the session's folder", writer)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.communicate()
    assert writer.returncode == -signal.SIGKILL
    [made] = {p.name for p in rec.iterdir()} - before
    return made


def test_a_killed_writers_mark_is_settled_and_its_folder_kept(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    rec = many / "recordings"
    _only_scheduled(many)
    _settled(many, home)
    assert run(many, *SCORE)[0] == 0  # builds the index and the schedule
    gc.collect()
    made = _killed_while_making(many, home, tmp_path)
    mark = rec / ".index" / "pending" / made
    assert mark.exists() and not (rec / made / "session.json").exists()
    _settled(many, home)
    result = CliRunner().invoke(app, ["--workspace", str(many), *SCORE])
    assert result.exit_code == 0, result.output
    # Said once, where the person sees it: which folder, that it is kept, what to do.
    assert f"recordings/{made}: the process that began this session stopped" in result.stderr
    assert "is kept as it is" in result.stderr and "delete it if you do not need it" in (
        result.stderr
    )
    assert not mark.exists()
    shown = (result.exit_code, result.stdout)
    gc.collect()
    with monkeypatch.context() as m:
        _nothing_read_whole(m)
        assert run(many, *SCORE) == shown  # carried over the last write: no folder listed
        gc.collect()
        assert run(many, *SCORE) == shown
        gc.collect()
        assert run(many, "today", "--json")[0] == 0
    assert (rec / made).is_dir()  # never deleted
    listed = run(many, "sessions", "--json")
    assert listed[0] in (0, 1) and made not in listed[1]  # nothing to list: no session file
