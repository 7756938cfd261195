"""A hostile trainer's files, as `roleplay validate` reports them (stop 32).

A rubric level renamed `5:` -> `6:` was reported only as "expected at most 5, got 6": nothing
said that level 5, which every criterion must describe, was now missing. An empty file was
reported at line 0, so an editor's problem list had no line to jump to. And
`roleplay -w /etc/passwd validate` said "/etc/passwd/scenarios: no such folder" and offered to
make it, when the mistake is the workspace itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roleplay.domain.loading import load_rubric, load_scenario
from roleplay.domain.problems import InvalidFile
from tests.hostile import cli, one_clear_line

REPO = Path(__file__).resolve().parents[1]
CLOSING = (REPO / "rubrics" / "closing.yaml").read_text(encoding="utf-8")


def _renamed_level(text: str, old: int, new: int) -> tuple[str, int]:
    """The rubric with its first `old:` level renamed `new:`, and the line it is on."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{old}:"))
    lines[at] = lines[at].replace(f"{old}:", f"{new}:", 1)
    return "\n".join(lines), at + 1


def test_a_level_renamed_past_five_also_says_which_level_is_now_missing() -> None:
    text, line = _renamed_level(CLOSING, 5, 6)
    with pytest.raises(InvalidFile) as caught:
        load_rubric(text, "rubrics/closing.yaml")
    shown = [str(p) for p in caught.value.problems]
    at_key = [p for p in caught.value.problems if p.path == "criteria[0].levels[6]"]
    assert len(at_key) == 1, shown
    problem = at_key[0]
    assert problem.line == line, shown  # where the `6:` is, for the editor
    assert "got 6" in problem.message and "level 5 is not described" in problem.message, shown
    assert problem.hint == "rename `6:` to `5:`", shown
    missing = [p for p in caught.value.problems if p.path == "criteria[0].levels"]
    assert len(missing) == 1 and "missing 5" in missing[0].message, shown


def test_an_extra_sixth_level_beside_all_five_is_told_to_go() -> None:
    text, _ = _renamed_level(CLOSING, 5, 5)  # unchanged; add a sixth level after level 5
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("5:"))
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at, f"{indent}6: Better than the best.")
    with pytest.raises(InvalidFile) as caught:
        load_rubric("\n".join(lines), "r.yaml")
    (problem,) = caught.value.problems
    assert problem.path == "criteria[0].levels[6]", problem
    assert problem.hint == "delete level 6: levels 1 to 5 are all described", problem


def test_a_level_zero_names_the_free_level_nearest_to_it() -> None:
    text, _ = _renamed_level(CLOSING, 1, 0)
    with pytest.raises(InvalidFile) as caught:
        load_rubric(text, "r.yaml")
    hints = [p.hint for p in caught.value.problems if p.path == "criteria[0].levels[0]"]
    assert hints == ["rename `0:` to `1:`"], caught.value.problems


@pytest.mark.parametrize("text", ["", "\n\n", "# to do\n"], ids=["empty", "blank", "comment"])
@pytest.mark.parametrize("load", [load_scenario, load_rubric], ids=["scenario", "rubric"])
def test_an_empty_file_is_reported_on_line_one(text: str, load: object) -> None:
    with pytest.raises(InvalidFile) as caught:
        load(text, "scenarios/new.yaml")  # type: ignore[operator]
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1), problem
    assert str(problem).startswith("scenarios/new.yaml:1:1: "), str(problem)


def test_validate_points_an_editor_at_line_one_of_an_empty_file(mini_workspace: Path) -> None:
    (mini_workspace / "scenarios" / "new.yaml").write_text("")
    (mini_workspace / "rubrics" / "new.yaml").write_text("\n")
    result = cli(mini_workspace, "validate", "--json")
    assert result.exit_code == 1, result.output
    found = json.loads(result.stdout)["problems"]
    assert {p["file"].rsplit("/", 2)[-2] for p in found} == {"scenarios", "rubrics"}, found
    assert all((p["line"], p["column"]) == (1, 1) for p in found), found


