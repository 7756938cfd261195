"""What the team-pace prior costs a new rep in a big team: a rep's first schedule (a rep with
nothing shown yet: first sync, or a rebuild) reads every teammate's judged sessions in the
workspace to weigh the candidate paces (services/habit.py `_teammates`, domain/skill_level.py
`team_prior`). This bench makes workspaces of T teammates with S scored sessions each and one
session of a new rep, runs the new rep's first `roleplay today` in a fresh ROLEPLAY_HOME, and
prints the time spent in `_teammates` (timed inside the command) beside the whole command's
wall and CPU time, so the prior's share is plain.

    python3 bench/team_prior_bench.py [--teams 5x40,50x160,200x40]

Measured (stop 36, main f31611e, load ~4.5 on 2 cores; median of 3 fresh homes):
      team sessions  wall ms  CPU ms  prior ms  share teammates
      5x40      200     1855     731       116     6%         5   (one run)
    50x160     8000    11202    5602      4221    38%        50
    200x40     8000     7885    5498      2835    36%       200
So in an 8,000-session team the prior is ~3-4 s of the new rep's first sync (which builds
their index and reads the workspace anyway), once per rep and again only when a schedule is
rebuilt from scratch (an older session turned up); `today` afterwards never reads it. It grows
with the team's sessions, not its size in reps. Not capped: a cap (the latest N sessions of
each teammate) changes the prior the scheduler's 25.3% was measured with, and would have to be
measured with bench/scheduler_seeds.py first.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench_files import (
    REPO,
    SCENARIOS,
    bench_env,
    importable,
    tree_env,
    workspace,
    write_session,
)

NEW = "zed"  # the rep who is new to the team

# The command, with `_teammates` timed: a wrapper on the method, then the CLI as installed.
TIMED = """
import sys, time
from roleplay.services import habit
real = habit.Habit._teammates
spent = []
def timed(self, *a, **k):
    t = time.perf_counter(); found = real(self, *a, **k)
    spent.append((time.perf_counter() - t, len(found)))
    # the command ends the process with os._exit (cli/root.py): said at once, flushed
    print("TEAMMATES", sum(s for s, _ in spent) * 1000, sum(n for _, n in spent),
          file=sys.stderr, flush=True)
    return found
habit.Habit._teammates = timed
from roleplay.cli import main
main()
"""


def team_workspace(root: Path, reps: int, each: int) -> Path:
    importable()
    from tests.index_data import T0, make_session

    ws = workspace(root)
    total = reps * each
    people = [f"rep{r:03d}" for r in range(reps)]
    for n in range(total + 1):
        folder = make_session(
            n,
            rep=NEW if n == total else people[n % reps],
            scenario=SCENARIOS[n % len(SCENARIOS)],
            rubric="discovery",
            started_at=T0 + timedelta(minutes=(24 * 60 * 300 // max(total, 1)) * n),
            origin="bench",
        )
        write_session(ws / "recordings", folder)
    return ws.rename(root / f"ws-{reps}x{each}")


def first_today(ws: Path, home: Path, env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall ms, CPU ms, ms in _teammates, teammates found) of the new rep's first `today`."""
    import resource

    env = {**tree_env(env, REPO / "src", home), "ROLEPLAY_REP": NEW}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    cmd = [sys.executable, "-c", TIMED, "--workspace", str(ws), "today"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    line = [x for x in done.stderr.splitlines() if x.startswith("TEAMMATES")]
    if done.returncode != 0:
        raise SystemExit(f"today failed ({done.returncode}):\n{done.stderr[-2000:]}")
    _, ms, found = (line or ["- 0 0"])[-1].split()  # no line: the prior was never read
    return wall, cpu, float(ms), int(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", default="5x40,50x160,200x40", help="REPSxSESSIONS, ...")
    parser.add_argument("--runs", type=int, default=3, help="fresh homes per workspace")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="team-prior-bench-"))
    env = bench_env(tmp)
    print("machine: shared; the share of the command is the figure to read, not its ms\n")
    print(f"{'team':>9} {'sessions':>8} {'wall ms':>8} {'CPU ms':>7} {'prior ms':>9} "
          f"{'share':>6} {'teammates':>9}")  # fmt: skip
    for spec in args.teams.split(","):
        reps, each = (int(x) for x in spec.split("x"))
        ws = team_workspace(tmp, reps, each)
        # a first run builds the workspace's shared index and compiles: not timed
        first_today(ws, tmp / f"warm-{spec}", env)
        rows = [first_today(ws, tmp / f"home-{spec}-{k}", env) for k in range(args.runs)]
        rows.sort(key=lambda r: r[0])
        wall, cpu, ms, found = rows[len(rows) // 2]
        print(f"{spec:>9} {reps * each:>8} {wall:>8.0f} {cpu:>7.0f} {ms:>9.0f} "
              f"{ms / wall:>6.0%} {found:>9}", flush=True)  # fmt: skip
        shutil.rmtree(ws)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
