"""`roleplay today`, `progress`, `commit`, and the habit's part of `practice`, via the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli_helpers import invoke

PITCH = "We have a great route planner.\nIt is really good.\n/end\n"
ASK = (
    "How does a typical morning look for your dispatch team?\n"
    "What happens when the late orders come in?\n/end\n"
)


@pytest.fixture(autouse=True)
def rep_and_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_REP", "kari")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "Europe/Oslo")


def test_today_for_a_new_rep(workspace: Path) -> None:
    result = invoke(workspace, "today")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Today, ") and "Europe/Oslo · kari" in out
    assert "Streak: none yet" in out and "Daily goal: 0 of 3 drills" in out
    assert "new skill" in out and "$ roleplay practice " in out
    assert "Skills practised: 0 of 12." in out


def test_today_json_lists_the_queue_with_commands(workspace: Path) -> None:
    doc = json.loads(invoke(workspace, "today", "--json").output)
    assert doc["rep"] == "kari" and doc["timezone"] == "Europe/Oslo"
    assert doc["goal"] == {
        "drills": 3,
        "minutes": 0,
        "drills_done": 0,
        "minutes_done": 0,
        "met": False,
    }
    assert doc["streak"]["current"] == 0 and doc["skills"]["practised"] == 0
    item = doc["queue"][0]
    assert item["kind"] == "new" and item["command"].startswith("roleplay practice ")
    assert set(item) >= {"skill", "scenario", "drill", "seed", "variation", "minutes", "also"}


def test_practising_the_first_item_counts_toward_goal_and_streak(workspace: Path) -> None:
    item = json.loads(invoke(workspace, "today", "--json").output)["queue"][0]
    args = item["command"].split()[1:]  # roleplay practice SCENARIO [--drill D] --seed N
    done = invoke(workspace, *args, "--json", input="Hello, how is business?\n/end\n")
    assert done.exit_code == 0, done.output
    doc = json.loads(invoke(workspace, "today", "--json").output)
    assert doc["goal"]["drills_done"] == 1 and doc["streak"]["practised_today"] is True
    assert doc["skills"]["practised"] >= 1
    text = invoke(workspace, "today").output
    assert "Streak: 1 day, today included" in text and "1 of 3 drills" in text


def test_practice_json_includes_the_commitment_suggestion(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "practice", "mini", "--seed", "2", "--json", input=PITCH)
    assert result.exit_code == 0
    card = json.loads(result.stdout)
    suggestion = card["commitment_suggestion"]
    assert suggestion["text"] == "Ask two open questions before you pitch."
    assert suggestion["skill"] == "discovery-questions" and suggestion["level"] == 1
    assert suggestion["accept_with"].startswith("roleplay commit --suggested --session ")
    assert card["rubric"] == "mini"  # still the scorecard at the top level


def test_a_commitment_made_after_practice_shows_in_the_next_brief_and_is_judged(
    mini_workspace: Path,
) -> None:
    first = invoke(mini_workspace, "practice", "mini", "--seed", "2", input=PITCH + "\n")
    assert first.exit_code == 0, first.output
    assert "One thing to commit to for next time" in first.output
    assert "Committed: Ask two open questions before you pitch." in first.output

    second = invoke(mini_workspace, "practice", "mini", "--seed", "3", input=ASK + "skip\n")
    out = second.output
    brief, _, scorecard = out.partition("Scorecard")
    assert "Your commitment from last time (discovery questions): Ask two open" in brief
    assert "Your commitment \u201cAsk two open questions before you pitch.\u201d: Kept" in out
    assert "How does a typical morning look for your dispatch team?" in scorecard
    assert "No commitment this time." in out

    doc = json.loads(invoke(mini_workspace, "progress", "--json").output)
    assert doc["commitments"]["made"] == 1 and doc["commitments"]["kept"] == 1
    shown = invoke(mini_workspace, "show", "last").output
    assert "Kept" in shown  # the saved scorecard says so too


def test_a_hang_up_typed_once_too_often_is_not_saved_as_the_commitment(
    mini_workspace: Path,
) -> None:
    # The call had already ended when the rep typed /end again: that line reached the question
    # "Enter to commit, type your own version, or 'skip'" and was saved as "Committed: /end".
    done = invoke(mini_workspace, "practice", "mini", "--seed", "2", input=PITCH + "/end\n")
    assert done.exit_code == 0, done.output
    assert "One thing to commit to for next time" in done.output
    assert "Committed:" not in done.output
    assert "/end is a command of the call" in done.output
    doc = json.loads(invoke(mini_workspace, "today", "--json").output)
    assert doc["commitments"] == []


def test_commit_in_the_reps_own_words_from_the_command_line(mini_workspace: Path) -> None:
    invoke(mini_workspace, "practice", "mini", "--seed", "2", "--json", input=PITCH)
    result = invoke(mini_workspace, "commit", "Two open questions, then the planner")
    assert result.exit_code == 0, result.output
    assert "Committed: Two open questions, then the planner" in result.output
    doc = json.loads(invoke(mini_workspace, "today", "--json").output)
    [c] = doc["commitments"]
    assert c["text"] == "Two open questions, then the planner"
    assert c["suggested"] == "Ask two open questions before you pitch."


def test_commit_without_a_session_says_what_to_do(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "commit")
    assert result.exit_code == 2 and "no sessions yet" in result.output


def test_progress_text_plots_levels_and_the_json_has_the_series(mini_workspace: Path) -> None:
    for lines in (PITCH, ASK, PITCH):
        invoke(mini_workspace, "practice", "mini", "--seed", "1", input=lines + "skip\n")
    text = invoke(mini_workspace, "progress").output
    assert "3 sessions on 1 day" in text
    assert "discovery questions" in text and "▁" in text  # a sparkline, not a table
    assert "Open questions" in text and "(higher is better)" in text
    doc = json.loads(invoke(mini_workspace, "progress", "--json").output)
    [dq] = [s for s in doc["skills"] if s["skill"] == "discovery-questions"]
    assert [x["level"] for x in dq["levels"]] == [1, 3, 1]
    assert 0 <= dq["retrievability"] <= 1 and dq["due"]
    assert {k["key"] for k in doc["kpis"]} >= {"overall", "questions_open"}
    detail = invoke(mini_workspace, "progress", "--skill", "discovery-questions")
    assert "rubric level per session" in detail.output and "3 ┤" in detail.output


def test_progress_for_an_unknown_skill(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "progress", "--skill", "next-step")
    assert result.exit_code == 2 and "did you mean 'next-steps'" in result.output


def test_today_rebuild_and_a_bad_time_zone(mini_workspace: Path) -> None:
    invoke(mini_workspace, "practice", "mini", "--seed", "1", input=PITCH + "skip\n")
    assert invoke(mini_workspace, "today", "--rebuild").exit_code == 0
    os.environ["ROLEPLAY_TIMEZONE"] = "Europe/Olso"
    result = invoke(mini_workspace, "today")
    assert result.exit_code == 2  # one `error:` line, no traceback
    assert "unknown time zone 'Europe/Olso'; did you mean 'Europe/Oslo'?" in result.stderr
