"""The team report at team size: 50 reps over a year (about 18,000 sessions, weekly outcomes),
on SQLite and on PostgreSQL. Prints the p50 time of `roleplay report` (build and render the
HTML file, no terminal), target under 2 s, with the CPU seconds of the measuring process beside
it (on a loaded machine the wall time mostly measures waiting for a core; PostgreSQL's own work
is not in the CPU figure).

Each measurement runs in a fresh process on the database loaded once, so code versions are
compared on the same data in the same run: `--before PATH` (a checkout or worktree of an
earlier version, e.g. `git worktree add --detach /tmp/before main`) is measured beside this
one, in turns, and the ratio printed. Without it, the baseline is reading every scorecard, as
the CSV export does.

PostgreSQL is a throw-away local cluster from Debian's `postgresql` (as the tests use).

    python3 bench/team_report_bench.py [--reps 50] [--weeks 52] [--runs 5] [--no-postgres]
                                       [--before PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


class _Index:
    """What Reports asks of the Indexer: the index (already caught up here)."""

    def __init__(self, index: Any) -> None:
        self._index = index

    def index(self) -> Any:
        return self._index


def load(url: str, world: Any) -> None:
    from roleplay.adapters.sql_index import SqlIndex
    from roleplay.adapters.sql_team_data import SqlTeamData

    index = SqlIndex.open(url)
    started = time.perf_counter()
    for i in range(0, len(world.sessions), 500):
        index.save(world.sessions[i : i + 500])
    SqlTeamData(index).import_outcomes(
        world.outcomes,
        {"meetings_booked": "higher", "average_handle_time": "lower"},
        world.start + timedelta(weeks=world.weeks),
    )
    index.refresh_statistics()
    index.close()
    print(f"  loaded {len(world.sessions)} sessions in {time.perf_counter() - started:.1f} s")


def measure(url: str, start: datetime, end: datetime, runs: int, baseline: bool) -> dict[str, Any]:
    """In this process (run as a child): one report to warm up, then `runs` timed ones."""
    from roleplay.adapters.charts import MatplotlibCharts
    from roleplay.adapters.clock import ManualClock
    from roleplay.adapters.html_templates import JinjaTemplates
    from roleplay.adapters.sql_index import SqlIndex
    from roleplay.adapters.sql_team_data import SqlTeamData
    from roleplay.services.report import Reports

    index = SqlIndex.open(url)
    reports = Reports(
        _Index(index),  # type: ignore[arg-type]
        ManualClock(end),
        charts=MatplotlibCharts(),
        templates=JinjaTemplates(),
        team_data=lambda: SqlTeamData(index),
        tz=lambda: UTC,
    )
    reports.render(reports.build(since=start, detail=False), "html")  # imports, caches
    times, builds, cpu, size = [], [], [], 0
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        built = reports.build(since=start, detail=False)
        builds.append(time.perf_counter() - t)
        page = reports.render(built, "html")
        size = len(page)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    out = {
        "sessions": len(built.sessions),
        "reps": len(built.reps),
        "p50": statistics.median(times),
        "build": statistics.median(builds),
        "min": min(times),
        "max": max(times),
        "cpu": statistics.median(cpu),
        "kb": size / 1024,
        "code": str(Path(sys.modules["roleplay"].__file__ or "").parents[1]),
        # The page without its charts (whose tick marks may change between versions): the
        # numbers, tables and statistics, to check a faster version says the same.
        "text": hashlib.sha256(re.sub(r"<svg.*?</svg>", "", page, flags=re.S).encode()).hexdigest(),
    }
    if baseline:  # reading every scorecard, as the CSV export does
        t = time.perf_counter()
        detailed = reports.build(since=start, detail=True)
        out["baseline"] = time.perf_counter() - t
        out["baseline_sessions"] = len(detailed.sessions)
    index.close()
    return out


def child(code: Path, url: str, start: datetime, end: datetime, runs: int, baseline: bool) -> Any:
    env = {**os.environ, "PYTHONPATH": str(code / "src")}
    args = [sys.executable, __file__, "--measure", url, "--start", start.isoformat()]
    args += ["--end", end.isoformat(), "--runs", str(runs)] + (["--baseline"] if baseline else [])
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measuring {code} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(name: str, url: str, world: Any, runs: int, before: Path | None) -> dict[str, float]:
    start, end = world.start, world.start + timedelta(weeks=world.weeks)
    if before is None:
        r = child(REPO, url, start, end, runs, baseline=True)
        print(
            f"{name}: report of {r['sessions']} sessions, {r['reps']} reps, {world.weeks} "
            f"weeks: p50 {r['p50']:.2f} s (build {r['build']:.2f} s, min {r['min']:.2f}, max "
            f"{r['max']:.2f}, {runs} runs; CPU p50 {r['cpu']:.2f} s), {r['kb']:.0f} KB HTML; "
            f"baseline: reading all {r['baseline_sessions']} scorecards {r['baseline']:.2f} s "
            f"(report / baseline {r['p50'] / r['baseline']:.2f}x)"
        )
        return {"now": r["p50"]}
    # In turns (before, now, before, now), so load that comes and goes hits both alike.
    results: dict[str, list[dict[str, Any]]] = {"before": [], "now": []}
    for _ in range(2):
        results["before"].append(child(before, url, start, end, runs, baseline=False))
        results["now"].append(child(REPO, url, start, end, runs, baseline=False))
    p50 = {}
    for label, rs in results.items():
        p50[label] = statistics.median(r["p50"] for r in rs)
        cpu = statistics.median(r["cpu"] for r in rs)
        build = statistics.median(r["build"] for r in rs)
        print(
            f"{name} {label:>6} ({rs[0]['code']}): report of {rs[0]['sessions']} sessions, "
            f"{rs[0]['reps']} reps: p50 {p50[label]:.2f} s (build {build:.2f} s; CPU p50 "
            f"{cpu:.2f} s; {2 * runs} runs in 2 processes), {rs[0]['kb']:.0f} KB HTML"
        )
    same = {r["text"] for rs in results.values() for r in rs}
    print(
        f"{name}: now / before {p50['now'] / p50['before']:.2f}x; the page without its charts "
        + ("is the same in both" if len(same) == 1 else "DIFFERS between them")
    )
    return p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--before", type=Path, help="an earlier checkout to measure beside")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # child: measure at this URL
    parser.add_argument("--start", help=argparse.SUPPRESS)
    parser.add_argument("--end", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        start, end = datetime.fromisoformat(args.start), datetime.fromisoformat(args.end)
        print(json.dumps(measure(args.measure, start, end, args.runs, args.baseline)))
        return
    if args.before is not None and not (args.before / "src" / "roleplay").is_dir():
        parser.error(f"--before {args.before}: no src/roleplay there (a roleplay checkout?)")

    from tests.pg_server import running_postgres
    from tests.team_data import generate

    world = generate(reps=args.reps, weeks=args.weeks)
    print(f"generated {len(world.sessions)} sessions and {len(world.outcomes)} outcome rows")
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite")
        url = f"sqlite:///{Path(tmp) / 'index.sqlite'}"
        load(url, world)
        figures["SQLite"] = compare("SQLite", url, world, args.runs, args.before)
    if not args.no_postgres:
        with running_postgres() as pg:
            print("PostgreSQL")
            pg.admin("CREATE DATABASE team_bench")
            url = pg.url("team_bench")
            load(url, world)
            figures["PostgreSQL"] = compare("PostgreSQL", url, world, args.runs, args.before)
    print("p50 (s)      " + "  ".join(f"{k:>10}" for k in figures))
    for label in ("before", "now"):
        if all(label in f for f in figures.values()):
            print(f"{label:<12} " + "  ".join(f"{f[label]:>10.2f}" for f in figures.values()))
    print("target: under 2 s on both")


if __name__ == "__main__":
    main()
