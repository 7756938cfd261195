"""A command whose output cannot be written (`roleplay sessions > /dev/full`, a full disk under
the file it is sent to) says that the output is what failed, not roleplay's data folder: the
rep was told to free space under ROLEPLAY_HOME or move the workspace, which would not help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    not Path("/dev/full").exists(), reason="needs /dev/full (Linux) to refuse every write"
)


@pytest.mark.parametrize("argv", [["scenarios"], ["scenarios", "--json"], ["sessions"]])
def test_output_sent_to_a_full_device_is_named_as_the_output(
    workspace: Path, tmp_path: Path, argv: list[str]
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ROLEPLAY_", "OPENAI_"))},
        "ROLEPLAY_HOME": str(tmp_path / "home"),
        "ROLEPLAY_REP": "ana",
        "PYTHONPATH": str(REPO / "src"),
    }
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "roleplay", "--workspace", str(workspace), *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )
    assert done.returncode == 2, done.stderr
    assert "cannot write this command's output" in done.stderr
    assert "ROLEPLAY_HOME" not in done.stderr and "Traceback" not in done.stderr
