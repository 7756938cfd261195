"""A mistyped `--workspace` is said as such, instead of read commands answering about a folder
that is not there ("No sessions yet", "Nothing is due today", exit 0) and a practice making it.
`new` still makes a workspace where none was (the README's trainer hour)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from tests.app_helpers import make_workspace
from tests.hostile import one_clear_line

runner = CliRunner()


@pytest.mark.parametrize("command", [["sessions"], ["today"], ["progress"], ["scenarios"]])
def test_a_missing_workspace_folder_is_an_error(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "wrokspace"
    result = runner.invoke(app, ["-w", str(missing), *command])
    assert result.exit_code == 2, result.output
    one_clear_line(result, str(missing), "does not exist", "check the path", "new scenario")
    assert not missing.exists()  # nothing made in the mistyped place


def test_new_still_makes_a_workspace_and_an_existing_one_reads(tmp_path: Path) -> None:
    fresh = tmp_path / "team-drills"
    made = runner.invoke(app, ["-w", str(fresh), "new", "rubric", "renewal"])
    assert made.exit_code == 0, made.output
    assert (fresh / "rubrics").is_dir()
    ws = make_workspace(tmp_path / "ws")
    listed = runner.invoke(app, ["-w", str(ws), "scenarios"])
    assert listed.exit_code == 0, listed.output
    assert "discovery-spin" in listed.output
