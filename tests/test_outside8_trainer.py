"""A scenario or rubric id long enough to break file names is a validation problem.

A scenario with a 240-letter id passed `roleplay validate` ("All good"), and its first call
could not be saved: `practice ID --text` printed the brief, then "error: '2026...zzz' is not a
session id" (its session folder's name was over 255 bytes), with nothing saved. `roleplay new
scenario` given a 300-letter name was a traceback (OSError: File name too long). An id now has
at most 120 characters (room for drills made from real calls), said by `validate` with the
file, line and why, and by `new` before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from roleplay.cli import app
from tests.app_helpers import make_workspace
from tests.hostile import one_clear_line

runner = CliRunner()


def test_a_scenario_id_too_long_to_name_its_sessions_is_a_validation_problem(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path)
    long_id = "z" * 240
    text = (ws / "scenarios" / "discovery-spin.yaml").read_text(encoding="utf-8")
    (ws / "scenarios" / f"{long_id}.yaml").write_text(
        text.replace("id: discovery-spin", f"id: {long_id}", 1), encoding="utf-8"
    )
    result = runner.invoke(app, ["-w", str(ws), "validate"])
    assert result.exit_code == 1, result.output
    problem = next(line for line in result.output.splitlines() if ": id: " in line)
    assert f"scenarios/{long_id}.yaml:" in problem, problem
    assert "id: expected at most 120 characters" in problem
    assert "the id names the file and every session of it" in problem
    # The other scenarios still load, and the long one cannot be started half-way.
    listed = runner.invoke(app, ["-w", str(ws), "scenarios"])
    assert "discovery-spin" in listed.output
    started = runner.invoke(
        app, ["-w", str(ws), "practice", long_id, "--text"], input="Hello\n/end\nskip\n"
    )
    assert started.exit_code != 0
    assert "is not a session id" not in started.output
    assert [p for p in (ws / "recordings").iterdir() if not p.name.startswith(".")] == []


def test_new_refuses_a_name_too_long_for_an_id(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    for kind in ("scenario", "rubric"):
        result = runner.invoke(app, ["-w", str(ws), "new", kind, "x" * 300])
        one_clear_line(result, "is 300 letters long", "an id has at most 120")
    made = runner.invoke(app, ["-w", str(ws), "new", "rubric", "r" * 120])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(
        app, ["-w", str(ws), "validate", str(ws / "rubrics" / f"{'r' * 120}.yaml")]
    )
    assert checked.exit_code == 0, checked.output
