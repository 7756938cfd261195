"""What the benches share: the repository they measure, and a workspace made of its bundled
scenarios and rubrics with an empty recordings folder (as the tests' `workspace` fixture is),
or with a rep's scored sessions (`sessions_workspace`, cli_bench and score_last_bench), the
environment a source tree's commands run in (`tree_env`), a command timed in turns with
others (`interleaved`), and the one way a child process's instructions are counted
(valgrind's callgrind).

A bench imports it as `from bench_files import REPO, workspace`: `python3 bench/X.py` puts
bench/ first on the import path.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleplay.domain.history import SessionFiles

REPO = Path(__file__).resolve().parents[1]
REP = "ana"  # the rep whose sessions the bench workspaces hold (a few are other reps')
SCENARIOS = ["discovery-spin", "price-objection", "cold-call-gatekeeper"]


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


def importable() -> None:
    """tests.index_data and the models it makes importable from a bench."""
    for where in (str(REPO), str(REPO / "src")):
        if where not in sys.path:
            sys.path.insert(1, where)


def sessions_workspace(root: Path, sessions: int) -> Path:
    """The bundled scenarios and rubrics, and `sessions` scored sessions of the rep (a few of
    other reps) spread over the last months, written as the app writes them (no fsync)."""
    importable()
    from tests.index_data import T0, make_session

    ws = root / f"ws-{sessions}"
    shutil.copytree(REPO / "scenarios", ws / "scenarios")
    shutil.copytree(REPO / "rubrics", ws / "rubrics")
    rec = ws / "recordings"
    rec.mkdir()
    rng = random.Random(18)
    for n in range(sessions):
        folder = make_session(
            n,
            rep=REP if n % 10 else rng.choice(["bo", "cy"]),
            scenario=rng.choice(SCENARIOS),
            rubric="discovery",
            started_at=T0 + timedelta(minutes=(24 * 60 * 300 // max(sessions, 1)) * n),
            origin="bench",
        )
        write_session(rec, folder)
    return ws


def write_session(recordings: Path, folder: SessionFiles) -> None:
    """One made-up scored session (tests.index_data's) written as the app writes it."""
    assert folder.transcript is not None and folder.scorecard is not None
    path = recordings / folder.session_id
    path.mkdir()
    (path / "session.json").write_text(folder.transcript.record.model_dump_json())
    (path / "transcript.jsonl").write_text(
        "".join(t.model_dump_json() + "\n" for t in folder.transcript.turns)
    )
    (path / "scorecard.json").write_text(folder.scorecard.model_dump_json())


def per_tree(made: Path, root: Path, labels: list[str]) -> dict[str, Path]:
    """A copy of the workspace `made` for each source tree. Each tree has its own index and
    schedule (its own ROLEPLAY_HOME); on one shared folder each tree's writes (a re-score's
    scorecard, its pending mark) are, to the other, changes behind its index's back that it
    must look for (every folder listed again): two indexes of one folder, which no rep has."""
    copies = {}
    for label in labels:
        copies[label] = root / label / made.name
        shutil.copytree(made, copies[label])
    return copies


def bench_env(tmp: Path) -> dict[str, str]:
    """This environment without roleplay's and OpenAI's settings, compiled as an installed
    roleplay runs: bytecode written to a folder of this run (PYTHONPYCACHEPREFIX), whatever
    PYTHONDONTWRITEBYTECODE says (with it, every run compiles roleplay and its libraries)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ROLEPLAY_", "OPENAI_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def tree_env(base: dict[str, str], src: Path, home: Path) -> dict[str, str]:
    """`base` running the source tree `src` for the bench's rep, with its own ROLEPLAY_HOME."""
    return {
        **base,
        "PYTHONPATH": str(src),
        "ROLEPLAY_HOME": str(home),
        "ROLEPLAY_REP": REP,
        "ROLEPLAY_TIMEZONE": "UTC",
        "COLUMNS": "120",
    }


def run(cmd: list[str], env: dict[str, str]) -> float:
    """Wall ms of one run."""
    return run_cpu(cmd, env)[0]


def run_cpu(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one run; the CPU time (user + system of the child) moves far less
    with the machine's load than the wall time."""
    # getrusage counts microseconds (os.times counts 10 ms clock ticks: too coarse here)
    start, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    took, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    used = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    return took * 1000, used * 1000


def interleaved(
    cmds: dict[str, tuple[list[str], dict[str, str]]], runs: int
) -> dict[str, tuple[float, float]]:
    """p50 (wall, CPU) of each command, the commands taking turns run after run (so a burst
    of load on this shared machine hits all of them alike)."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, (cmd, env) in cmds.items():
            times[name].append(run_cpu(cmd, env))
    return {
        name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
        for name, t in times.items()
    }
