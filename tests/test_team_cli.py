"""The team commands through the CLI runner: reindex, review, export, report, purge."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from roleplay.config import Settings
from tests.cli_helpers import invoke
from tests.helpers import play

LINES = ["How does a typical morning look for your dispatch team?", "Can I call you Tuesday?"]


@pytest.fixture
def recorded(workspace: Path) -> list[str]:
    """Three scored sessions by two reps of two teams, a day apart, in January 2026."""
    clock = ManualClock()
    ids = []
    for rep, team in (("ana", "north"), ("ben", "south"), ("ana", "north")):
        from roleplay.composition import build

        s = build(workspace, settings=Settings(rep=rep, team=team), clock=clock)
        call = s.practice.begin("discovery-spin", s.profile())
        play(call, LINES if rep == "ana" else LINES[:1], clock)
        s.practice.finish(call)
        ids.append(call.record.id)
        clock.advance(86400)
    return ids


def test_review_list_filters(workspace: Path, recorded: list[str]) -> None:
    result = invoke(workspace, "review", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == recorded[::-1]
    assert {r["team"] for r in rows} == {"north", "south"}  # sessions carry the rep's team
    ana = json.loads(invoke(workspace, "review", "list", "--rep", "ana", "--json").output)
    assert [r["id"] for r in ana] == [recorded[2], recorded[0]]
    south = invoke(workspace, "review", "list", "--team", "south")
    assert recorded[1] in south.output and recorded[0] not in south.output
    since = json.loads(
        invoke(workspace, "review", "list", "--since", "2026-01-06", "--json").output
    )
    assert [r["id"] for r in since] == [recorded[2], recorded[1]]
    skill = json.loads(
        invoke(workspace, "review", "list", "--skill", "discovery-questions", "--json").output
    )
    assert len(skill) == 3
    bad = invoke(workspace, "review", "list", "--since", "last tuesday")
    assert bad.exit_code == 2 and "neither an age (like 30d" in bad.output


def test_comment_override_done_and_show(workspace: Path, recorded: list[str]) -> None:
    sid = recorded[0]
    assert invoke(workspace, "review", "comment", sid, "Nice opener", "--turn", "1").exit_code == 0
    result = invoke(
        workspace,
        "review",
        "override",
        sid,
        "open-questions",
        "4",
        "--reason",
        "both open",
        "--author",
        "tina",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["indexed"] is True
    assert invoke(workspace, "review", "done", sid).output.strip() == "Marked reviewed."
    shown = invoke(workspace, "review", "show", sid)
    assert shown.exit_code == 0
    assert "reviewer 4/5 (tina: both open)" in shown.output and "# tester" not in shown.output
    assert "Nice opener" in shown.output and "Reviewed by" in shown.output
    listed = invoke(workspace, "review", "list", "--rep", "ana").output
    assert "reviewed, 1 comment(s), 1 override(s)" in listed
    unreviewed = json.loads(invoke(workspace, "review", "list", "--unreviewed", "--json").output)
    assert sid not in [r["id"] for r in unreviewed]
    wrong = invoke(workspace, "review", "comment", sid, "x", "--turn", "42")
    assert wrong.exit_code == 2 and "turn 42 is not one of them" in wrong.output


def test_play_prints_the_file_when_it_cannot_play(workspace: Path, recorded: list[str]) -> None:
    sid = recorded[0]
    (workspace / "recordings" / sid / "turn-0001.wav").write_bytes(b"not really a wav")
    result = invoke(workspace, "review", "play", sid, "1", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["path"].endswith(f"{sid}/turn-0001.wav") and doc["played"] is False
    none = invoke(workspace, "review", "play", sid, "2")
    assert none.exit_code == 2 and "has no audio file" in none.output


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_export_formats(workspace: Path, recorded: list[str], fmt: str, tmp_path: Path) -> None:
    sid = recorded[0]
    invoke(workspace, "review", "comment", sid, "Pinned <b>comment</b>", "--turn", "1")
    out = tmp_path / f"s.{fmt}"
    result = invoke(workspace, "export", sid[:15], "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600
    text = out.read_text()
    assert "How does a typical morning look for your dispatch team" in text
    if fmt == "json":
        doc = json.loads(text)
        assert doc["session"]["id"] == sid and doc["review"]["comments"][0]["turn"] == 1
    elif fmt == "html":
        assert "Pinned &lt;b&gt;comment&lt;/b&gt;" in text and "<b>comment" not in text
        assert "<mark" in text and "<svg" in text
    else:
        assert "Pinned \\<b\\>comment\\</b\\>" in text and "## Scorecard" in text


def test_report_csv_html_json(workspace: Path, recorded: list[str]) -> None:
    result = invoke(workspace, "report", "--since", "2026-01-01", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["session"] for r in rows} == set(recorded)
    assert {r["team"] for r in rows} == {"north", "south"}
    assert all(r["judge_level"] for r in rows)
    north = invoke(workspace, "report", "--since", "2026-01-01", "--team", "north", "-f", "json")
    assert {r["rep"] for r in json.loads(north.output)["rows"]} == {"ana"}
    html = invoke(workspace, "report", "--since", "2026-01-01").output
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 4
    assert "Overall score by rep" in html and "ana: level by skill" in html
    # A team no session carries is said with the teams there are (outside8), as an unknown
    # --rep is, rather than written as an empty report that reads as "nobody practised".
    unknown = invoke(workspace, "report", "--since", "2026-01-01", "--team", "nobody")
    assert unknown.exit_code == 2
    assert "no team 'nobody' in the index" in unknown.output
    assert "known: north, south." in unknown.output
    later = invoke(workspace, "report", "--since", "2099-01-01", "--team", "north").output
    assert "No scored sessions in this period for team north" in later


def test_csv_cells_cannot_become_spreadsheet_formulas(workspace: Path) -> None:
    clock = ManualClock()
    from roleplay.composition import build

    s = build(workspace, settings=Settings(rep="=HYPERLINK(1)"), clock=clock)
    call = s.practice.begin("discovery-spin", s.profile())
    play(call, LINES, clock)
    s.practice.finish(call)
    out = invoke(workspace, "report", "--since", "2026-01-01", "-f", "csv").output
    assert "'=HYPERLINK(1)" in out


def test_purge_shows_what_goes_and_asks(workspace: Path, recorded: list[str]) -> None:
    for sid in recorded:
        (workspace / "recordings" / sid / "turn-0001.wav").write_bytes(b"RIFF" + bytes(2000))
    declined = invoke(workspace, "purge", "--older-than", "30d", "--audio-only", input="n\n")
    assert declined.exit_code == 1
    assert "Will delete the audio of 3 session(s)" in declined.output and "nothing deleted" in (
        declined.output
    )
    assert (workspace / "recordings" / recorded[0] / "turn-0001.wav").exists()
    done = invoke(workspace, "purge", "--older-than", "30d", "--yes", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["purged"] == 3
    assert not (workspace / "recordings" / recorded[0] / "turn-0001.wav").exists()
    again = invoke(workspace, "purge", "--older-than", "30d", "--yes")
    assert "Nothing to delete" in again.output
    bad = invoke(workspace, "purge", "--older-than", "ninety days")
    assert bad.exit_code == 2 and "like 90d" in bad.output


def test_reindex_reports_progress_and_skips_broken_files(
    workspace: Path, recorded: list[str]
) -> None:
    (workspace / "recordings" / recorded[1] / "review.json").write_text("{not json")
    result = invoke(workspace, "reindex")
    assert result.exit_code == 1
    assert "Indexed 2 folder(s)" in result.output
    assert f"{recorded[1]}/review.json: cannot be read" in result.output
    (workspace / "recordings" / recorded[1] / "review.json").unlink()
    ok = invoke(workspace, "reindex", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["indexed"] == 3


def test_rep_and_team_from_the_environment_reach_the_session_and_the_index(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roleplay.composition import build

    monkeypatch.setenv("ROLEPLAY_REP", "dana")
    monkeypatch.setenv("ROLEPLAY_TEAM", "east")
    clock = ManualClock()
    s = build(workspace, clock=clock)
    call = s.practice.begin("discovery-spin", s.profile())
    play(call, LINES, clock)
    s.practice.finish(call)
    doc = json.loads((workspace / "recordings" / call.record.id / "session.json").read_text())
    assert (doc["rep"], doc["team"]) == ("dana", "east")
    rows = json.loads(invoke(workspace, "review", "list", "--team", "east", "--json").output)
    assert [(r["id"], r["rep"]) for r in rows] == [(call.record.id, "dana")]


def test_reviewers_levels_feed_calibrate(workspace: Path, recorded: list[str]) -> None:
    for sid, level in ((recorded[0], 3), (recorded[2], 4), (recorded[1], 1)):
        result = invoke(
            workspace, "review", "override", sid, "open-questions", str(level), "--reason", "r"
        )
        assert result.exit_code == 0, result.output
    out = invoke(workspace, "calibrate", "discovery", "--json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    [row] = [c for c in doc["criteria"] if c["criterion"] == "open-questions"]
    assert row["pairs"] == 3 and doc["skipped"] == 0
