"""The end of a call: from the rep's `/end` to the scorecard on screen, and `roleplay score last
--judge offline`, p50 over N runs; and how many times one scored call parses the catalog.

    python3 bench/end_of_call_bench.py [--runs 20]

1. End of call: a typed offline call through the real CLI in a child process. Three lines are
   sent, then `/end`; the clock starts when `/end` is written and stops when the scorecard's
   "Saved in" line arrives (the scorecard is printed just before it).
2. `roleplay score last --judge offline` as a whole process (interpreter start included), on a
   workspace with a few scored sessions.
3. Catalog parses per scored call: the same typed call in this process, counting how often a
   scenario or rubric file is parsed from YAML, and how often session.json is read.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINES = [
    "Hi, thanks for taking the call. What made you look at this now?",
    "How many errors a week does the team fix by hand?",
    "Could we take 30 minutes on Tuesday at 2 with you and finance?",
]


def workspace(root: Path) -> Path:
    ws = root / "ws"
    shutil.copytree(REPO / "scenarios", ws / "scenarios")
    shutil.copytree(REPO / "rubrics", ws / "rubrics")
    (ws / "recordings").mkdir()
    return ws


def roleplay(ws: Path) -> list[str]:
    return [sys.executable, "-m", "roleplay", "--workspace", str(ws)]


def end_of_call(ws: Path, env: dict[str, str]) -> float:
    cmd = [*roleplay(ws), "practice", "discovery-spin", "--text", "--offline", "--rep", "bench"]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**env, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdin and proc.stdout
    for line in LINES:
        proc.stdin.write(line + "\n")
    proc.stdin.flush()
    time.sleep(1.5)  # let the call answer the three lines before hanging up
    started = time.perf_counter()
    proc.stdin.write("/end\n")
    proc.stdin.flush()
    took = None
    for out in proc.stdout:
        if out.startswith("Saved in") or "Saved in " in out:
            took = time.perf_counter() - started
            break
    proc.stdin.write("skip\n")
    proc.stdin.close()
    proc.wait(timeout=60)
    if took is None:
        raise SystemExit("the call ended without a scorecard")
    return took


def score_last(ws: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [*roleplay(ws), "score", "last", "--judge", "offline"],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - started


def parses_per_call(ws: Path) -> tuple[int, int]:
    """(catalog files parsed, session.json reads) for one typed call, in this process."""
    from typer.testing import CliRunner

    import roleplay.domain.loading as loading
    from roleplay.cli import app

    counts = {"yaml": 0, "session": 0}
    original = loading.parse_yaml

    def counting(text: str, file: str):  # type: ignore[no-untyped-def]
        counts["yaml"] += 1
        return original(text, file)

    loading.parse_yaml = counting
    real_read = Path.read_text

    def reading(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "session.json":
            counts["session"] += 1
        return real_read(self, *args, **kwargs)

    Path.read_text = reading  # type: ignore[method-assign]
    try:
        typed = "\n".join([*LINES, "/end", "skip"]) + "\n"
        result = CliRunner().invoke(
            app,
            ["--workspace", str(ws), "practice", "discovery-spin", "--text", "--offline"],
            input=io.StringIO(typed).read(),
        )
        assert result.exit_code == 0, result.output
    finally:
        loading.parse_yaml = original
        Path.read_text = real_read  # type: ignore[method-assign]
    files = len(list((ws / "scenarios").glob("*.yaml"))) + len(
        list((ws / "rubrics").glob("*.yaml"))
    )
    return counts["yaml"] // max(files, 1), counts["session"]


def ms(xs: list[float]) -> str:
    p50, low, high = statistics.median(xs) * 1000, min(xs) * 1000, max(xs) * 1000
    return f"p50 {p50:.0f} ms (min {low:.0f}, max {high:.0f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "ROLEPLAY_HOME": str(root / "home"), "ROLEPLAY_REP": "bench"}
        os.environ["ROLEPLAY_HOME"] = env["ROLEPLAY_HOME"]
        ws = workspace(root)
        ends = [end_of_call(ws, env) for _ in range(args.runs)]
        scores = [score_last(ws, env) for _ in range(args.runs)]
        catalogs, sessions = parses_per_call(ws)
    print(f"end of call (/end -> scorecard shown), {args.runs} runs: {ms(ends)}")
    print(f"roleplay score last --judge offline, {args.runs} runs: {ms(scores)}")
    print(
        f"one typed call parses the catalog {catalogs} time(s) and reads session.json "
        f"{sessions} time(s)"
    )


if __name__ == "__main__":
    main()
