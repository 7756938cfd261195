"""A trainer scoring a real call, as an outsider would: the call as roleplay shows, exports and
reports it afterwards. Real calls are work, not practice: they are named as such wherever a
session is shown, and never drawn into the practice trends."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from roleplay.adapters.html_templates import JinjaTemplates
from roleplay.domain.call import OUTSIDE_CALL
from roleplay.domain.history import ScoredSession
from roleplay.domain.trends import Series
from roleplay.services.report import TeamReport, html_text
from roleplay.services.report_team import summary_text
from tests.drill_calls import invoke, saved_call
from tests.spoken import words

# A real call, as `transcribe --speakers` writes it: Kari asks her questions after a statement,
# in the same turn, so the judge's quotes sit in the middle of her lines.
CALL = """\
call.wav (24.0 s, en)
  [00:00.0 - 00:05.0] Kari: Thanks for taking the call. How do you plan routes today?
  [00:05.4 - 00:09.0] Customer: By hand, every morning. It takes two hours.
  [00:09.5 - 00:15.0] Kari: Two hours every morning. What happens when a driver is ill?
  [00:15.4 - 00:19.0] Customer: Then we re-plan everything and deliveries are late.
  [00:19.3 - 00:24.0] Kari: That sounds costly. Shall I send an invite for Tuesday at ten?
"""


@pytest.fixture(autouse=True)
def _rep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_REP", "Kari")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")


def rep_lines(text: str) -> list[str]:
    return [line.split(": ", 1)[1] for line in text.splitlines() if "] Kari: " in line]


def test_the_markdown_export_keeps_the_words_of_a_turn_around_its_evidence(
    mini_workspace: Path, tmp_path: Path
) -> None:
    """Before: the spaces on either side of an evidence quote were dropped, so the exported
    transcript read "Thanks for taking the call.**How do you plan routes today**?"."""
    session = saved_call(mini_workspace, tmp_path, CALL)
    md = invoke(mini_workspace, "export", session, "--format", "md", "-o", "-")
    assert md.exit_code == 0, md.output
    turns = [
        line.split(":** ", 1)[1]
        for line in md.stdout.splitlines()
        if line.startswith("**[") and " Rep (turn " in line
    ]
    assert any("**" in t for t in turns), md.stdout  # some evidence is highlighted...
    assert [t.replace("**", "") for t in turns] == rep_lines(CALL)  # ...and no word moved
    assert "call. **How do you plan routes today**?" in md.stdout


class RecordedCharts:
    """Charts that keep what they were asked to draw (the test reads the lines)."""

    def __init__(self) -> None:
        self.trends: dict[str, list[Series]] = {}

    def levels(self, rows: Any, salt: str = "levels") -> str:
        return "<svg></svg>"

    def kpis(self, k: Any, turns: Any, salt: str = "kpis") -> str:
        return "<svg></svg>"

    def trend(self, series: Any, *, title: str, ylabel: str, salt: str, **_: Any) -> str:
        self.trends[title] = list(series)
        return "<svg></svg>"


def _scored(id_: str, rep: str, scenario: str, overall: float, level: int) -> ScoredSession:
    return ScoredSession(
        id=id_,
        rep=rep,
        team=None,
        scenario=scenario,
        started_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
        overall=overall,
        passed=overall >= 3,
        levels={"open-questions": ("discovery-questions", level)},
    )


def test_the_report_draws_practice_trends_from_practice_and_counts_real_calls_apart() -> None:
    """Before: a real call (4.5 here) was a point on the 'Overall score by rep' and 'Level by
    skill' practice trends and in Kari's own skill chart, and the page said '3 scored
    session(s) by 2 rep(s)' for two practice sessions of one rep and one real call of another."""
    report = TeamReport(
        since=datetime(2026, 11, 1, tzinfo=UTC),
        until=datetime(2026, 12, 1, tzinfo=UTC),
        team=None,
        rep=None,
        sessions=(
            _scored("p1", "root", "discovery-spin", 2.0, 2),
            _scored("p2", "root", "discovery-spin", 2.0, 2),
            _scored("c1", "Kari", OUTSIDE_CALL, 4.5, 5),
        ),
    )
    charts = RecordedCharts()
    page = html_text(report, charts, JinjaTemplates())
    drawn = {
        title: {p[1] for s in series for p in s.points} for title, series in charts.trends.items()
    }
    assert drawn["Overall score by rep"] == {2.0}
    assert drawn["Level by skill (mean of the judge's levels)"] == {2.0}
    assert not any(title.startswith("Kari:") for title in drawn)  # no practice to chart
    assert "2 practice session(s) by 1 rep(s), and 1 real call(s)" in page
    lines = summary_text(report.title, 2, 1, None, real_calls=1)
    assert "2 practice session(s) by 1 rep(s), and 1 real call(s)." in lines


