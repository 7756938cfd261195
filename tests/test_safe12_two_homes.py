"""Two reps, each with their own ROLEPLAY_HOME (settings, index, schedule), on one workspace
(scenarios/, rubrics/, recordings/), in two OS processes. Before, each home's local index
missed the other's edits of sessions it already held: the writer cleared the session's
pending mark once *its* index had it, the folder list had not changed, so the other index
was "in step" and kept the old session for good (a commitment, a comment, a re-score were
not in the other's `sessions`, `review show`, reports), and each home's copy of a rep's
schedule trusted the sessions it had applied by their ids (the other's commitment never
reached `today` or `progress`). Now whoever indexes a changed session notes it, with its
home, in the workspace's `recordings/.index/changes`; every index reads what it has not read
yet before it counts as in step, and a schedule that another home's line names one of its
rep's sessions in is rebuilt from the recordings: the other home sees the change on its next
command."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_index_in_step import _settled
from tests.test_read_from_index import many, run

__all__ = ["many"]  # the fixture, used by name below


def _other_home(ws: Path, home: Path, *args: str) -> str:
    """A command of the other rep, in its own process and its own home."""
    env = dict(os.environ, ROLEPLAY_HOME=str(home), PYTHONPATH=str(REPO / "src"))
    done = subprocess.run(
        [sys.executable, "-m", "roleplay", "--workspace", str(ws), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _scored(rec: Path, rep: str) -> str:
    """The newest session of `rep` with a readable scorecard."""
    for folder in sorted(rec.glob("2*"), reverse=True):
        record = json.loads((folder / "session.json").read_text())
        card = folder / "scorecard.json"
        if record.get("rep") == rep and card.exists() and "{not json" not in card.read_text():
            return folder.name
    raise AssertionError(f"no scored session of {rep}")


def test_each_home_sees_the_other_homes_edits_on_its_next_command(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mine, theirs = tmp_path / "home-mine", tmp_path / "home-theirs"
    monkeypatch.setenv("ROLEPLAY_HOME", str(mine))
    rec = many / "recordings"
    session = _scored(rec, "ana")
    assert run(many, "score", "last", "--judge", "offline")[0] == 0  # builds my index
    gc.collect()
    _settled(many, mine)
    before = run(many, "sessions", "--json")  # from my index, found in step
    assert "the budget" not in before[1]
    assert "Good opening" not in run(many, "review", "show", session)[1]
    assert "the budget" not in run(many, "today", "--json")[1]  # my schedule, kept here
    gc.collect()
    _settled(many, mine)
    assert "the budget" not in run(many, "today", "--json")[1]  # from its quick copy
    # The other rep (the same rep name on another machine would do as well) writes.
    _other_home(many, theirs, "commit", "I will ask for the budget first", "--session", session)
    _other_home(many, theirs, "review", "comment", session, "Good opening")
    assert not (rec / ".index" / "pending").exists() or not any(
        (rec / ".index" / "pending").iterdir()
    )  # their index holds both: no mark is left for mine to see
    listed = {s["id"]: s for s in json.loads(run(many, "sessions", "--json")[1])}
    assert (listed[session].get("commitment") or {}).get("text") == (
        "I will ask for the budget first"
    )
    assert "Good opening" in run(many, "review", "show", session)[1]
    today = run(many, "today", "--json")
    assert today[0] == 0 and "I will ask for the budget first" in today[1]  # to be checked
    assert "I will ask for the budget first" in run(many, "progress", "--json")[1]
    # What a new index of the folders says, for the whole list.
    after = run(many, "sessions", "--json")
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
    assert run(many, "sessions", "--json") == after
    assert run(many, "today", "--json") == today
