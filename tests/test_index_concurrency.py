"""Two processes writing at once lose nothing: the app and a CLI on one SQLite file and one
recordings folder, or two reps' machines (two recordings folders) on one PostgreSQL server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from roleplay.domain.history import SessionFilter
from roleplay.domain.review import Review
from tests.conftest import REPO
from tests.helpers import play, services

SESSIONS = 8


def _workspace(root: Path) -> Path:
    shutil.copytree(REPO / "scenarios", root / "scenarios")
    shutil.copytree(REPO / "rubrics", root / "rubrics")
    return root


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["one-folder", "two-folders"])
def test_two_writers_at_once_lose_nothing(tmp_path: Path, database_url: str, layout: str) -> None:
    first = _workspace(tmp_path / "first")
    second = first if layout == "one-folder" else _workspace(tmp_path / "second")
    clock = ManualClock()
    owner = services(first, clock)
    call = owner.practice.begin("discovery-spin", owner.profile())
    play(call, ["How does a typical morning look?"], clock)
    owner.practice.finish(call)
    shared = call.record.id

    env = {**os.environ, "ROLEPLAY_DATABASE_URL": database_url}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.index_worker",
                str(ws),
                rep,
                str(offset),
                str(SESSIONS),
                shared,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        for ws, rep, offset in ((first, "ana", 10), (second, "ben", 20))
    ]
    results = []
    for w in workers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
        results.append(json.loads(out))
    assert all(r["problem"] is None for r in results)

    written = {shared} | {i for r in results for i in r["ids"]}
    assert len(written) == 2 * SESSIONS + 1
    index = owner.indexer.index()
    listed = index.sessions(SessionFilter(), limit=1000)
    assert {r.id for r in listed} == written
    assert all(r.overall is not None for r in listed)
    view = index.session(shared)
    assert view is not None
    expected = {f"{rep} comment {i}" for rep in ("ana", "ben") for i in range(SESSIONS)}
    assert {c.text for c in view.comments} == expected
    # And every comment is in a review.json, the source of truth.
    on_disk: set[str] = set()
    for ws in {first, second}:
        path = ws / "recordings" / shared / "review.json"
        on_disk |= {c.text for c in Review.model_validate_json(path.read_text()).comments}
    assert on_disk == expected