def test_a_real_call_is_shown_and_exported_as_a_real_call_not_a_variation_of_a_scenario(
    mini_workspace: Path, tmp_path: Path
) -> None:
    """Before: `show` said "Scenario: call.txt (v1)" and "Variation: seed 0; " for a real call
    (it has no scenario and no variation), and the exports did not say it was a real call at
    all: a trainer reading one could not tell it from practice."""
    session = saved_call(mini_workspace, tmp_path, CALL)
    shown = invoke(mini_workspace, "show", session)
    assert shown.exit_code == 0, shown.output
    assert "Variation: seed" not in shown.stdout and "(v1)" not in shown.stdout
    assert "Real call: call.txt · rep: Kari" in shown.stdout
    assert "A real call, scored from call.txt" in shown.stdout
    md = invoke(mini_workspace, "export", session, "--format", "md", "-o", "-").stdout
    assert "- Kind: a real call, scored from call.txt" in md
    html = invoke(mini_workspace, "export", session, "--format", "html", "-o", "-").stdout
    assert re.search(r'id="real-call">A real call, scored from call\.txt', html)


@pytest.mark.parametrize(
    "name",
    [
        "Kari Anne Berg Olsen Nordmann",
        "-Kari",
        "1st-line Kari",
        "Kari: sales",
        "customer",
        "Jørgen Ås",
        "Kari (over Bob)",
        "[Kari] Berg",
    ],
)
def test_what_transcribe_speakers_writes_for_a_rep_scores_as_that_rep(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Before: `transcribe --speakers --rep NAME` wrote lines that `score --transcript FILE
    --rep NAME` could not read back: a five-word name (a Norwegian full name) or one starting
    with a dash or a digit was refused as "no speaker names", and a rep called "customer" had
    the customer's lines scored as hers. Such names were then refused before transcribing;
    since stop 32 they are written quoted instead, so every name round-trips. (This test had
    a branch for a refusal that no name here meets any more: a refusal now fails it.)"""
    from roleplay.cli import calls
    from roleplay.domain.call import CallWords

    said = words(
        ("Thanks for calling, how can I help", 0.0, 3.0, "left"),
        ("Hi, I am calling about the routes", 3.6, 5.6, "right"),
        ("How do you plan them today?", 6.5, 8.0, "left"),
    )
    fake = CallWords(
        kind="stereo", labels=("left", "right"), words=tuple(said), duration=8.0, language="en"
    )
    monkeypatch.setattr(calls, "read_call", lambda *a, **k: fake)
    audio = tmp_path / "call.wav"
    audio.write_bytes(b"RIFF")
    written = invoke(
        mini_workspace,
        "transcribe",
        "--speakers",
        "--rep-channel",
        "left",
        f"--rep={name}",
        str(audio),
    )
    assert written.exit_code == 0, written.output
    text = tmp_path / "call.txt"
    text.write_text(written.stdout, encoding="utf-8")
    scored = invoke(
        mini_workspace, "score", "--transcript", str(text), "--rubric", "mini", f"--rep={name}",
        "--judge", "offline", "--save", "--no-make-drills", "--json",
    )  # fmt: skip
    assert scored.exit_code == 0, scored.output
    session = json.loads(scored.stdout)["session"]
    turns = (mini_workspace / "recordings" / session / "transcript.jsonl").read_text()
    roles = [json.loads(line)["speaker"] for line in turns.splitlines()]
    assert roles == ["rep", "customer", "rep"]


def test_saving_a_call_whose_session_name_is_taken_is_one_error_line_and_keeps_the_other(
    mini_workspace: Path, tmp_path: Path
) -> None:
    """Before: the same call saved twice within one second (a script scoring a folder of
    calls, two terminals) got the same session name, and the second `score --save` ended in a
    FileExistsError traceback. The name is the second and the file's digest, so the test
    takes every name of the next two minutes first."""
    import hashlib
    from datetime import timedelta

    call = tmp_path / "call.txt"
    call.write_text(CALL, encoding="utf-8")
    digest = hashlib.sha256(call.read_bytes()).hexdigest()[:6]
    now = datetime.now(UTC)
    taken = []
    for s in range(120):
        folder = (
            mini_workspace
            / "recordings"
            / f"{now + timedelta(seconds=s):%Y%m%d-%H%M%S}-call-{digest}"
        )
        folder.mkdir()
        (folder / "kept.txt").write_text("an earlier save")
        taken.append(folder)
    result = invoke(
        mini_workspace, "score", "--transcript", str(call), "--rubric", "mini", "--rep", "Kari",
        "--judge", "offline", "--save", "--no-make-drills",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [line] = result.stderr.splitlines()[-1:]
    assert line.startswith("error: a session named ") and "nothing was written over it" in line
    for folder in taken:
        assert sorted(p.name for p in folder.iterdir()) == ["kept.txt"]
