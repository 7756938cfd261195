"""The read commands a rep waits for: p50 per command on a 20-session and an 8,000-session
workspace, as milliseconds and as a ratio to `python -c "import typer"` timed in the same run.

Two source trees are timed side by side in the same run (so machine load hits both alike):
`--before` (default /work/main/src, the code before this change) and `--after` (this
checkout's src). Each gets its own ROLEPLAY_HOME, so each builds its own index; the first
`today` after the sessions were copied in (the index catching up from the folders) is timed
once per tree and printed on its own line.

    python3 bench/cli_bench.py [--runs 7] [--big 8000] [--before PATH] [--after PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))

from tests.index_data import T0, make_session  # noqa: E402

REP = "ana"
SCENARIOS = ["discovery-spin", "price-objection", "cold-call-gatekeeper"]
COMMANDS = {
    "--help": ["--help"],
    "scenarios": ["scenarios"],
    "sessions": ["sessions"],
    "show": ["show", "last"],
    "today": ["today"],
    "progress": ["progress"],
}


def make_workspace(root: Path, sessions: int) -> Path:
    """The bundled scenarios and rubrics, and `sessions` scored sessions of the rep (a few of
    other reps) spread over the last months, written as the app writes them (no fsync)."""
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
        assert folder.transcript is not None and folder.scorecard is not None
        path = rec / folder.session_id
        path.mkdir()
        (path / "session.json").write_text(folder.transcript.record.model_dump_json())
        (path / "transcript.jsonl").write_text(
            "".join(t.model_dump_json() + "\n" for t in folder.transcript.turns)
        )
        (path / "scorecard.json").write_text(folder.scorecard.model_dump_json())
    return ws


def run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return took * 1000


def p50(cmd: list[str], env: dict[str, str], runs: int) -> float:
    return statistics.median(run(cmd, env) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--big", type=int, default=8000)
    parser.add_argument("--before", type=Path, default=Path("/work/main/src"))
    parser.add_argument("--after", type=Path, default=REPO / "src")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cli-bench-"))
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("ROLEPLAY_", "OPENAI_"))}
    typer_ms = p50([sys.executable, "-c", "import typer"], base_env, args.runs)
    print(f"python -c 'import typer': p50 {typer_ms:.0f} ms (the baseline of every ratio)")
    print("machine: shared, loaded by other work; compare ratios within this run\n")
    for size in (args.small, args.big):
        started = time.perf_counter()
        ws = make_workspace(tmp, size)
        print(f"{size} sessions (written in {time.perf_counter() - started:.0f} s)", flush=True)
        results: dict[str, dict[str, float]] = {}
        first: dict[str, float] = {}
        for label, src in trees.items():
            env = {
                **base_env,
                "PYTHONPATH": str(src),
                "ROLEPLAY_HOME": str(tmp / f"home-{label}-{size}"),
                "ROLEPLAY_REP": REP,
                "ROLEPLAY_TIMEZONE": "UTC",
                "COLUMNS": "120",
            }
            roleplay = [sys.executable, "-m", "roleplay", "--workspace", str(ws)]
            first[label] = run([*roleplay, "today"], env)  # the index catches up here
            results[label] = {
                name: p50([*roleplay, *argv], env, args.runs) for name, argv in COMMANDS.items()
            }
        print("  first `today` after the sessions were copied in: "
              + ", ".join(f"{k} {v:.0f} ms" for k, v in first.items()))  # fmt: skip
        print(f"  {'command':<10} {'before ms':>10} {'x typer':>8} {'after ms':>10} {'x typer':>8}")
        for name in COMMANDS:
            b, a = results["before"][name], results["after"][name]
            print(f"  {name:<10} {b:>10.0f} {b / typer_ms:>8.1f} {a:>10.0f} {a / typer_ms:>8.1f}")
        print(flush=True)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
