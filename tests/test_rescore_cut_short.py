"""`score last` on a transcript cut short since it was scored (trust round, item 4): a crash or
a truncated copy left the first turns, the rest lost or zero-filled; re-scoring it wrote a worse
scorecard over the good one without a word. Now it is refused, naming the file and what was
counted, and the scorecard is kept as it is (tests/test_cli_scoring.py has a missing and an
emptied transcript)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.test_cli_scoring import _session, invoke


def _lines_lost(data: bytes) -> bytes:
    """The last two turns gone (a copy that stopped early)."""
    return b"".join(data.splitlines(keepends=True)[:-2])


def _cut_mid_line(data: bytes) -> bytes:
    """The file cut inside its last line (a crash mid-write)."""
    last = data.rstrip(b"\n").rfind(b"\n")
    return data[: last + 8]


def _zero_filled(data: bytes) -> bytes:
    """The tail zero-filled, as a file system can leave it after a crash."""
    keep = len(b"".join(data.splitlines(keepends=True)[:-2]))
    return data[:keep] + b"\0" * (len(data) - keep)


@pytest.mark.parametrize("damage", [_lines_lost, _cut_mid_line, _zero_filled])
def test_score_keeps_the_scorecard_of_a_transcript_cut_short(
    mini_workspace: Path, damage: Callable[[bytes], bytes]
) -> None:
    sid = _session(mini_workspace)
    folder = mini_workspace / "recordings" / sid
    card, turns = folder / "scorecard.json", folder / "transcript.jsonl"
    good, whole = card.read_bytes(), turns.read_bytes()
    assert json.loads(good)["kpis"]["rep_turns"] == 3
    turns.write_bytes(damage(whole))
    result = invoke(mini_workspace, "score", "last")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(turns) in result.stderr
    assert card.read_bytes() == good  # the good scorecard, untouched
    if damage is _lines_lost:
        assert f"{turns} was cut short since session {sid} was scored" in result.stderr
        assert "its scorecard counted 3" in result.stderr and "is kept as it is" in result.stderr
        assert "restore the file from a backup" in result.stderr
        assert str(card) in result.stderr  # what to delete when it was shortened on purpose
    turns.write_bytes(whole)  # restored: scored again as before
    assert invoke(mini_workspace, "score", "last").exit_code == 0
    assert json.loads(card.read_bytes())["kpis"]["rep_turns"] == 3


def test_a_transcript_shortened_on_purpose_is_scored_once_its_scorecard_is_deleted(
    mini_workspace: Path,
) -> None:
    sid = _session(mini_workspace)
    folder = mini_workspace / "recordings" / sid
    turns = folder / "transcript.jsonl"
    turns.write_bytes(_lines_lost(turns.read_bytes()))
    (folder / "scorecard.json").unlink()
    result = invoke(mini_workspace, "score", "last", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["kpis"]["rep_turns"] < 3
