"""`roleplay assign --to NAME` takes the names `--rep NAME` takes on the team's commands, and
says a wrong one the same way (did-you-mean, other case, the known names). It checked a
narrower list: a rep whose assignments `assignments list --rep` showed could not be assigned
more ("unknown rep"), and a name with spaces around it was stored as typed. SQLite and a real
PostgreSQL index."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from roleplay.adapters.clock import ManualClock
from tests.cli_helpers import invoke
from tests.test_assignments import practise


def cli(ws: Path, *args: str, rep: str = "trainer") -> Result:
    return invoke(ws, *args, env={"ROLEPLAY_REP": rep})


@pytest.fixture
def practised(workspace: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    practise(workspace, ManualClock(datetime.now(UTC) - timedelta(hours=1)), rep="ana.smith")
    return workspace


def error_line(result: Result) -> str:
    [error] = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    return str(error)


@pytest.mark.parametrize("name", ["ana.smyth", "ANA.SMITH", "zed"])
def test_a_wrong_name_is_said_as_rep_says_it(practised: Path, name: str) -> None:
    assigned = cli(practised, "assign", "discovery-spin", "--to", name)
    listed = cli(practised, "assignments", "list", "--rep", name)
    assert assigned.exit_code == listed.exit_code == 2, (assigned.output, listed.output)
    assert error_line(assigned) == error_line(listed)
    assert f"no rep '{name}' in the index" in error_line(assigned)
    assert cli(practised, "assignments", "list").stdout.strip() == "No assignments."


def test_whoever_rep_lists_can_be_assigned(practised: Path) -> None:
    # Assigned by "dana" to herself before her first session: the index knows her by it.
    first = cli(practised, "assign", "discovery-spin", "--to", "dana", rep="dana")
    assert first.exit_code == 0, first.output
    # The trainer sees her assignment with --rep ... and can assign her another one.
    listed = cli(practised, "assignments", "list", "--rep", "dana", "--json")
    assert listed.exit_code == 0, listed.output
    assert [a["rep"] for a in json.loads(listed.stdout)] == ["dana"]
    again = cli(practised, "assign", "price-objection", "--to", "dana")
    assert again.exit_code == 0, again.output
    # A name is read as --rep reads it: spaces around it are not part of it.
    spaced = cli(practised, "assign", "price-objection", "--to", " ana.smith ", "--json")
    assert spaced.exit_code == 0, spaced.output
    assert json.loads(spaced.stdout)["rep"] == "ana.smith"
