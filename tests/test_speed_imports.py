"""`roleplay score last` loads what re-scoring a session runs (issue 18): the options of
`score` (shared with `transcribe`) name a recording's channels and voices, but a recording's
words and their reading (domain/call.py) load only when a real call is read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_fast_commands import practise
from tests.test_read_command_imports import PROBE, SRC


def test_score_last_does_not_load_what_reads_a_real_call(workspace: Path) -> None:
    practise(workspace)
    env = {**os.environ, "PYTHONPATH": SRC, "ROLEPLAY_REP": "ana", "ROLEPLAY_TIMEZONE": "UTC"}
    watched = json.dumps(["roleplay.domain.call", "roleplay.cli.calls"])
    command = ["--workspace", str(workspace), "score", "last", "--judge", "offline"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, watched, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Overall" in done.stdout or "overall" in done.stdout
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    assert loaded == ["roleplay.cli.calls"]  # the options, without the reading of a call
