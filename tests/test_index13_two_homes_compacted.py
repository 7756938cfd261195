"""Two homes on one workspace (tests/test_safe12_two_homes.py), with the workspace's change log
compacted by the other home's writes after this home last read it: this home's index and
schedule read on from where they were in the log that was replaced, and see the other's
commitment and comment on their next command, as they did before the log was ever compacted."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from roleplay.adapters import change_log
from tests.test_index_in_step import _settled
from tests.test_read_from_index import many, run
from tests.test_safe12_two_homes import _scored

__all__ = ["many"]  # the fixture, used by name below


def _generation(rec: Path) -> bytes:
    return (rec / ".index" / change_log.LOG).read_bytes().split(b"\n", 1)[0]


def test_the_other_homes_edits_are_seen_after_it_compacted_the_log(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mine, theirs = tmp_path / "home-mine", tmp_path / "home-theirs"
    rec = many / "recordings"
    session = _scored(rec, "ana")
    monkeypatch.setenv("ROLEPLAY_HOME", str(mine))
    assert run(many, "score", "last", "--judge", "offline")[0] == 0  # my index, a log line
    gc.collect()
    _settled(many, mine)
    assert "the budget" not in run(many, "sessions", "--json")[1]
    assert "the budget" not in run(many, "today", "--json")[1]  # my schedule, kept here
    before = _generation(rec)
    assert not before.startswith(b"#changes ")  # never compacted yet: named by its inode
    first = (rec / ".index" / change_log.LOG).stat().st_ino
    # Their first write finds the log due: compacted, once (my notes name the log replaced).
    monkeypatch.setattr(change_log, "COMPACT_AT", 1)
    monkeypatch.setenv("ROLEPLAY_HOME", str(theirs))
    assert run(many, "commit", "I will ask for the budget first", "--session", session)[0] == 0
    monkeypatch.setattr(change_log, "COMPACT_AT", 1 << 20)
    assert run(many, "review", "comment", session, "Good opening")[0] == 0
    head = _generation(rec).split()
    assert head[0] == b"#changes" and int(head[2]) == first  # compacted once, from mine
    monkeypatch.setenv("ROLEPLAY_HOME", str(mine))
    listed = {s["id"]: s for s in json.loads(run(many, "sessions", "--json")[1])}
    assert (listed[session].get("commitment") or {}).get("text") == (
        "I will ask for the budget first"
    )
    assert "Good opening" in run(many, "review", "show", session)[1]
    today = run(many, "today", "--json")
    assert today[0] == 0 and "I will ask for the budget first" in today[1]
