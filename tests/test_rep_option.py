"""`--rep NAME` on the team's commands (`review list`, `report`, `assignments list`) is checked
(trust round, item 3): a misspelt or unknown name said "No assignments." or listed nothing,
which reads as "no practice"; a name with a line break was taken as it was. Now the name is
checked as the config file's is, then against the reps the index knows, with the close ones.
SQLite and a real PostgreSQL index."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from tests.cli_helpers import invoke as cli
from tests.test_assignments import practise


@pytest.fixture
def practised(workspace: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROLEPLAY_REP", "trainer")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    practise(workspace, ManualClock(datetime.now(UTC) - timedelta(hours=1)), rep="ana.smith")
    return workspace


@pytest.mark.parametrize(
    "command",
    [["review", "list"], ["assignments", "list"], ["report", "--format", "json", "-o", "-"]],
    ids=" ".join,
)
def test_a_misspelt_rep_is_said_with_the_close_names(practised: Path, command: list[str]) -> None:
    found = cli(practised, *command, "--rep", "ana.smyth")
    assert found.exit_code == 2, found.output
    [error] = [x for x in found.stderr.splitlines() if x.startswith("error:")]
    assert "no rep 'ana.smyth' in the index" in error and "did you mean 'ana.smith'" in error
    assert found.stdout == ""  # not an empty list that reads as "no practice"
    other_case = cli(practised, *command, "--rep", "ANA.SMITH")
    assert other_case.exit_code == 2 and "did you mean 'ana.smith'" in other_case.stderr
    nobody = cli(practised, *command, "--rep", "zed")
    assert nobody.exit_code == 2 and "no rep 'zed'" in nobody.stderr
    assert "known: ana.smith, " in nobody.stderr and "trainer" in nobody.stderr


@pytest.mark.parametrize("command", [["review", "list"], ["assignments", "list"]], ids=" ".join)
def test_a_known_rep_still_lists(practised: Path, command: list[str]) -> None:
    done = cli(practised, *command, "--rep", " ana.smith ", "--json")  # spaces around: dropped
    assert done.exit_code == 0, done.output
    listed = json.loads(done.stdout)
    if command[0] == "review":
        assert [r["rep"] for r in listed] == ["ana.smith"]
    else:
        assert listed == []  # nothing assigned: said as such, for a rep the index knows


@pytest.mark.parametrize("command", [["review", "list"], ["assignments", "list"]], ids=" ".join)
def test_a_malformed_rep_name_is_refused_saying_why(practised: Path, command: list[str]) -> None:
    done = cli(practised, *command, "--rep", "ana\nsmith")
    assert done.exit_code == 2
    assert "line break" in done.stderr and "Traceback" not in done.output
