"""The read commands a rep waits for, and `score last`: p50 per command on a 20-session and
an 8,000-session workspace, as milliseconds and as a ratio to `python -c "import typer"` timed
in the same run (each command's runs take turns with the baseline's, so both meet the same
load).

Both trees run compiled, as an installed roleplay does: bytecode is written to a folder of this
run (PYTHONPYCACHEPREFIX, whatever PYTHONDONTWRITEBYTECODE says), and each command runs once
untimed first. (Without it a source tree is compiled again on every run: ~100 ms of a command
that no user pays.)

Two source trees are timed side by side in the same run (so machine load hits both alike):
`--before` (default /work/main/src, the code before this change) and `--after` (this
checkout's src). Each gets its own ROLEPLAY_HOME, so each builds its own index; the first
`today` after the sessions were copied in (the index catching up from the folders) is timed
once per tree and printed on its own line.

    python3 bench/cli_bench.py [--runs 7] [--big 8000] [--before PATH] [--after PATH]
                               [--instructions]

`--instructions` also counts the instructions each command executes (valgrind's callgrind,
once per command and tree, ~10-30 s each): unlike times, the count does not move with the
machine's load, so a change of a few percent shows on a busy machine too. It also counts
`import typer` with pydantic (and typer's pydantic adapters): the floor of every command
that reads a model, since a command's options are checked by typer's pydantic adapters and
the sessions, scorecards and settings are pydantic models.

What the counts said (stop 29, millions of instructions): `python -c pass` 40, `import typer`
259, typer + `from pydantic import BaseModel, Field` 585, + typer's adapters 588, + the first
deferred model validated 640; the read commands were 718-852 (`sessions` 718). So ~85% of a
read command is the interpreter, typer and pydantic; roleplay's own imports and work are
~80-210 M, and 150 ms on a 20-session workspace (~520 M at this machine's ~0.19 ms per M)
is below the floor while pydantic is on the read path. Tried and measured: the offline
judge's word patterns compiled on first search (70 -> 13 compiled per call), a re-score
that gives the same card keeps the schedule (no replay), `score`'s options without
domain/call.py. Left: filelock's import is ~55 M of `score last` (~10 ms; a plain flock
would do), domain/call.py is loaded by `show` for one constant (services/export.py).

Stop 30 (readpath): pydantic off the warm read path. typer's options are taken without its
pydantic adapters when they plainly fit (cli/plain_params.py), the settings are read into
plain twins (plain_settings.py; the models are in settings_models.py for validation and
writes), building the services loads no session model, the catalog cache's stamp does not
import pydantic, and a small folder's list comes from the index's columns when the local
index is in step. Counted on the bench's 20-session workspace, before -> after (millions):
`scenarios` 720 -> 400, `sessions` 709 -> 371, `--help` 253 -> 254; `show last` 770 -> 770,
`today` 834 -> 816, `progress` 840 -> 819 (these three still load pydantic: the transcript
and scorecard models for `show`, the habit's cards, commitments and KPIs for `today` and
`progress`, in domain modules outside this change; the next step is plain views of those).

Stop 31 (readpath8): `score last` synced the rep's schedule twice, and since the scorecard had
just been written the second sync read the long folder's list from the index again (8,000
lines) and parsed the saved schedule again; now once. Instruction counts do not show it: under
valgrind more than 2 s pass between the write and the second sync, so the store trusts its
first list (indexed_file_store._folder_state) and the second read never happens there; count
the list reads instead (tests/test_readpath8_score_reads.py: 2 -> 1), or CPU time (8,000
sessions, 5 runs alternating at load ~16: 1,418 -> 1,045 ms p50). Counted under valgrind,
`score last` is 3,658 M at 8,000 sessions and 1,188 M at 20 (both trees alike): what remains
at 8,000 is one list of the index's lines (SQLAlchemy's import and 8,000 rows), the
schedule's JSON validated by pydantic, and the catch-up's stat of every folder. Plain views of
session.json / transcript.jsonl / scorecard.json / the schedule were not started this stop.
Measure with PYTHONDONTWRITEBYTECODE unset (this bench does): with it set, every run compiles
roleplay and its libraries again (a cProfile of `score last` showed 4.2 s of compile()).

Stop 32 (readpath9): `show` reads plain views of well-formed session files
(domain/shown_session.py; anything unexpected goes to the models, as before) and 'last' from
the list `sessions` shows, so it loads neither pydantic nor the session models: 775 -> 484 M
instructions on the 20-session workspace (`sessions` is 373). `score last` in a long folder
reads the index's list and newest session with sqlite3 on the writer's connection instead of
through SQLAlchemy (no SQLAlchemy import at 8,000). At 8,000 sessions, 5 runs alternating at
load ~12 (CPU ms p50, before -> after): show 339 -> 229, score last 1,340 -> 918, sessions
287 -> 276 (unchanged, a control). Not done: `today`/`progress` still load pydantic (the
habit's HabitState, SkillCard and commitments are models in domain/habit.py and
domain/schedule.py; a plain read of the schedule's quick copy is the next step), and
`score last` at 8,000 still validates the whole schedule with pydantic and stats every folder
in the index's catch-up (~24,000 isfile calls), far from 300 ms.

Stop 33 (readpath10): `today` and the summary `progress` prints read the schedule's quick copy
as plain views (domain/habit_views.py, services/daily_read.py, on the Habit's own conditions)
while it holds every scored session, so they load neither pydantic, the Habit service, the
schedule's models nor fsrs; anything else (another schedule's copy, one not plainly
well-formed, sessions to apply, --rebuild, `progress --json` or `--skill`) goes through the
Habit and the models as before. 20 sessions, millions of instructions, before -> after:
today 822.7 -> 482.0, progress 822.1 -> 481.8 (`sessions` 373.1 and `show` 484 unchanged,
controls); CPU ms p50 of 7 runs alternating, today 220 -> 138, progress 243 -> 130 (`import
typer` 81-96). 8,000 sessions, 3 runs alternating at load ~15 (CPU ms p50, before -> after): today
354 -> 340, progress 295 -> 227 (`import typer` 85-95 ms CPU in the same run, so both stay
above 300 ms on this loaded machine: today's plain read of the ~1 MB copy costs about what
pydantic's validation did, and it and progress walk all 8,000 entries several times).
Left: domain/queue.py and variation.py define six dataclasses at import (~20 M), the KPI
table's rows are copied into domain/progress.py (kpis.py, beside the Kpis model, is another
helper's), services/habit.py's read of the copy is repeated in services/daily_read.py.

Stop 34 (scorelast11): each tree has its own copy of the workspace (bench_files.per_tree).
On one shared folder each tree's re-score was, to the other tree's index, a change behind its
back, but that was not why `score last` took seconds at 8,000 sessions here: a re-score in a
row (no 2 s of quiet, no `today` between) never found the checks that let it skip the lists
(the in-step check was not kept while the pending folder or the index had changed a moment
ago; the quick copy was noted only by `today`), so it listed every folder twice, read 8,000
lines and validated the 8.5 MB schedule, every time. Now the first re-score after such a
break notes both, and the next ones are quick (tests/test_scorelast11_rescore_in_a_row.py).
8,000 sessions, `score last`, 5 runs alternating at load 12-17 (p50, before34 -> after):
wall 6,269 -> 2,255 ms (typer 732: 8.6x -> 3.1x), CPU 933 -> 598 ms (typer 123: 7.6x -> 4.8x).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))

# python3 bench/X.py: bench/ is first on the import path. make_workspace, run and
# interleaved are named here too for bench/same_output_check.py and older notes.
from bench_files import (  # noqa: E402
    REP,
    bench_env,
    instructions,
    interleaved,
    per_tree,
    run,
    tree_env,
)
from bench_files import sessions_workspace as make_workspace  # noqa: E402

__all__ = ["REP", "interleaved", "make_workspace", "run"]

COMMANDS = {
    "--help": ["--help"],
    "scenarios": ["scenarios"],
    "sessions": ["sessions"],
    "show": ["show", "last"],
    "today": ["today"],
    "progress": ["progress"],
    # Not a read: it re-scores the newest session (writes its scorecard, the index and the
    # schedule), which a rep waits for as for a read; each tree re-scores its own copy.
    "score last": ["score", "last", "--judge", "offline"],
}

# What every command that reads a model costs before roleplay runs: typer, pydantic, typer's
# pydantic adapters (a command's options are checked with them) and one model validated.
FLOOR = (
    "import os; os.environ['PYDANTIC_DISABLE_PLUGINS'] = '1'; import typer, typer._adapters; "
    "from pydantic import BaseModel, ConfigDict, Field\n"
    "class M(BaseModel):\n    model_config = ConfigDict(defer_build=True)\n    x: int\n"
    "M.model_validate_json(b'{\"x\": 1}')"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--big", type=int, default=8000)
    parser.add_argument("--before", type=Path, default=Path("/work/main/src"))
    parser.add_argument("--after", type=Path, default=REPO / "src")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each command's instructions (valgrind's callgrind; not moved by load)",
    )
    parser.add_argument(
        "--commands", default=",".join(COMMANDS), help="Which, comma-separated (default: all)."
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cli-bench-"))
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    base_env = bench_env(tmp)
    print("machine: shared, loaded by other work; compare ratios within this run\n")
    for size in [n for n in (args.small, args.big) if n]:  # --big 0: the small one only
        started = time.perf_counter()
        made = make_workspace(tmp / "made", size)
        wss = per_tree(made, tmp, list(trees))  # each tree re-scores its own copy
        shutil.rmtree(made)
        print(f"{size} sessions (written in {time.perf_counter() - started:.0f} s)", flush=True)
        first: dict[str, float] = {}
        envs: dict[str, dict[str, str]] = {}
        for label, src in trees.items():
            envs[label] = tree_env(base_env, src, tmp / f"home-{label}-{size}")
            roleplay = [sys.executable, "-m", "roleplay", "--workspace", str(wss[label])]
            first[label] = run([*roleplay, "today"], envs[label])  # the index catches up here
        print("  first `today` after the sessions were copied in: "
              + ", ".join(f"{k} {v:.0f} ms" for k, v in first.items()))  # fmt: skip
        print(f"  {'command':<10} {'typer ms':>9} {'before ms':>10} {'x typer':>8} "
              f"{'after ms':>9} {'x typer':>8}   CPU ms: {'typer':>6} {'before':>7} "
              f"{'x':>5} {'after':>6} {'x':>5}")  # fmt: skip
        counts: dict[str, tuple[float | None, float | None]] = {}
        chosen = args.commands.split(",")
        for name, argv in [(n, a) for n, a in COMMANDS.items() if n in chosen]:
            cmds = {
                label: ([sys.executable, "-m", "roleplay", "--workspace", str(ws), *argv])
                for label, ws in wss.items()
            }
            for label in trees:  # compiled, and any first-use work done: not timed
                run(cmds[label], envs[label])
            p = interleaved(
                {
                    "typer": ([sys.executable, "-c", "import typer"], base_env),
                    "before": (cmds["before"], envs["before"]),
                    "after": (cmds["after"], envs["after"]),
                },
                args.runs,
            )
            (t, tc), (b, bc), (a, ac) = p["typer"], p["before"], p["after"]
            print(f"  {name:<10} {t:>9.0f} {b:>10.0f} {b / t:>8.1f} {a:>9.0f} {a / t:>8.1f}"
                  f"           {tc:>6.0f} {bc:>7.0f} {bc / tc:>5.1f} {ac:>6.0f} {ac / tc:>5.1f}",
                  flush=True)  # fmt: skip
            if args.instructions:
                counts[name] = (
                    instructions(cmds["before"], envs["before"]),
                    instructions(cmds["after"], envs["after"]),
                )
        if args.instructions:
            typer_count = instructions([sys.executable, "-c", "import typer"], base_env)
            floor = instructions([sys.executable, "-c", FLOOR], base_env)
            shown = "valgrind not found" if typer_count is None else f"{typer_count:.1f}"
            print(f"  instructions (millions): `import typer` {shown}", end="")
            print("" if floor is None else f", with pydantic and its adapters {floor:.1f}")
            for name, (b_count, a_count) in counts.items():
                if b_count is None or a_count is None or typer_count is None:
                    print(f"  {name:<10} (valgrind not found)")
                    continue
                print(f"  {name:<10} before {b_count:7.1f} ({b_count / typer_count:.1f}x typer)"
                      f"  after {a_count:7.1f} ({a_count / typer_count:.1f}x typer)"
                      f"  after/before {a_count / b_count:.3f}", flush=True)  # fmt: skip
        print(flush=True)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
