"""The trainer's commands tried from outside: a workspace whose folders are not folders,
`new` onto links, folders and ids that are taken, drills that set no time limit."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile import cli, one_clear_line


@pytest.fixture
def ws(mini_workspace: Path) -> Path:
    return mini_workspace


def _a_file(folder: Path) -> None:
    folder.write_text("")


def _a_loop(folder: Path) -> None:
    folder.symlink_to(folder.name)


def _gone(folder: Path) -> None:
    pass


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_a_file, "scenarios: (folder): is not a folder"),
        (_a_loop, "scenarios: (folder): is not a folder"),
        (_gone, "scenarios: (folder): no such folder (`roleplay new scenario NAME` makes it"),
    ],
    ids=["a file", "a link to itself", "missing"],
)
def test_a_scenarios_folder_that_is_not_one_is_said_so(
    ws: Path, make: Callable[[Path], None], says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file named scenarios was checked as YAML ("the file is empty"); a missing folder and
    a link loop made `scenarios` print nothing at all and exit 0."""
    monkeypatch.chdir(ws)
    shutil.rmtree(ws / "scenarios")
    make(ws / "scenarios")
    result = cli(ws, "validate")
    assert result.exit_code == 1, result.output
    assert says in result.stdout
    assert "the file is empty" not in result.stdout
    listed = cli(ws, "scenarios")
    assert says in listed.stdout
    assert "No scenarios in " in listed.stdout and "roleplay new scenario NAME" in listed.stdout


def test_an_empty_scenarios_folder_says_how_to_write_one(ws: Path) -> None:
    for f in (ws / "scenarios").iterdir():
        f.unlink()
    listed = cli(ws, "scenarios")
    assert listed.exit_code == 0
    assert "No scenarios in " in listed.stdout


def test_new_into_a_scenarios_file_is_one_clear_line(ws: Path) -> None:
    shutil.rmtree(ws / "scenarios")
    (ws / "scenarios").write_text("")
    result = cli(ws, "new", "scenario", "renewal")
    one_clear_line(result, "cannot write", "is not a folder")


def test_new_with_force_never_writes_through_a_link(ws: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (ws / "scenarios" / "renewal.yaml").symlink_to(victim)
    result = cli(ws, "new", "scenario", "renewal", "--force")
    one_clear_line(result, "renewal.yaml is a link or a folder")
    assert victim.read_text() == "keep me"


def test_new_onto_a_folder_is_one_clear_line(ws: Path) -> None:
    (ws / "rubrics" / "closing.yaml").mkdir()
    one_clear_line(cli(ws, "new", "rubric", "closing", "--force"), "is a link or a folder")


def test_new_with_an_id_another_file_has_is_refused(ws: Path) -> None:
    """A new mini.yaml beside other.yaml (id: mini) broke one of the two."""
    (ws / "scenarios" / "mini.yaml").rename(ws / "scenarios" / "other.yaml")
    result = cli(ws, "new", "scenario", "Mini")
    one_clear_line(result, "the id 'mini' is already used by", "other.yaml")
    assert not (ws / "scenarios" / "mini.yaml").exists()
    assert cli(ws, "validate").exit_code == 0


def test_a_drill_with_no_time_limit_is_told_to_set_one(ws: Path) -> None:
    """The default drill length equals this 3-minute call; the message said "got 180s" about
    a value the trainer never wrote."""
    path = ws / "scenarios" / "mini.yaml"
    path.write_text(
        path.read_text()
        + "drills:\n  - id: quick\n    title: Quick\n    skills: [next-steps]\n"
        + "    brief: Close it.\n    start: {objection: timing}\n"
    )
    result = cli(ws, "validate")
    assert result.exit_code == 1
    assert "drills[0].time_limit: a drill must be shorter than the whole call (180s), and " in (
        result.stdout
    )
    assert "with no time_limit it gets the default 180s" in result.stdout
    assert "add a time_limit shorter than the call to this drill" in result.stdout
    assert "got 180s" not in result.stdout


def test_doctor_names_a_broken_scenario_file_and_an_empty_workspace(ws: Path) -> None:
    """A scenario file that cannot be used passed `doctor` without a word."""
    fine = cli(ws, "doctor")
    assert "[ok  ] scenarios: 1 scenario(s) and 1 rubric(s) load" in fine.stdout, fine.stdout
    (ws / "scenarios" / "draft.yaml").write_text("id: draft\ntitle: [\n")
    broken = cli(ws, "doctor")
    assert broken.exit_code == 1
    assert (
        "[FAIL] scenarios: 1 scenario(s) and 1 rubric(s) load; 1 file(s) cannot be used: "
        "draft.yaml -> `roleplay validate` lists every problem"
    ) in broken.stdout
    for f in (ws / "scenarios").iterdir():
        f.unlink()
    empty = cli(ws, "doctor")
    assert "[FAIL] scenarios: no scenarios in " in empty.stdout
