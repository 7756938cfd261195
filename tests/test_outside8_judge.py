"""The offline judge read "today" in a discovery question as a day for the next step.

A call of two open questions about how the customer works ("How do you plan maintenance across
the plants today?", "And what are you using right now to track the breakdowns?") and no step
at all was scored "Concrete next step 3/5: a day for the next step", with the two questions
quoted as its evidence and named the call's strength. "Today" and "now" in an open question
are the customer's present; a question that proposes something keeps its day.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from roleplay.cli import app
from tests.app_helpers import make_workspace

runner = CliRunner()

OPENING = "Kari: Hi Marcus, thanks for taking my call. I'm Kari from Plantwise.\nMarcus: Sure.\n"


def _score(tmp_path: Path, lines: str) -> dict[str, Any]:
    ws = make_workspace(tmp_path)
    call = tmp_path / "call.txt"
    call.write_text(OPENING + lines, encoding="utf-8")
    args = ["-w", str(ws), "score", "--transcript", str(call), "--rubric", "discovery"]
    result = runner.invoke(app, [*args, "--rep", "Kari", "--json"])
    assert result.exit_code == 0, result.output
    card: dict[str, Any] = json.loads(result.stdout)
    return card


def _criterion(card: dict[str, Any], criterion: str) -> dict[str, Any]:
    (found,) = [c for c in card["criteria"] if c["id"] == criterion]
    assert isinstance(found, dict)
    return found


def test_questions_about_how_things_are_today_are_no_next_step(tmp_path: Path) -> None:
    card = _score(
        tmp_path,
        "Kari: How do you plan maintenance across the plants today?\n"
        "Marcus: Paper work orders and an Excel sheet, mostly.\n"
        "Kari: And what are you using right now to track the breakdowns?\n"
        "Marcus: Nothing really, the guys just fix it.\n",
    )
    step = _criterion(card, "next-steps")
    assert step["level"] == 1, step["rationale"]
    assert "no time for the next step" in step["rationale"], step["rationale"]
    assert step["evidence"] == []  # neither question is quoted for a step
    assert "Concrete next step" not in card["strengths"]


def test_a_question_that_proposes_a_step_today_keeps_its_day(tmp_path: Path) -> None:
    for proposal in (
        "Could I send you a one-page summary today?",
        "What time suits you today for a second look?",
    ):
        card = _score(
            tmp_path / proposal[:5],
            "Kari: How do you plan maintenance across the plants today?\n"
            "Marcus: Paper work orders and an Excel sheet, mostly.\n"
            f"Kari: {proposal}\nMarcus: Yes, that works.\n",
        )
        step = _criterion(card, "next-steps")
        assert step["level"] == 4, (proposal, step["rationale"])
        assert "a day for the next step" in step["rationale"]
        assert [e["quote"] for e in step["evidence"]] == [proposal]
