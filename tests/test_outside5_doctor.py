"""`roleplay -w FILE doctor` (stop 33): it stopped at "error: cannot use FILE/recordings/.index/
origin (Not a directory); a file stands where a folder belongs" and listed no check. The
workspace is now one failed check among the others, and the checks that do not need it (the
config, the LLM, audio, the speech model) still run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile import cli


def test_doctor_with_a_file_for_a_workspace_lists_its_checks(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0\n")
    result = cli(passwd, "doctor")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "error:" not in result.output, result.output
    lines = result.stdout.splitlines()
    assert f"[FAIL] workspace: {passwd}: the workspace is a file, not a folder -> give " in (
        "\n".join(lines)
    ), result.stdout
    names = [line.split("] ", 1)[1].split(":", 1)[0] for line in lines if line.startswith("[")]
    assert names[:2] == ["config", "workspace"], names
    assert {"llm", "audio", "speech model"} <= set(names), names
    assert "the scenarios and the team index are checked once the workspace is a folder" in (
        result.stdout
    )
    assert passwd.read_text() == "root:x:0:0\n"  # nothing written through the file


def test_doctor_json_with_a_file_for_a_workspace(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("x\n")
    result = cli(passwd, "doctor", "--json")
    assert result.exit_code == 1, result.output
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["workspace"]["status"] == "problem", checks
    assert "llm" in checks and "speech model" in checks, checks
