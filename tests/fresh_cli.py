"""One roleplay command in a fresh interpreter, as a user runs it: its exit code, output and
the modules it loaded (which no earlier test in this process can have loaded for it).

Shared by the tests that check what a command loads (tests/test_fast_commands.py,
tests/test_read_command_imports.py, tests/test_readpath*.py, tests/test_speed_imports.py)."""

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


# The same through the entry point the `roleplay` program runs, printing at exit which of the
# watched modules (a JSON list, its first argument) it loaded.
WATCH = """
import atexit, json, sys
from roleplay.cli.start import main  # what the `roleplay` program runs
watched = json.loads(sys.argv.pop(1))
sys.argv = ["roleplay", *sys.argv[1:]]
said = lambda: print(json.dumps([m for m in watched if m in sys.modules]), file=sys.stderr)
atexit.register(said)
main()
"""


class Ran(NamedTuple):
    code: int
    out: str
    err: str  # without the probe's line
    loaded: list[str]


def python(
    *argv: str,
    src: str = SRC,
    env: dict[str, str | None] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python ARGV` in a fresh interpreter on this checkout's code (`src`), as the rep ana in
    UTC; `env` over that (None: unset); no standard input. `timeout` is generous (a busy
    2-core machine), never a speed assertion."""
    full: dict[str, str | None] = {
        **os.environ,
        "PYTHONPATH": src,
        "ROLEPLAY_REP": "ana",
        "ROLEPLAY_TIMEZONE": "UTC",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        env={k: v for k, v in full.items() if v is not None},
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def run_cli(ws: Path, *args: str, home: Path | None = None, src: str = SRC) -> Ran:
    """`roleplay --workspace WS ARGS` as the rep ana in UTC, 120 columns wide (`home`: its
    ROLEPLAY_HOME, else the one this test process has)."""
    env: dict[str, str | None] = {"COLUMNS": "120"}
    if home is not None:
        env["ROLEPLAY_HOME"] = str(home)
    done = python("-c", PROBE, "--workspace", str(ws), *args, src=src, env=env)
    *said, loaded = done.stderr.strip().splitlines() or [""]
    return Ran(done.returncode, done.stdout, "\n".join(said), json.loads(loaded or "[]"))


def watching(
    ws: Path, watched: list[str], *args: str, src: str = SRC, timeout: float = 120
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """`roleplay --workspace WS ARGS` as `roleplay` starts it (cli/start.py), as ana in UTC;
    and which of the `watched` modules it had loaded when it ended."""
    done = python(
        "-c", WATCH, json.dumps(watched), "--workspace", str(ws), *args, src=src, timeout=timeout
    )
    return done, json.loads(done.stderr.strip().splitlines()[-1])


def pydantic(loaded: list[str]) -> list[str]:
    """The pydantic modules among `loaded`."""
    return [m for m in loaded if m == "pydantic" or m.startswith(("pydantic.", "pydantic_"))]
