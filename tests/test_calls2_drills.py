"""`roleplay call-drills ID --make` never overwrites nor deletes a drill file it did not just
create: a trainer's edits survive a second --make, --force keeps the old file as .bak, and a
drill that fails validation takes away only the file this run wrote."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from roleplay.services import call_drills
from roleplay.services.catalog import Catalog, load_catalog
from tests.drill_calls import EDITED, as_kari, edited_drill, invoke, made_files, saved_call


@pytest.fixture(autouse=True)
def rep(monkeypatch: pytest.MonkeyPatch) -> None:
    as_kari(monkeypatch)


def test_a_second_make_refuses_and_leaves_the_trainers_edited_file_alone(
    mini_workspace: Path, tmp_path: Path
) -> None:
    sid, path, edited = edited_drill(mini_workspace, tmp_path)
    again = invoke(mini_workspace, "call-drills", sid, "--make")
    assert again.exit_code != 0
    assert str(path) in again.output and "--force" in again.output
    assert path.read_text() == edited  # not a byte lost
    assert not path.with_name(path.name + ".bak").exists()


def test_listing_a_call_whose_drills_exist_says_so_instead_of_offering_make(
    mini_workspace: Path, tmp_path: Path
) -> None:
    # `call-drills ID` after its drills were made still said "Make drills from them: ...
    # --make", and that --make was then refused naming the files.
    sid, path, _edited = edited_drill(mini_workspace, tmp_path)
    listed = invoke(mini_workspace, "call-drills", sid)
    assert listed.exit_code == 0, listed.output
    assert "Drills from this call are there already" in listed.output
    assert str(path) in listed.output
    assert f"roleplay call-drills {sid} --make --force" in listed.output
    assert "Make drills from them" not in listed.output


def test_force_replaces_atomically_and_keeps_the_old_file_as_bak(
    mini_workspace: Path, tmp_path: Path
) -> None:
    sid, path, edited = edited_drill(mini_workspace, tmp_path)
    forced = invoke(mini_workspace, "call-drills", sid, "--make", "--force")
    assert forced.exit_code == 0, forced.output
    assert path.with_name(path.name + ".bak").read_text() == edited
    assert f"the file that was there is kept as {path}.bak" in forced.stdout
    assert EDITED not in path.read_text()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert invoke(mini_workspace, "validate").exit_code == 0  # the .bak is not a scenario


def test_a_new_drill_file_is_readable_like_a_hand_written_scenario(
    mini_workspace: Path, tmp_path: Path
) -> None:
    sid = saved_call(mini_workspace, tmp_path)
    path = made_files(mini_workspace, sid)[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def _never_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    def without_drills(scenario_dirs: list[Path], rubric_dirs: list[Path]) -> Catalog:
        check = load_catalog(scenario_dirs, rubric_dirs)
        for sid in [s for s in check.scenarios if s.startswith("from-call-")]:
            del check.scenarios[sid]
        return check

    monkeypatch.setattr(call_drills, "load_catalog", without_drills)


def test_a_forced_drill_that_fails_validation_puts_the_trainers_file_back(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid, path, edited = edited_drill(mini_workspace, tmp_path)
    _never_valid(monkeypatch)
    result = invoke(mini_workspace, "call-drills", sid, "--make", "--force")
    assert result.exit_code != 0
    assert "does not validate" in result.output
    assert path.read_text() == edited  # the old code deleted it


def test_a_new_drill_that_fails_validation_removes_only_the_file_it_created(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = saved_call(mini_workspace, tmp_path)
    scenarios = mini_workspace / "scenarios"
    before = sorted(p.name for p in scenarios.rglob("*"))
    _never_valid(monkeypatch)
    result = invoke(mini_workspace, "call-drills", sid, "--make")
    assert result.exit_code != 0 and "does not validate" in result.output
    assert sorted(p.name for p in scenarios.rglob("*")) == before


def test_a_second_force_keeps_the_first_copy_too(mini_workspace: Path, tmp_path: Path) -> None:
    sid, path, edited = edited_drill(mini_workspace, tmp_path)
    for _ in range(2):
        forced = invoke(mini_workspace, "call-drills", sid, "--make", "--force")
        assert forced.exit_code == 0, forced.output
    assert path.with_name(path.name + ".bak").read_text() == edited  # not written over
    assert EDITED not in path.with_name(path.name + ".bak2").read_text()


def test_without_hard_links_a_new_drill_is_still_written(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = saved_call(mini_workspace, tmp_path)

    def no_links(*_args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("roleplay.services.call_drills.os.link", no_links)
    path = made_files(mini_workspace, sid)[0]
    assert path.read_text().startswith("# A drill made from the real call")
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
