"""What the read commands leave out to answer quickly, and that leaving it out changes nothing a
rep sees: `today` opens the index (SQLAlchemy, a catch-up) only when it can hold assignments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from roleplay.adapters.clock import ManualClock
from roleplay.composition import build
from roleplay.config import Settings
from tests.helpers import play

SRC = str(Path(__file__).resolve().parents[1] / "src")
LINES = [
    "How does a typical morning look for your dispatch team?",
    "Can I call you Tuesday at ten with Anna from finance?",
]
# Runs one command in a fresh interpreter and says which heavy libraries it loaded.
PROBE = """
import json, sys
from roleplay.cli.root import main
sys.argv = ["roleplay", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
print(json.dumps({"code": code, "sqlalchemy": "sqlalchemy" in sys.modules}), file=sys.stderr)
"""


def run(ws: Path, *args: str) -> tuple[str, dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": SRC, "ROLEPLAY_REP": "ana", "ROLEPLAY_TIMEZONE": "UTC"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def practise(ws: Path) -> None:
    clock = ManualClock(datetime.now(UTC) - timedelta(hours=2))
    s = build(ws, settings=Settings(rep="ana", timezone="UTC"), clock=clock)
    call = s.practice.begin("discovery-spin", s.profile())
    play(call, LINES, clock)
    s.practice.finish(call)


def test_today_for_a_rep_alone_does_not_open_the_index(workspace: Path) -> None:
    run(workspace, "today")  # the first one saves the (empty) schedule
    out, loaded = run(workspace, "today")
    assert loaded == {"code": 0, "sqlalchemy": False}
    assert "Today," in out

    practise(workspace)  # the index now exists and holds the session, but no assignment
    run(workspace, "today")  # the first one after a call may save the schedule's cards
    out, loaded = run(workspace, "today")
    assert loaded == {"code": 0, "sqlalchemy": False}
    assert "Today," in out and "due" not in out.split("Today,")[0]


def test_an_assignment_in_the_local_index_is_shown_and_a_withdrawn_one_is_not(
    workspace: Path,
) -> None:
    practise(workspace)
    due = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    made = subprocess.run(
        [sys.executable, "-m", "roleplay", "--workspace", str(workspace), "assign",
         "discovery-spin", "--to", "ana", "--due", due, "--json"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": SRC, "ROLEPLAY_REP": "ana"},
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    ident = json.loads(made.stdout)["id"]
    out, loaded = run(workspace, "today")
    assert loaded["sqlalchemy"] is True  # there is one: the index is asked
    assert f"discovery-spin: due {due}" in out.split("Today,")[0]

    _, withdrawn = run(workspace, "assignments", "withdraw", ident)
    assert withdrawn["code"] == 0
    out, loaded = run(workspace, "today")
    assert loaded == {"code": 0, "sqlalchemy": False}  # none open: nothing to ask
    assert "discovery-spin: due" not in out
