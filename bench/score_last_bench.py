"""`roleplay score last --judge offline` (issue 18: <= 300 ms p50): wall and CPU p50 on a
20-session and an 8,000-session workspace, two source trees taking turns run after run (so
the machine's load hits both alike), and with `--instructions` the instructions one run
executes (valgrind's callgrind: a count that does not move with the load).

    python3 bench/score_last_bench.py [--runs 7] [--small 20] [--big 8000]
                                      [--before /work/wt/before33/src] [--after src]
                                      [--instructions]

Each tree has its own copy of the workspace and its own ROLEPLAY_HOME (a re-score writes the
scorecard, the index and the schedule), and runs `today` then `score last` once untimed
first: what is timed is a rep's second and later re-scores, the index caught up and compiled
bytecode in place (PYTHONPYCACHEPREFIX of this run, whatever PYTHONDONTWRITEBYTECODE says).
Before that the workspace settles as between two sittings (`settle`); the timed runs then
follow one another with no pause, each re-score writing the scorecard and the index.
`python -c "import typer"` is timed in the same rounds as the floor.

Stop 33 (scorelast10), 5 runs alternating at load 12-17 on 2 cores (wall times mean little
at that load; CPU ms p50 and instructions are the figures), before = main 2f6b5d8: 20
sessions: CPU 427 -> 368 ms (typer 118), instructions 1,210 -> 1,170 M (typer 259); 8,000
sessions: CPU 806 -> 449 ms (typer 101), instructions 2,627 -> 1,492 M.
What went: at 8,000, three walks of every folder (a stat of each session file: the catch-up
when the index was opened to write the card, the second catch-up when the schedule read the
list, the in-step check of 'last', whose kept check each earlier `score last` had made stale
by writing the index), the list of 8,000 index lines, the 8.5 MB schedule validated whole,
8,000 ids asked of the index twice. (A hand-written flock in place of filelock saved ~38 M
instructions, ~10 ms, more at 20 sessions; the lead kept filelock: a maintained library
does locking better than our own copy, and the figures above include that flock.)
What is left at 8,000: the schedule's quick copy validated by pydantic (~70 ms CPU at 8,000:
cards and the session's commitment checks are all a re-score reads of it; a plain read of
the copy is readpath10's), 'last' found by a scan of the folder names (~10 ms); at 20 the
catalog's models (~40 ms), the judge (~35 ms) and the imports (typer, pydantic, the domain's
models) are most of it, outside this change.

Stop 34 (scorelast11): this bench times re-scores after `settle`; bench/cli_bench.py times them
with no quiet and no `today` between, which is what a rep who scores twice in a row does, and
there each re-score at 8,000 took seconds (see its note): fixed in the product (the in-step
check and the quick copy's note are made again by the re-score itself), not in either bench.
Instructions (millions, one run of `score last` right after another, same tree, 8,000
sessions): before34 2,476 (9.6x `import typer`, 259) -> 1,577 (6.1x). At 20 sessions, this
bench, 5 runs alternating at load ~15: CPU p50 372 -> 399 ms (typer 93; noise), instructions
1,255 -> 1,256 (4.8x typer): unchanged, as intended; what is left at 20 is imports (typer,
pydantic, the domain's models), the catalog (~40 ms) and the offline judge's word patterns
compiled (domain/behaviour_words.py, conversation.py: ~30 regexes), outside this area.

Stop 35 (scorelast12), 5 runs alternating at load 16-21 on 2 cores (wall means nothing at that
load), before = d061e2b: instructions (millions) 20 sessions 1,036 -> 999 (4.9x -> 4.7x `import
typer`, 212), 8,000 sessions 1,330 -> 1,300 (6.3x -> 6.1x); CPU p50 241 -> 237 ms and 269 ->
262 ms (typer 66 / 54). What went: the log line (and logging.handlers, the log's redaction
patterns) every re-score wrote about its own session, ~37 M; the Norwegian word patterns of an
English call and the scenario tests' patterns compiled at import (a few M). Regex compiles left
in a re-score at 20 sessions were ~15 ms of a loaded run's ~725 ms, half of them the rubric's
own signal patterns and the words the judge reads, which it needs. What is left, by
instruction counts of the imports in the order the command makes them (upto-checkpoints):
start-up and typer ~205 M, pydantic with its models' machinery ~230 M, the domain's models
(scorecard, session, scenario's 22 classes, rubric, habit) ~150 M, filelock ~20 M, the run
itself ~190 M; at 8,000 also the quick copy's validation (~70 ms CPU).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench_files import (  # python3 bench/X.py: bench/ is first on the import path
    bench_env,
    instructions,
    interleaved,
    per_tree,
    run,
    sessions_workspace,
    tree_env,
)

SCORE = ["score", "last", "--judge", "offline"]


def settle(today: list[str], env: dict[str, str]) -> None:
    """As a rep's workspace is between two sittings: nothing written for a while (a write
    a moment ago is never trusted as settled: file system clocks tick coarsely), then
    `today`, twice (the first finds the index in step with the folders and keeps that, the
    second notes the schedule's quick copy as checked against that list)."""
    time.sleep(2.5)
    run(today, env)
    run(today, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--big", type=int, default=8000)
    parser.add_argument("--before", type=Path, default=Path("/work/wt/before34/src"))
    parser.add_argument("--after", type=Path, default=Path(__file__).resolve().parents[1] / "src")
    parser.add_argument("--instructions", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="score-last-bench-"))
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    base_env = bench_env(tmp)
    print("machine: shared, loaded by other work; compare before/after within this run\n")
    try:
        for size in [n for n in (args.small, args.big) if n]:
            started = time.perf_counter()
            made = sessions_workspace(tmp / "made", size)
            wss = per_tree(made, tmp, list(trees))
            print(f"{size} sessions (written in {time.perf_counter() - started:.0f} s)")
            cmds = {"typer": ([sys.executable, "-c", "import typer"], base_env)}
            for label, src in trees.items():
                env = tree_env(base_env, src, tmp / f"home-{label}-{size}")
                roleplay = [sys.executable, "-m", "roleplay", "--workspace", str(wss[label])]
                run([*roleplay, "today"], env)  # the index catches up with the copied folders
                run([*roleplay, *SCORE], env)  # the bench's cards re-scored: schedule rebuilt
                settle([*roleplay, "today"], env)
                run([*roleplay, *SCORE], env)  # compiled; the first re-score's work done
                cmds[label] = ([*roleplay, *SCORE], env)
            shutil.rmtree(made)
            p = interleaved(cmds, args.runs)
            (t, tc) = p["typer"]
            print(f"  {'':<8} {'wall ms':>8} {'x typer':>8} {'CPU ms':>8} {'x typer':>8}")
            for label, (wall, cpu) in p.items():
                print(f"  {label:<8} {wall:>8.0f} {wall / t:>8.1f} {cpu:>8.0f} {cpu / tc:>8.1f}")
            if args.instructions:
                typer_count = instructions(*cmds["typer"])
                b, a = (instructions(*cmds[label]) for label in trees)
                if typer_count is None or b is None or a is None:
                    print("  instructions: valgrind not found, or a run failed")
                else:
                    t = typer_count
                    print(f"  instructions (millions): `import typer` {t:.0f}, "
                          f"before {b:.0f} ({b / t:.1f}x), after {a:.0f} ({a / t:.1f}x); "
                          f"after/before {a / b:.3f}")  # fmt: skip
            print(flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
