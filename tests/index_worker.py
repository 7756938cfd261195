"""One of two processes writing at once (tests/test_index_concurrency.py).

Usage: python -m tests.index_worker WORKSPACE REP DAY_OFFSET SESSIONS SHARED_SESSION
Practises SESSIONS calls and comments on SHARED_SESSION after each; prints the new ids as JSON.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from roleplay.adapters.clock import ManualClock
from roleplay.composition import build
from roleplay.config import Settings
from tests.helpers import play


def main(workspace: str, rep: str, day_offset: str, sessions: str, shared: str) -> None:
    clock = ManualClock(datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(days=int(day_offset)))
    s = build(Path(workspace), settings=Settings(rep=rep), clock=clock)
    ids = []
    for i in range(int(sessions)):
        call = s.practice.begin("discovery-spin", s.profile())
        play(
            call,
            ["How does a typical morning look for your team?", "Can I call you Tuesday?"],
            clock,
        )
        s.practice.finish(call)
        ids.append(call.record.id)
        s.reviews.comment(shared, f"{rep} comment {i}")  # as the rep, or the login (PostgreSQL)
        clock.advance(600)
    print(json.dumps({"ids": ids, "problem": s.indexer.problem}))


if __name__ == "__main__":
    main(*sys.argv[1:])
