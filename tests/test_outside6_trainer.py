"""A trainer's first files in a workspace whose path has a space and a non-ASCII letter
(outside6): the command `new` prints works when pasted back, from any folder."""

from __future__ import annotations

import shlex
from pathlib import Path

from typer.testing import CliRunner

from roleplay.cli import app

runner = CliRunner()


def _new(ws: Path, kind: str, name: str) -> str:
    result = runner.invoke(app, ["--workspace", str(ws), "new", kind, name])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_printed_validate_command_works_pasted_back_from_anywhere(tmp_path: Path) -> None:
    ws = tmp_path / "Kari's wörk space"
    ws.mkdir()
    _new(ws, "rubric", "renewal")
    said = _new(ws, "scenario", "renewal-call")
    command = said.split("then run: ", 1)[1].splitlines()[0]
    # It printed `roleplay validate /tmp/.../Kari's wörk space/scenarios/renewal-call.yaml`:
    # a shell splits that into three paths and an unclosed quote.
    words = shlex.split(command)
    assert words == ["roleplay", "validate", str(ws / "scenarios" / "renewal-call.yaml")]
    # Run from another folder (the test's empty cwd, whose workspace is the user's own): the
    # scenario's rubric is looked up in the scenario's workspace, not reported unknown.
    result = runner.invoke(app, words[1:])
    assert result.exit_code == 0, result.output
    assert "All good: 1 scenario(s), 0 rubric(s) checked." in result.output


def test_validate_of_a_folder_elsewhere_checks_it_against_its_own_rubrics(tmp_path: Path) -> None:
    ws = tmp_path / "repo"
    ws.mkdir()
    _new(ws, "rubric", "renewal")
    _new(ws, "scenario", "renewal-call")
    for given in (ws, ws / "scenarios"):
        result = runner.invoke(app, ["validate", str(given)])
        assert result.exit_code == 0, result.output
    # A real mistake is still found there.
    path = ws / "scenarios" / "renewal-call.yaml"
    path.write_text(path.read_text("utf-8").replace("rubric: renewal", "rubric: renewl"), "utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "unknown rubric 'renewl'" in result.output and "did you mean 'renewal'" in result.output
