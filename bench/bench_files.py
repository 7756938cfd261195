"""What the benches share: the repository they measure, and a workspace made of its bundled
scenarios and rubrics with an empty recordings folder (as the tests' `workspace` fixture is),
and the one way a child process's instructions are counted (valgrind's callgrind).

A bench imports it as `from bench_files import REPO, workspace`: `python3 bench/X.py` puts
bench/ first on the import path.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def workspace(root: Path) -> Path:
    ws = root / "ws"
    shutil.copytree(REPO / "scenarios", ws / "scenarios")
    shutil.copytree(REPO / "rubrics", ws / "rubrics")
    (ws / "recordings").mkdir()
    return ws


def instructions(cmd: list[str], env: dict[str, str], timeout: float = 900) -> float | None:
    """Millions of instructions one run of `cmd` executes (valgrind's callgrind), or None when
    valgrind is missing or the run failed. The hash seed is fixed so that two runs of one
    command count alike; unlike a time, the count does not move with the machine's load."""
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/callgrind", *cmd],
            env={**env, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    found = [line for line in done.stderr.splitlines() if "Collected :" in line]
    return int(found[-1].split(":")[-1]) / 1e6 if found else None
