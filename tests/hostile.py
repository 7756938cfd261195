"""Shared by the hostile-data tests: a workspace with a few real sessions, the CLI, and a
fingerprint of every file so a test can prove that nothing else changed."""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from typer.testing import Result

from roleplay.adapters.clock import ManualClock
from roleplay.config import data_dir
from tests.cli_helpers import invoke
from tests.helpers import play, services

REPO = Path(__file__).resolve().parents[1]
cli = invoke  # the hostile tests' name for it
LINES = [
    "How does a typical morning look for your dispatch team?",
    "What happens when a driver calls in sick?",
    "Can I send you an invite for Tuesday at ten?",
]
SUBPROCESS_LIMIT_S = 120  # generous: a busy 2-core CI machine; never a speed assertion


@dataclass
class Recorded:
    ws: Path
    ids: list[str]  # oldest first

    @property
    def recordings(self) -> Path:
        return self.ws / "recordings"

    def folder(self, n: int) -> Path:
        return self.recordings / self.ids[n]


def record_sessions(ws: Path, lines_per_session: list[list[str]]) -> Recorded:
    """Real practice sessions (scripted customer, offline judge), a day apart, scored."""
    clock = ManualClock()
    s = services(ws, clock)
    ids = []
    for lines in lines_per_session:
        call = s.practice.begin("discovery-spin", s.profile())
        play(call, lines, clock)
        s.practice.finish(call)
        ids.append(call.record.id)
        clock.advance(timedelta(days=1).total_seconds())
    return Recorded(ws, ids)


def fingerprint(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under `folder` (links not followed)."""
    out = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root, name)
            if path.is_symlink():
                out[str(path.relative_to(folder))] = "link:" + str(path.readlink())
            else:
                out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def others(rec: Recorded, *damaged: int) -> dict[str, dict[str, str]]:
    """Fingerprints of every session folder except the `damaged` ones."""
    return {
        id_: fingerprint(rec.recordings / id_) for n, id_ in enumerate(rec.ids) if n not in damaged
    }


def damage_index(content: bytes) -> Path:
    """Overwrite the rep's index database (and drop its -wal/-shm) with `content`, as a disk
    fault does between two commands, when no roleplay has the file open."""
    # An in-process command (`cli`) leaves its index connection open in reference cycles until
    # the cyclic GC runs; had it run after the damage, closing that connection would checkpoint
    # its write-ahead log into the file and repair it (20 of 60 runs of a loop of the test; once
    # in 23 runs of the module). A real command's process has exited, closing it, by then.
    gc.collect()
    for side in data_dir().glob("index.sqlite-*"):
        side.unlink()
    index = data_dir() / "index.sqlite"
    index.write_bytes(content)
    return index


def one_clear_line(result: Result, *needles: str, code: int = 2) -> str:
    """The command failed with exit `code` and one `error:` line naming `needles`; no
    traceback."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) >= 1, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in errors[0], (needle, errors[0])
    return errors[0]


def roleplay_process(
    *args: str, env: dict[str, str] | None = None, stdin: str = "", wrap: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `roleplay` command in a child process (optionally wrapped, e.g. by unshare)."""
    command = [*(wrap or []), sys.executable, "-m", "roleplay", *args]
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = str(REPO / "src")
    return subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=SUBPROCESS_LIMIT_S,
        check=False,
    )


def copy_workspace(dest: Path) -> Path:
    shutil.copytree(REPO / "scenarios", dest / "scenarios")
    shutil.copytree(REPO / "rubrics", dest / "rubrics")
    (dest / "recordings").mkdir()
    return dest
