"""`roleplay new rubric|scenario` outside a workspace (stop 33).

Run in a folder without scenarios/, it wrote into the user-data workspace and only the path it
printed said so: a trainer who keeps rubrics in a git repo found nothing there. It now refuses
before writing and says what to do (run it in the workspace, or `-w DIR`; `-w .` starts one).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.places import data_dir
from tests.hostile import one_clear_line

runner = CliRunner()


@pytest.mark.parametrize("kind", ["rubric", "scenario"])
def test_new_outside_a_workspace_refuses_and_says_what_to_do(kind: str) -> None:
    result = runner.invoke(app, ["new", kind, "renewals"])
    line = one_clear_line(result, "not in a workspace", "has no scenarios/", "-w DIR", "-w .")
    assert f"roleplay -w DIR new {kind} renewals" in line, line
    after = sorted(p.name for p in (data_dir() / "workspace" / f"{kind}s").glob("*.yaml"))
    assert "renewals.yaml" not in after, after  # the bundled ones are seeded, as before
    assert not (Path.cwd() / f"{kind}s").exists()


def test_dash_w_dot_starts_a_workspace_here() -> None:
    made = runner.invoke(app, ["-w", ".", "new", "rubric", "renewals"])
    assert made.exit_code == 0, made.output
    assert (Path.cwd() / "rubrics" / "renewals.yaml").is_file()
    made = runner.invoke(app, ["-w", ".", "new", "scenario", "renewal-call"])
    assert made.exit_code == 0, made.output
    # Now the folder is a workspace: no -w needed.
    again = runner.invoke(app, ["new", "rubric", "closing-two"])
    assert again.exit_code == 0, again.output
    assert (Path.cwd() / "rubrics" / "closing-two.yaml").is_file()


def test_a_configured_workspace_is_still_written_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = tmp_path / "team-repo"
    (ws / "scenarios").mkdir(parents=True)
    monkeypatch.setenv("ROLEPLAY_WORKSPACE", str(ws))
    made = runner.invoke(app, ["new", "rubric", "renewals"])
    assert made.exit_code == 0, made.output
    assert (ws / "rubrics" / "renewals.yaml").is_file()
