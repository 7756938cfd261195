"""The end of a call: from the rep's `/end` to the scorecard on screen, and `roleplay score last
--judge offline`, p50 over N runs; and how many times one scored call parses the catalog.

    python3 bench/end_of_call_bench.py [--runs 20]

1. End of call: a typed offline call through the real CLI in a child process. Three lines are
   sent, then `/end`; the clock starts when `/end` is written and stops when the scorecard's
   "Saved in" line arrives (the scorecard is printed just before it).
2. `roleplay score last --judge offline` as a whole process (interpreter start included), on a
   workspace with a few scored sessions.
3. Catalog parses per scored call: the same typed call, and `score last`, in this process,
   counting how often each scenario or rubric file is parsed from YAML, and how often a
   session.json is read.

The machine may be loaded: `python -c "import typer"` is timed in the same run, and every
figure is also printed as a ratio to it. The code runs compiled, as an installed roleplay does
(bytecode in a folder of this run, whatever PYTHONDONTWRITEBYTECODE says).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_files import workspace

LINES = [
    "Hi, thanks for taking the call. What made you look at this now?",
    "How many errors a week does the team fix by hand?",
    "Could we take 30 minutes on Tuesday at 2 with you and finance?",
]


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


def typer_import(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import typer"], check=True, env=env)
    return time.perf_counter() - started


def counted(ws: Path, args: list[str], typed: str = "") -> tuple[int, int]:
    """(most parses of one trainer file, session.json reads) for one command, in this process."""
    from collections import Counter

    from typer.testing import CliRunner

    import roleplay.domain.loading as loading
    from roleplay.cli import app

    parsed: Counter[str] = Counter()
    counts = {"session": 0}
    original = loading.parse_yaml

    def counting(text: str, file: str):  # type: ignore[no-untyped-def]
        parsed[file] += 1
        return original(text, file)

    real_text, real_bytes = Path.read_text, Path.read_bytes

    def reading(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "session.json":
            counts["session"] += 1
        return real_text(self, *args, **kwargs)

    def reading_bytes(self: Path):  # type: ignore[no-untyped-def]
        if self.name == "session.json":
            counts["session"] += 1
        return real_bytes(self)

    loading.parse_yaml = counting
    Path.read_text = reading  # type: ignore[method-assign]
    Path.read_bytes = reading_bytes  # type: ignore[method-assign]
    try:
        result = CliRunner().invoke(app, ["--workspace", str(ws), *args], input=typed)
        assert result.exit_code == 0, result.output
    finally:
        loading.parse_yaml = original
        Path.read_text = real_text  # type: ignore[method-assign]
        Path.read_bytes = real_bytes  # type: ignore[method-assign]
    return max(parsed.values(), default=0), counts["session"]


def parses_per_call(ws: Path) -> tuple[tuple[int, int], tuple[int, int]]:
    """(parses, session.json reads) of one typed call, and of `score last`."""
    typed = "\n".join([*LINES, "/end", "skip"]) + "\n"
    call = counted(ws, ["practice", "discovery-spin", "--text", "--offline"], typed)
    return call, counted(ws, ["score", "last", "--judge", "offline"])


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
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        os.environ["ROLEPLAY_HOME"] = env["ROLEPLAY_HOME"]
        ws = workspace(root)
        end_of_call(ws, env)  # compiles the code: not timed
        ends = [end_of_call(ws, env) for _ in range(args.runs)]
        scores, typers = [], []
        for _ in range(args.runs):  # interleaved: both see the same load
            scores.append(score_last(ws, env))
            typers.append(typer_import(env))
        sessions = len(list((ws / "recordings").iterdir()))
        (call_parses, call_reads), (score_parses, score_reads) = parses_per_call(ws)
    base = statistics.median(typers)
    print(f'python -c "import typer", {args.runs} runs: {ms(typers)}')
    print(f"end of call (/end -> scorecard shown), {args.runs} runs: {ms(ends)}")
    print(
        f"roleplay score last --judge offline, {args.runs} runs: {ms(scores)}; "
        f"{statistics.median(scores) / base:.2f}x import typer"
    )
    print(
        f"one typed call parses each catalog file {call_parses} time(s) and reads session.json "
        f"{call_reads} time(s); `score last` parses {score_parses} time(s) and reads "
        f"session.json {score_reads} time(s) ({sessions} sessions in the workspace)"
    )


if __name__ == "__main__":
    main()
