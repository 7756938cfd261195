"""A workspace that is a file (`roleplay -w notes.txt sessions`, a typo in
ROLEPLAY_WORKSPACE) ended `sessions`, `today`, `progress`, `reindex` and `doctor` in a
traceback (NotADirectoryError on recordings/.index/origin); it is one `error:` line (exit 2) that
says what to check."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", [["sessions"], ["today"], ["reindex"]])
def test_a_workspace_that_is_a_file_is_one_error_line(tmp_path: Path, command: list[str]) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("my notes\n")
    result = runner.invoke(app, ["--workspace", str(not_a_folder), *command])
    assert result.exit_code == 2, result.output  # as every disk trouble ends
    assert not isinstance(result.exception, OSError), result.exception
    assert "a file stands where a folder belongs" in result.output
    assert not_a_folder.read_text() == "my notes\n"
