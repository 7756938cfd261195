"""What a trainer sees when two files give one id or a rubric file is broken: every file
named with its line and what to do, and the scenario a rep practises never swapped."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.services.catalog import UnknownRubric, UnknownScenario, load_catalog

runner = CliRunner()


def validate(ws: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["--workspace", str(ws), "validate"])
    return result.exit_code, result.output


def copy_scenario(ws: Path, name: str, *, title: str, ident: str = "mini") -> Path:
    """A copy of the mini scenario (id on line 1) under another file name."""
    text = (ws / "scenarios" / "mini.yaml").read_text()
    assert text.startswith("id: mini\ntitle: Mini scenario\n")
    copy = ws / "scenarios" / name
    copy.write_text(
        text.replace("id: mini\n", f"id: {ident}\n", 1).replace("Mini scenario", title, 1)
    )
    return copy


def catalog_of(ws: Path):
    return load_catalog([ws / "scenarios"], [ws / "rubrics"])


def test_a_copy_with_the_same_id_is_blamed_and_never_practised(mini_workspace: Path) -> None:
    # "a-..." sorts before "mini.yaml": the copy used to win and the original was blamed.
    copy_scenario(mini_workspace, "a-copy.yaml", title="Copied scenario")
    code, out = validate(mini_workspace)
    assert code == 1
    lines = [line for line in out.splitlines() if ": id: " in line]
    assert len(lines) == 1, out
    (line,) = lines
    assert "a-copy.yaml:1:1: id: id 'mini' is already used by" in line
    assert "scenarios/mini.yaml:1" in line  # the other file and the line of its id
    assert "id: a-copy" in line  # what to do: an id of its own
    # The library keeps practising the file named after the id, whatever sorts first.
    catalog = catalog_of(mini_workspace)
    assert catalog.scenario("mini").scenario.title == "Mini scenario"
    assert catalog.scenario("mini").path.name == "mini.yaml"


def test_two_files_with_one_id_and_neither_named_after_it_are_both_refused(
    mini_workspace: Path,
) -> None:
    first = copy_scenario(mini_workspace, "first.yaml", title="First", ident="twin")
    second = copy_scenario(mini_workspace, "second.yaml", title="Second", ident="twin")
    code, out = validate(mini_workspace)
    assert code == 1
    assert "first.yaml:1:1: id: id 'twin' is also used by" in out
    assert "second.yaml:1:1: id: id 'twin' is also used by" in out
    assert f"{second}:1" in out and f"{first}:1" in out
    # Neither silently wins: asking for it names both files and how to settle it.
    catalog = catalog_of(mini_workspace)
    with pytest.raises(UnknownScenario) as raised:
        catalog.scenario("twin")
    message = str(raised.value)
    assert "first.yaml:1:1" in message and "second.yaml:1:1" in message
    assert "twin.yaml" in message  # naming one after the id keeps that one


def test_a_scenario_whose_rubric_file_is_broken_names_that_file(mini_workspace: Path) -> None:
    rubric = mini_workspace / "rubrics" / "mini.yaml"
    rubric.write_text(rubric.read_text().replace("pass_threshold: 3.0", "pass_threshold: high"))
    code, out = validate(mini_workspace)
    assert code == 1
    assert "unknown rubric" not in out
    assert "add rubrics/mini.yaml" not in out
    (line,) = [line for line in out.splitlines() if "scenarios/mini.yaml" in line]
    # File, line, field and what was expected, of the rubric file that has the problem.
    assert "rubric 'mini' cannot be used:" in line
    assert "rubrics/mini.yaml:5: pass_threshold: expected a number, got 'high'" in line
    # A command that takes the rubric by id (--rubric mini) is told the same.
    with pytest.raises(UnknownRubric) as raised:
        catalog_of(mini_workspace).rubric("mini")
    assert "rubrics/mini.yaml:5: pass_threshold: expected a number" in raised.value.message
    assert "roleplay validate" in raised.value.hint
