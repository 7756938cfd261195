"""One roleplay command in a fresh interpreter, as a user runs it: its exit code, output and
the modules it loaded (which no earlier test in this process can have loaded for it).

Shared by the tests that check what a command loads (tests/test_fast_commands.py,
tests/test_readpath*.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

SRC = str(Path(__file__).resolve().parents[1] / "src")
# The modules are printed at exit: the CLI ends the process itself, after what is registered
# to run at exit.
PROBE = """
import atexit, json, sys
from roleplay.cli.root import main
sys.argv = ["roleplay", *sys.argv[1:]]
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
main()
"""


class Ran(NamedTuple):
    code: int
    out: str
    err: str  # without the probe's line
    loaded: list[str]


def run_cli(ws: Path, *args: str, home: Path | None = None, src: str = SRC) -> Ran:
    """`roleplay --workspace WS ARGS` as the rep ana in UTC, 120 columns wide (`home`: its
    ROLEPLAY_HOME, else the one this test process has)."""
    env = {**os.environ, "PYTHONPATH": src, "ROLEPLAY_REP": "ana", "ROLEPLAY_TIMEZONE": "UTC"}
    env["COLUMNS"] = "120"
    if home is not None:
        env["ROLEPLAY_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    *said, loaded = done.stderr.strip().splitlines() or [""]
    return Ran(done.returncode, done.stdout, "\n".join(said), json.loads(loaded or "[]"))


def pydantic(loaded: list[str]) -> list[str]:
    """The pydantic modules among `loaded`."""
    return [m for m in loaded if m == "pydantic" or m.startswith(("pydantic.", "pydantic_"))]
