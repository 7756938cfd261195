"""`roleplay score --transcript`: a real call keeps how long it lasted, a failed save leaves
no empty session behind, and a broken rubric file is named as broken, not as unknown."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from roleplay.adapters.file_store import FileSessionStore
from roleplay.cli import app, scoring
from roleplay.domain.session import Turn

runner = CliRunner()
CALL = """\
[00:00.0 - 00:03.0] Kari: Hi Dana, thanks for taking my call.
[00:03.4 - 00:07.0] Dana: Sure. We keep losing mornings re-planning routes by hand.
[01:07.5 - 01:15.0] Kari: What does a bad morning look like for your team?
[01:15.4 - 02:05.0] Dana: Three drivers waiting while we redo the routes.
"""


@pytest.fixture(autouse=True)
def rep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_REP", "Kari")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "Europe/Oslo")


def invoke(ws: Path, *args: str):
    return runner.invoke(app, ["--workspace", str(ws), *args])


def score(ws: Path, call: Path, *extra: str):
    return invoke(
        ws, "score", "--transcript", str(call), "--rubric", "mini", "--rep", "Kari",
        "--judge", "offline", "--save", "--no-make-drills", *extra,
    )  # fmt: skip


def saved(ws: Path) -> list[dict[str, Any]]:
    listed = invoke(ws, "sessions", "--json")
    assert listed.exit_code == 0, listed.output
    rows: list[dict[str, Any]] = json.loads(listed.stdout)
    return rows


def test_a_timed_transcript_keeps_how_long_the_call_lasted(
    mini_workspace: Path, tmp_path: Path
) -> None:
    call = tmp_path / "call.txt"
    call.write_text(CALL)
    result = score(mini_workspace, call)
    assert result.exit_code == 0, result.output
    [row] = saved(mini_workspace)
    assert row["duration"] == 125.0  # was 0
    assert "2:05" in invoke(mini_workspace, "sessions").stdout  # was 0:00
    record = json.loads(next((mini_workspace / "recordings").glob("*/session.json")).read_text())
    assert record["started_at"] < record["ended_at"]


def test_a_recording_keeps_its_duration(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = tmp_path / "call.wav"
    call.write_bytes(b"RIFF")

    def recorded(*_args: object) -> tuple[tuple[Turn, ...], dict[str, object]]:
        turns = (
            Turn(index=0, speaker="rep", text="How do you plan routes today?", start=0, end=4),
            Turn(index=1, speaker="customer", text="By hand, every morning.", start=5, end=9),
        )
        return turns, {"split": "stereo", "rep_side": "left", "duration": 754.2}

    monkeypatch.setattr(scoring, "_recorded_call", recorded)
    result = score(mini_workspace, call)
    assert result.exit_code == 0, result.output
    [row] = saved(mini_workspace)
    assert row["duration"] == pytest.approx(754.2)  # was 0
    assert "12:34" in invoke(mini_workspace, "sessions").stdout  # was 0:00


def test_a_failed_save_removes_the_half_written_session_and_says_so(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = tmp_path / "call.txt"
    call.write_text(CALL)
    other = tmp_path / "other.txt"
    other.write_text(CALL.replace("bad morning", "slow morning"))
    assert score(mini_workspace, other).exit_code == 0  # a session that must stay
    [kept] = saved(mini_workspace)

    def disk_full(self: FileSessionStore, session_id: str, scorecard: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(self.root / session_id))

    monkeypatch.setattr(FileSessionStore, "save_scorecard", disk_full)
    result = score(mini_workspace, call)
    assert result.exit_code != 0
    assert "The call was not saved" in result.output and "it was removed" in result.output
    assert "No space left on device" in result.output  # and why, as any disk error is told
    assert [r["id"] for r in saved(mini_workspace)] == [kept["id"]]  # no empty 0-turn call
    folders = [p.name for p in (mini_workspace / "recordings").iterdir() if p.is_dir()]
    assert kept["id"] in folders and len([f for f in folders if "-call-" in f]) == 1


def _break_rubric(ws: Path) -> None:
    rubric = ws / "rubrics" / "mini.yaml"
    rubric.write_text(rubric.read_text().replace("pass_threshold: 3.0", "pass_threshold: high"))


def test_score_names_the_broken_rubric_file_not_an_unknown_rubric(
    mini_workspace: Path, tmp_path: Path
) -> None:
    _break_rubric(mini_workspace)
    call = tmp_path / "call.txt"
    call.write_text(CALL)
    result = score(mini_workspace, call)
    assert result.exit_code != 0
    assert "unknown rubric" not in result.output
    assert "rubrics/mini.yaml:5: pass_threshold: expected a number" in result.output


def test_calibrate_names_the_broken_rubric_file_not_an_unknown_rubric(
    mini_workspace: Path,
) -> None:
    _break_rubric(mini_workspace)
    result = invoke(mini_workspace, "calibrate", "mini")
    assert result.exit_code != 0
    assert "unknown rubric" not in result.output
    assert "rubrics/mini.yaml:5: pass_threshold: expected a number" in result.output


def test_an_unknown_rubric_is_still_called_unknown(mini_workspace: Path, tmp_path: Path) -> None:
    call = tmp_path / "call.txt"
    call.write_text(CALL)
    result = invoke(
        mini_workspace, "score", "--transcript", str(call), "--rubric", "minii", "--rep", "Kari"
    )
    assert result.exit_code != 0 and "mini" in result.output and "minii" in result.output
