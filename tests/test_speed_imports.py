"""`roleplay score last` loads what re-scoring a session runs (issue 18): the options of
`score` (shared with `transcribe`) name a recording's channels and voices, but a recording's
words and their reading (domain/call.py) load only when a real call is read."""

from __future__ import annotations

from pathlib import Path

from tests.fresh_cli import watching
from tests.test_fast_commands import practise


def test_score_last_does_not_load_what_reads_a_real_call(workspace: Path) -> None:
    practise(workspace)
    watched = ["roleplay.domain.call", "roleplay.cli.calls"]
    done, loaded = watching(workspace, watched, "score", "last", "--judge", "offline")
    assert done.returncode == 0, done.stderr
    assert "Overall" in done.stdout or "overall" in done.stdout
    assert loaded == ["roleplay.cli.calls"]  # the options, without the reading of a call
