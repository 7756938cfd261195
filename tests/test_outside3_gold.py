"""`calibrate --scenario X` when X's only gold call is broken said "no gold calls for
scenario(s): X" and nothing about the file a trainer was fixing: it is named with its line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from roleplay.cli import app

runner = CliRunner()


def test_a_broken_gold_call_is_named_when_it_was_the_only_one(mini_workspace: Path) -> None:
    folder = mini_workspace / "gold" / "mini"
    folder.mkdir(parents=True)
    (folder / "strong.yaml").write_text("kind: strong\nlevels: [\n")
    result = runner.invoke(
        app,
        [
            "--workspace",
            str(mini_workspace),
            "calibrate",
            "--scenario",
            "mini",
            "--judge",
            "offline",
        ],
    )
    assert result.exit_code != 0
    assert "no gold calls for scenario(s): mini" in result.output
    assert "strong.yaml:3:1: (syntax): not valid YAML" in result.output
