"""The team report at team size: 50 reps over a year (about 18,000 sessions, weekly outcomes),
on SQLite and on PostgreSQL. Prints the p50 time of `roleplay report` (build and render the
HTML file, no terminal), target under 2 s, with the CPU seconds of this process beside it (on a
loaded machine the wall time mostly measures waiting for a core; PostgreSQL's own work is not in
the CPU figure), and a baseline measured in the same run: reading every scorecard, as the CSV
export does.

PostgreSQL is a throw-away local cluster from Debian's `postgresql` (as the tests use).

    python3 bench/team_report_bench.py [--reps 50] [--weeks 52] [--runs 5] [--no-postgres]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from roleplay.adapters.charts import MatplotlibCharts  # noqa: E402
from roleplay.adapters.clock import ManualClock  # noqa: E402
from roleplay.adapters.html_templates import JinjaTemplates  # noqa: E402
from roleplay.adapters.sql_index import SqlIndex  # noqa: E402
from roleplay.adapters.sql_team_data import SqlTeamData  # noqa: E402
from roleplay.services.report import Reports  # noqa: E402
from tests.pg_server import running_postgres  # noqa: E402
from tests.team_data import World, generate  # noqa: E402


class _Index:
    """What Reports asks of the Indexer: the index (already caught up here)."""

    def __init__(self, index: SqlIndex) -> None:
        self._index = index

    def index(self) -> SqlIndex:
        return self._index


def load(url: str, world: World) -> SqlIndex:
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
    print(f"  loaded {len(world.sessions)} sessions in {time.perf_counter() - started:.1f} s")
    return index


def measure(name: str, index: SqlIndex, world: World, runs: int) -> float:
    end = world.start + timedelta(weeks=world.weeks)
    reports = Reports(
        _Index(index),  # type: ignore[arg-type]
        ManualClock(end),
        charts=MatplotlibCharts(),
        templates=JinjaTemplates(),
        team_data=lambda: SqlTeamData(index),
        tz=lambda: UTC,
    )
    times, builds, cpu, size = [], [], [], 0
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        built = reports.build(since=world.start, detail=False)
        builds.append(time.perf_counter() - t)
        size = len(reports.render(built, "html"))
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    p50 = statistics.median(times)
    # Baseline in the same run: reading every scorecard, as the CSV export (and the report
    # before the team sections) does.
    t = time.perf_counter()
    detailed = reports.build(since=world.start, detail=True)
    baseline = time.perf_counter() - t
    print(
        f"{name}: report of {len(built.sessions)} sessions, {len(world.reps)} reps, "
        f"{world.weeks} weeks: p50 {p50:.2f} s (build {statistics.median(builds):.2f} s, "
        f"min {min(times):.2f}, max {max(times):.2f}, {runs} runs; CPU of this process p50 "
        f"{statistics.median(cpu):.2f} s), {size / 1024:.0f} KB HTML; "
        f"baseline: reading all {len(detailed.sessions)} scorecards {baseline:.2f} s "
        f"(report / baseline {p50 / baseline:.2f}x)"
    )
    return p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    world = generate(reps=args.reps, weeks=args.weeks)
    print(f"generated {len(world.sessions)} sessions and {len(world.outcomes)} outcome rows")
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite")
        index = load(f"sqlite:///{Path(tmp) / 'index.sqlite'}", world)
        sqlite_p50 = measure("SQLite", index, world, args.runs)
        index.close()
    if args.no_postgres:
        return
    with running_postgres() as pg:
        print("PostgreSQL")
        pg.admin("CREATE DATABASE team_bench")
        index = load(pg.url("team_bench"), world)
        pg_p50 = measure("PostgreSQL", index, world, args.runs)
        index.close()
    print(f"PostgreSQL / SQLite: {pg_p50 / sqlite_p50:.2f}x (target: both under 2 s)")


if __name__ == "__main__":
    main()
