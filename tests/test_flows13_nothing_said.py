"""A typed call in which the rep said nothing is not practice.

`roleplay practice --text </dev/null` (or a pipe that closes at once, or /end as the first
line) saved the call and scored it: level 1 on every criterion ("The rep said nothing"), a
session with a score in `sessions`, and a scored session of the scenario, so an assignment
without a pass score was done by it. Now the call says plainly that nothing was said and
nothing was saved, exits 1 (the command ran; there is no scorecard), and leaves the
assignments, the streak and today's goal as they were.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import invoke

NOTHING = (
    "You said nothing in this call, so there is nothing to score: it does not count as "
    "practice (your streak, today's goal and queue are as they were). Nothing was saved."
)


def _sessions(ws: Path) -> list[Path]:
    return sorted((ws / "recordings").glob("*/session.json"))


@pytest.mark.parametrize("typed", ["", "/end\n", "\n  \n/end\nskip\n"], ids=["eof", "end", "blank"])
def test_nothing_said_is_not_scored_nor_saved(mini_workspace: Path, typed: str) -> None:
    result = invoke(mini_workspace, "practice", "mini", "--text", "--seed", "1", input=typed)
    assert result.exit_code == 1, result.output
    assert NOTHING in " ".join(result.output.split())
    assert "Scorecard" not in result.output and "Saved in" not in result.output
    assert "One thing to commit to" not in result.output
    assert _sessions(mini_workspace) == []
    listed = invoke(mini_workspace, "sessions")
    assert "No sessions yet" in listed.output
    today = json.loads(invoke(mini_workspace, "today", "--json").output)
    assert today["goal"]["drills_done"] == 0 and today["streak"]["practised_today"] is False


def test_with_json_stdout_stays_empty_and_stderr_says_why(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "practice", "mini", "--text", "--json", input="")
    assert result.exit_code == 1
    assert result.stdout == ""  # no scorecard to parse
    assert NOTHING in " ".join(result.stderr.split())


def test_an_assignment_is_not_done_by_a_call_with_nothing_said(
    mini_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_REP", "kari")
    assert invoke(mini_workspace, "assign", "mini", "--to", "kari").exit_code == 0
    invoke(mini_workspace, "practice", "mini", "--text", input="")
    listed = invoke(mini_workspace, "assignments", "list").output
    [row] = [line for line in listed.splitlines() if " mini " in line]
    assert "to do" in row and "done" not in row
    # A call where the rep spoke still counts, as before.
    spoke = invoke(mini_workspace, "practice", "mini", "--text", input="Hello, how is business?\n")
    assert spoke.exit_code == 0, spoke.output
    assert "Scorecard" in spoke.output and len(_sessions(mini_workspace)) == 1
    listed = invoke(mini_workspace, "assignments", "list").output
    [row] = [line for line in listed.splitlines() if " mini " in line]
    assert "done" in row
