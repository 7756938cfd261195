"""The index at team size: 10,000 sessions of 20 turns, on SQLite and on PostgreSQL.

Measures, per database: rebuilding the index from the recordings folder (`roleplay reindex`:
read every folder, parse it, write it), then p50/p95 of filtered list queries (the reviewer's
session list: 50 rows, newest first) and of opening one session (transcript, scorecard and
reviews). Target: list queries under 50 ms p50.

PostgreSQL is a throw-away local cluster from Debian's `postgresql` (as the tests use).

    python3 bench/index_bench.py [--sessions 10000] [--turns 20] [--queries 200] [--no-postgres]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from roleplay.adapters.recording_files import FileRecordings  # noqa: E402
from roleplay.adapters.sql_index import SqlIndex  # noqa: E402
from roleplay.domain.history import SessionFilter  # noqa: E402
from roleplay.domain.review import Review  # noqa: E402
from roleplay.services.index import Indexer  # noqa: E402
from roleplay.services.ports import SessionIndex  # noqa: E402
from tests.index_data import T0, a_review, make_session  # noqa: E402
from tests.pg_server import running_postgres  # noqa: E402

REPS = [f"rep-{i:02d}" for i in range(20)]
TEAMS = ["north", "south", "east", "west"]
SCENARIOS = ["discovery-spin", "price-objection", "cold-call-gatekeeper", "negotiation-close",
             "demo-follow-up", "competitor-objection", "angry-customer", "renewal"]  # fmt: skip


def write_recordings(root: Path, sessions: int, turns: int) -> list[str]:
    """Session folders as the app writes them (without fsync: this is set-up, not the test)."""
    rng = random.Random(8)
    ids = []
    for n in range(sessions):
        rep = rng.choice(REPS)
        folder = make_session(
            n,
            rep=rep,
            team=TEAMS[REPS.index(rep) % len(TEAMS)],
            scenario=rng.choice(SCENARIOS),
            started_at=T0 + timedelta(minutes=97 * n),  # about two years of practice
            turns=turns,
            origin="bench",
        )
        assert folder.transcript is not None and folder.scorecard is not None
        path = root / folder.session_id
        path.mkdir(parents=True)
        (path / "session.json").write_text(folder.transcript.record.model_dump_json())
        (path / "transcript.jsonl").write_text(
            "".join(t.model_dump_json() + "\n" for t in folder.transcript.turns)
        )
        (path / "scorecard.json").write_text(folder.scorecard.model_dump_json())
        if n % 10 == 0:  # a tenth of the sessions reviewed
            review: Review = a_review(folder.session_id)
            (path / "review.json").write_text(review.model_dump_json())
        ids.append(folder.session_id)
        if (n + 1) % 2000 == 0:
            print(f"  wrote {n + 1} session folders", file=sys.stderr)
    return ids


def list_page(index: SessionIndex, make: Callable[[], SessionFilter]) -> object:
    return index.sessions(make(), limit=50)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def measure(name: str, url: str, recordings: Path, ids: list[str], queries: int) -> None:
    indexer = Indexer(FileRecordings(recordings), lambda: SqlIndex.open(url))
    start = time.perf_counter()
    index = indexer.index()  # first start: create the schema, catch up with every folder
    catch_up = time.perf_counter() - start
    start = time.perf_counter()
    done = indexer.rebuild()  # ...so time the explicit, full rebuild (`roleplay reindex`)
    rebuild = time.perf_counter() - start
    assert done.indexed == len(ids), done.problems[:3]
    rng = random.Random(1)
    until = T0 + timedelta(minutes=97 * len(ids))
    filters: dict[str, Callable[[], SessionFilter]] = {
        "newest 50, no filter": lambda: SessionFilter(),
        "one rep": lambda: SessionFilter(rep=rng.choice(REPS)),
        "team, last 30 days": lambda: SessionFilter(
            team=rng.choice(TEAMS), since=until - timedelta(days=30)
        ),
        "scenario + score <= 2.5": lambda: SessionFilter(
            scenario=rng.choice(SCENARIOS), max_score=2.5
        ),
        "skill + not reviewed": lambda: SessionFilter(skill="active-listening", reviewed=False),
        "rep + skill + 90 days": lambda: SessionFilter(
            rep=rng.choice(REPS), skill="next-steps", since=until - timedelta(days=90)
        ),
    }
    print(f"\n{name}: {index.describe()}")
    print(f"  first start on an empty index (schema + catch-up): {catch_up:.1f} s")
    per = 1000 * rebuild / len(ids)
    print(f"  rebuild (reindex) of {len(ids)} sessions: {rebuild:.1f} s ({per:.2f} ms per session)")
    all_p50 = []
    for label, make in filters.items():
        rows = index.sessions(make(), limit=50)
        p50, p95 = timed(partial(list_page, index, make), queries)
        all_p50.append(p50)
        print(f"  list [{label:<26}] p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  ({len(rows)} rows)")
    p50, p95 = timed(lambda: index.session(rng.choice(ids)), queries)
    print(f"  open one session (20 turns + reviews)   p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")
    worst = max(all_p50)
    verdict = "meets" if worst < 50 else "MISSES"
    print(f"  slowest list p50 {worst:.2f} ms: {verdict} the 50 ms target")
    index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="roleplay-bench-") as tmp:
        root = Path(tmp)
        recordings = root / "recordings"
        print(f"Writing {args.sessions} sessions of {args.turns} turns...", file=sys.stderr)
        ids = write_recordings(recordings, args.sessions, args.turns)
        measure("SQLite", f"sqlite:///{root / 'index.sqlite'}", recordings, ids, args.queries)
        size = (root / "index.sqlite").stat().st_size / 1e6
        print(f"  database file: {size:.0f} MB")
        if not args.no_postgres:
            with running_postgres() as pg:
                url = pg.url(pg.new_database())
                measure("PostgreSQL", url, recordings, ids, args.queries)


if __name__ == "__main__":
    main()