def test_a_workspace_that_is_a_file_is_named_as_the_mistake(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n")
    result = cli(passwd, "validate")
    assert result.exit_code == 1, result.output
    assert "the workspace is a file, not a folder" in result.stdout, result.stdout
    assert "--workspace" in result.stdout, result.stdout  # what to do
    assert "no such folder" not in result.stdout, result.stdout
    assert "new scenario NAME` makes it" not in result.stdout, result.stdout


def test_listing_scenarios_of_a_file_workspace_says_so(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("x\n")
    result = cli(passwd, "scenarios")
    assert "the workspace is a file, not a folder" in result.stdout, result.stdout
    assert "write one with" not in result.stdout, result.stdout


def test_new_scenario_in_a_file_workspace_names_the_workspace(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("x\n")
    result = cli(passwd, "new", "scenario", "first-call")
    one_clear_line(result, "the workspace is a file, not a folder", "--workspace")


def test_a_new_rubric_then_a_new_scenario_validate_together(tmp_path: Path) -> None:
    """A trainer's first hour: `new rubric renewal`, `new scenario renewal-call`, `validate`.
    The scenario template named rubric 'discovery', so the pair failed at once ("unknown
    rubric 'discovery'")."""
    ws = tmp_path / "repo"
    (ws / "scenarios").mkdir(parents=True)
    assert cli(ws, "new", "rubric", "renewal").exit_code == 0
    made = cli(ws, "new", "scenario", "renewal-call")
    assert made.exit_code == 0, made.output
    assert "Its rubric is 'renewal'" in made.stdout, made.stdout
    result = cli(ws, "validate")
    assert result.exit_code == 0, result.output
    assert "All good: 1 scenario(s), 1 rubric(s) checked." in result.stdout


def test_a_new_scenario_without_a_fitting_rubric_says_what_to_set(tmp_path: Path) -> None:
    ws = tmp_path / "repo"
    (ws / "scenarios").mkdir(parents=True)
    made = cli(ws, "new", "scenario", "first-call")
    assert made.exit_code == 0, made.output
    assert "roleplay new rubric discovery" in made.stdout, made.stdout
    assert "rubric: discovery " in (ws / "scenarios" / "first-call.yaml").read_text()


def test_a_level_written_as_a_word_says_which_level_to_rename_it_to() -> None:
    """`one:` for `1:` was only "expected a whole number, got 'one'": not that level 1 was now
    undescribed, nor what to write instead."""
    text, line = _renamed_level(CLOSING, 1, 0)
    text = text.replace("      0:", "      one:", 1)
    text5, _ = _renamed_level(text, 5, 0)
    text5 = text5.replace("      0:", "      best:", 1)
    with pytest.raises(InvalidFile) as caught:
        load_rubric(text5, "r.yaml")
    found = {p.path: p for p in caught.value.problems}
    one, best = found["criteria[0].levels.one"], found["criteria[0].levels.best"]
    assert one.line == line, one
    assert "level 1 is not described" in one.message and one.hint == "rename `one:` to `1:`"
    assert "level 5 is not described" in best.message and best.hint == "rename `best:` to `5:`"


def test_the_scenario_template_carries_conversation_tests_that_pass(tmp_path: Path) -> None:
    """`roleplay test` on a trainer's first scenario said "no scenario here has tests": the
    template now shows the `tests:` block, and its tests pass on the scripted customer."""
    ws = tmp_path / "repo"
    (ws / "scenarios").mkdir(parents=True)
    assert cli(ws, "new", "rubric", "renewal").exit_code == 0
    assert cli(ws, "new", "scenario", "renewal-call").exit_code == 0
    result = cli(ws, "test", "renewal-call")
    assert result.exit_code == 0, result.output
    assert "2/2 tests at or above" in result.stdout, result.stdout
