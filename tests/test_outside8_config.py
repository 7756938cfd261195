"""`workspace` in the config file: blank or relative was the folder roleplay started in.

`workspace = ""` (a value cleared in an editor) or `workspace = "practice"` was used silently
as the current folder, or a folder under it: started elsewhere, the rep's sessions were gone
from `roleplay sessions` ("No sessions yet"), `practice discovery-spin` said "unknown
scenario", and `roleplay new scenario` made a new workspace wherever the trainer stood. Now
the config file is refused with the file, the key and the full path to write.
ROLEPLAY_WORKSPACE and --workspace, given where they are used, may still be relative.
"""

from __future__ import annotations

from pathlib import Path

from roleplay.config import config_file
from tests.hostile import copy_workspace, roleplay_process


def _config(text: str) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(text, encoding="utf-8")


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_a_blank_workspace_in_the_config_file_is_refused(tmp_path: Path) -> None:
    _config('workspace = ""\n')
    done = roleplay_process("sessions")
    assert done.returncode == 2, (done.stdout, done.stderr)
    (line,) = _error_lines(done.stderr)
    assert f"{config_file()}: workspace: empty" in line, line
    assert "remove the line to use your own workspace" in line
    assert "Traceback" not in done.stderr
    assert "No sessions yet" not in done.stdout


def test_a_relative_workspace_in_the_config_file_names_the_full_path(tmp_path: Path) -> None:
    copy_workspace(tmp_path / "cwd" / "practice")
    _config('workspace = "practice"\n')
    done = roleplay_process("scenarios")
    assert done.returncode == 2, (done.stdout, done.stderr)
    (line,) = _error_lines(done.stderr)
    assert "workspace: 'practice' is a relative path" in line, line
    assert f"workspace = '{(tmp_path / 'cwd' / 'practice').resolve()}'" in line, line
    assert "discovery-spin" not in done.stdout  # nothing listed from the folder it stood in
    # The doctor lists it as the config's finding.
    doctor = roleplay_process("doctor")
    assert doctor.returncode == 1
    assert "[FAIL] config:" in doctor.stdout and "is a relative path" in doctor.stdout


def test_the_variable_may_be_relative_but_not_blank(tmp_path: Path) -> None:
    copy_workspace(tmp_path / "cwd" / "practice")
    listed = roleplay_process("scenarios", env={"ROLEPLAY_WORKSPACE": "practice"})
    assert listed.returncode == 0, listed.stderr
    assert "discovery-spin" in listed.stdout
    blank = roleplay_process("scenarios", env={"ROLEPLAY_WORKSPACE": "   "})
    assert blank.returncode == 2
    (line,) = _error_lines(blank.stderr)
    assert "ROLEPLAY_WORKSPACE (environment variable): workspace: empty" in line, line
    assert "unset ROLEPLAY_WORKSPACE" in line
