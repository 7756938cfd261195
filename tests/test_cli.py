"""The command line through its runner, on temporary workspaces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roleplay.cli import app
from tests.cli_helpers import invoke, runner

GOOD = (
    "How does a typical morning look for your dispatch team?\n"
    "What budget have you set aside for that?\n"
    "Can I send you an invite for next week?\n"
)


def test_validate_clean_workspace_exits_0(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "validate")
    assert result.exit_code == 0, result.output
    assert "All good: 1 scenario(s), 1 rubric(s)" in result.output


def test_validate_one_file_counts_that_file_not_the_workspace(mini_workspace: Path) -> None:
    # `validate scenarios/x.yaml` said "All good: 2 scenario(s), 2 rubric(s)": the workspace's
    # totals (it loads them to check references), not what was checked.
    extra = mini_workspace / "scenarios" / "extra.yaml"
    extra.write_text(
        (mini_workspace / "scenarios" / "mini.yaml").read_text().replace("id: mini", "id: extra")
    )
    whole = invoke(mini_workspace, "validate")
    assert "All good: 2 scenario(s), 1 rubric(s)" in whole.output, whole.output
    one = invoke(mini_workspace, "validate", str(extra))
    assert one.exit_code == 0, one.output
    assert "All good: 1 scenario(s), 0 rubric(s) checked." in one.output
    folder = invoke(mini_workspace, "validate", str(mini_workspace / "rubrics"))
    assert "All good: 0 scenario(s), 1 rubric(s) checked." in folder.output


def test_validate_lists_every_problem_and_exits_1(mini_workspace: Path) -> None:
    s = mini_workspace / "scenarios" / "mini.yaml"
    s.write_text(
        s.read_text()
        .replace("rubric: mini", "rubric: minni")
        .replace("difficulty: 2", "difficulty: 6")
    )
    (mini_workspace / "rubrics" / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    result = invoke(mini_workspace, "validate")
    assert result.exit_code == 1
    out = result.output
    assert "mini.yaml:6:1: difficulty: expected at most 5, got 6" in out
    assert "broken.yaml:3:1: (syntax): not valid YAML" in out
    # The reference is checked in the same run as the shape (issue 17).
    assert "mini.yaml:8:1: rubric: unknown rubric 'minni' (did you mean 'mini'?)" in out
    assert "3 problem(s) in 2 file(s)" in out


def test_validate_json_and_paths(mini_workspace: Path) -> None:
    s = mini_workspace / "scenarios" / "mini.yaml"
    s.write_text(s.read_text().replace("rubric: mini", "rubric: minni"))
    result = invoke(mini_workspace, "validate", str(s), "--json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["ok"] is False
    [p] = doc["problems"]
    assert (p["line"], p["path"], p["hint"]) == (8, "rubric", "did you mean 'mini'?")


def test_schema_is_json_schema_with_descriptions() -> None:
    result = runner.invoke(app, ["schema", "scenario"])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["additionalProperties"] is False
    assert "persona" in doc["required"] and "variations" in doc["properties"]
    rubric = json.loads(runner.invoke(app, ["schema", "rubric"]).output)
    assert "criteria" in rubric["properties"]


def test_new_scenario_writes_a_template_that_validates(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "new", "scenario", "renewal-call")
    assert result.exit_code == 0, result.output
    path = mini_workspace / "scenarios" / "renewal-call.yaml"
    text = path.read_text()
    assert text.startswith("# A roleplay scenario") and "id: renewal-call" in text
    # The template names the `discovery` rubric; give the workspace one so it validates.
    (mini_workspace / "rubrics" / "discovery.yaml").write_text(
        (mini_workspace / "rubrics" / "mini.yaml").read_text().replace("id: mini", "id: discovery")
    )
    check = invoke(mini_workspace, "validate")
    assert check.exit_code == 0, check.output
    again = invoke(mini_workspace, "new", "scenario", "renewal-call")
    assert again.exit_code == 2 and "--force" in again.output


def test_new_rubric_template_validates(mini_workspace: Path) -> None:
    assert invoke(mini_workspace, "new", "rubric", "renewals").exit_code == 0
    assert invoke(mini_workspace, "validate").exit_code == 0


def test_practice_text_whole_call_then_scorecard(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "practice", "mini", "--text", "--seed", "7", input=GOOD)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "You are calling Dana Whitfield, Head of Operations at Brightline Logistics." in out
    assert "Offline mode" in out
    assert "Dana: Alright, send me an invite." in out
    assert "The customer agreed to your next step." in out
    assert "Scorecard · Mini rubric" in out and "Open questions" in out
    assert "Next time: Ask two open questions before you pitch." in out


def test_practice_ends_when_the_rep_hangs_up_or_input_ends(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "practice", "mini", "--seed", "1", input="Hello there\n/end\n")
    assert "You ended the call." in result.output
    # Input that ends before the rep's first line: nothing said, nothing scored or saved
    # (tests/test_flows13_nothing_said.py); the first call above stays.
    empty = invoke(mini_workspace, "practice", "mini", input="")
    assert empty.exit_code == 1 and "Nothing was saved." in " ".join(empty.output.split())
    assert len(list((mini_workspace / "recordings").glob("*/session.json"))) == 1


def test_practice_json_prints_only_the_scorecard(mini_workspace: Path) -> None:
    result = runner.invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--seed", "7", "--json"],
        input=GOOD,
    )
    assert result.exit_code == 0
    card = json.loads(result.stdout)
    assert card["rubric"] == "mini" and card["judge"] == "offline"
    assert {c["id"] for c in card["criteria"]} == {"open-questions", "next-steps"}


def test_unknown_scenario_suggests_the_right_one(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "practice", "minj")
    assert result.exit_code == 2
    assert "unknown scenario 'minj'" in result.output and "did you mean 'mini'" in result.output


def test_sessions_and_show(mini_workspace: Path) -> None:
    invoke(mini_workspace, "practice", "mini", "--seed", "7", input=GOOD)
    listed = invoke(mini_workspace, "sessions")
    assert "win" in listed.output and "tester" not in listed.output  # rep is the login name
    [row] = json.loads(invoke(mini_workspace, "sessions", "--json").output)
    assert row["status"] == "win" and row["overall"] is not None
    shown = invoke(mini_workspace, "show", row["id"])
    assert "You (turn 1): How does a typical morning look for your dispatch team?" in shown.output
    assert "Scorecard" in shown.output
    doc = json.loads(invoke(mini_workspace, "show", "last", "--json").output)
    assert doc["session"]["id"] == row["id"]
    assert [t["speaker"] for t in doc["turns"]][:2] == ["customer", "rep"]
    assert doc["scorecard"]["overall"] == row["overall"]


def test_show_unknown_session_says_what_to_do(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "show", "nope")
    assert result.exit_code == 2
    assert "no session 'nope'" in result.output and "roleplay sessions" in result.output


def test_rep_name_comes_from_the_option(mini_workspace: Path) -> None:
    invoke(
        mini_workspace, "practice", "mini", "--rep", "Kari", input="Hello, how is business?\n/end\n"
    )
    [row] = json.loads(invoke(mini_workspace, "sessions", "--json").output)
    assert row["rep"] == "Kari"


@pytest.mark.parametrize("flag", ["--json"])
def test_scenarios_list(workspace: Path, flag: str) -> None:
    doc = json.loads(invoke(workspace, "scenarios", flag).output)
    assert len(doc["scenarios"]) >= 7 and doc["broken"] == {}


def test_bare_roleplay_at_end_of_input_ends_its_line_and_says_how_to_start(
    mini_workspace: Path,
) -> None:
    # `roleplay </dev/null` printed "Pick a number (Enter for 1): " and stopped there: no
    # newline (the shell's prompt ran on after it) and nothing said. The exit stays 0: CI runs
    # the README's first command without a terminal and it ends here.
    result = invoke(mini_workspace, input="")
    assert result.exit_code == 0, result.output
    assert "Pick a number (Enter for 1): \n" in result.stdout
    assert "No scenario picked. Start one with `roleplay practice ID`" in result.stderr
    assert "roleplay practice mini" in result.stderr


def test_a_key_typed_into_a_call_is_never_saved(
    mini_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rep who pastes their key into the call (the wrong window) had it kept verbatim in
    # transcript.jsonl and quoted in the scorecard, though the README says keys never appear
    # in session files. The saved turn hides it; the rest of the line stays.
    key = "sk-live-7f3a9c2e1b"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    said = f"What would you ask, my key is {key} by the way, and what matters most to you?\n"
    result = invoke(
        mini_workspace, "practice", "mini", "--text", "--offline", "--seed", "7",
        input=said + "/end\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    saved = [p for p in (mini_workspace / "recordings").rglob("*") if p.is_file()]
    assert any(p.name == "transcript.jsonl" for p in saved)
    for path in saved:
        assert key.encode() not in path.read_bytes(), path
    transcript = next(p for p in saved if p.name == "transcript.jsonl").read_text()
    assert "my key is *** by the way, and what matters most to you?" in transcript
