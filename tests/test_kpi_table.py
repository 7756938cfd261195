"""One table of KPIs (domain/kpis.py): every row shows up in the rep's progress, the team
report (CSV, JSON, HTML) and the session export (Markdown, HTML, JSON), and a new row needs no
other change."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from roleplay.composition import Services, build
from roleplay.config import Settings
from roleplay.domain import kpis as table
from roleplay.domain.kpis import Kpi, Kpis
from roleplay.services.daily import progress
from tests.helpers import play

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LINES = ["How does a typical morning look for your dispatch team?", "Shall we meet Tuesday?"]
# A session that measured everything (typed calls leave the timed figures empty).
MEASURED = {
    "talk_ratio_words": 0.41,
    "talk_ratio_time": 0.38,
    "words_per_minute": 151.0,
    "fillers_per_minute": 1.5,
    "fillers_per_100_words": 1.2,
    "longest_monologue_seconds": 21.0,
    "avg_response_latency": 0.8,
    "interruptions": 2,
}
QUESTIONS = Kpi(
    "questions_asked",
    "Questions asked",
    "questions",
    "higher",
    "{:.0f}",
    read=lambda k: float(k.questions_open + k.questions_closed),
)


def scored_session(ws: Path) -> tuple[Services, str, Kpis]:
    clock = ManualClock(T)
    s = build(ws, settings=Settings(rep="tester", timezone="UTC"), clock=clock)
    call = s.practice.begin("mini", s.profile(), seed=1)
    play(call, LINES, clock)
    card = s.practice.finish(call)
    measured = card.kpis.model_copy(update=MEASURED)
    s.store.save_scorecard(call.record.id, card.model_copy(update={"kpis": measured}))
    clock.advance(60)
    return s, call.record.id, measured


def outputs(s: Services, session: str) -> dict[str, str]:
    """Every output that shows KPIs, as text."""
    p = progress(s.habit(), s.catalog())
    report = s.reports.build(since=T - timedelta(days=1))
    return {
        "progress": "\n".join(f"{k.key} {k.label}" for k in p.kpis),
        "report csv": s.reports.render(report, "csv"),
        "report json": s.reports.render(report, "json"),
        "report html": s.reports.render(report, "html"),
        "export md": s.reviews.export(session, "md"),
        "export html": s.reviews.export(session, "html"),
        "export json": s.reviews.export(session, "json"),
    }


def test_every_declared_kpi_shows_in_progress_reports_and_exports(mini_workspace: Path) -> None:
    s, session, measured = scored_session(mini_workspace)
    shown = outputs(s, session)
    p = {k.key: k for k in progress(s.habit(), s.catalog()).kpis}
    header = next(csv.reader(io.StringIO(shown["report csv"])))
    [row, *_] = json.loads(shown["report json"])["rows"]
    numbers = json.loads(shown["export json"])["numbers"]
    for kpi in table.tracked():
        value = kpi.value(measured)
        assert value is not None, kpi.key
        assert p[kpi.key].label == kpi.label and p[kpi.key].points[-1].value == value
        assert kpi.key in header and row[kpi.key] == value
        assert f"{kpi.label} by rep" in shown["report html"]
        assert f"- {kpi.label}: {kpi.text(value)}" in shown["export md"]
        assert f"<li>{kpi.label}: {kpi.text(value)}</li>" in shown["export html"]
        assert numbers[kpi.key] == value


def test_a_new_row_in_the_table_reaches_every_output(
    mini_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table, "KPIS", (*table.KPIS, QUESTIONS))
    s, session, measured = scored_session(mini_workspace)
    asked = measured.questions_open + measured.questions_closed
    assert asked > 0
    shown = outputs(s, session)
    assert f"questions_asked {QUESTIONS.label}" in shown["progress"]
    assert "questions_asked" in shown["report csv"].splitlines()[0]
    assert json.loads(shown["report json"])["rows"][0]["questions_asked"] == asked
    assert "Questions asked by rep" in shown["report html"]
    assert f"- Questions asked: {asked}" in shown["export md"]
    assert f"<li>Questions asked: {asked}</li>" in shown["export html"]
    assert json.loads(shown["export json"])["numbers"]["questions_asked"] == asked
