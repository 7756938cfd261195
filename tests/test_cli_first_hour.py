"""Issue 17, the command line: what a new rep and trainer tripped over in the first hour."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from roleplay.cli import app
from roleplay.cli.habit_render import skill_name
from roleplay.config import Settings, resolve_workspace
from tests.cli_helpers import invoke, runner

REPO = Path(__file__).resolve().parents[1]

PRICE_CALL = (
    "Hi, thanks for taking the call. How is the season going?\n"
    "What would you compare the price to?\n"
    "/end\n"
)


@pytest.fixture(autouse=True)
def rep_and_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_REP", "sam")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")


# One line of the rep's: a call with nothing said is neither scored nor saved.
HELLO = "Hello, how is business?\n/end\n"


def test_the_readme_commitment_goes_to_the_skill_its_words_are_about(workspace: Path) -> None:
    done = invoke(workspace, "practice", "price-objection", "--seed", "1", input=PRICE_CALL)
    assert done.exit_code == 0, done.output
    result = invoke(workspace, "commit", "Ask what 'too high' means before I answer")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Skill: Clarify before answering (objection-clarify), chosen by what your words" in out
    [c] = json.loads(invoke(workspace, "today", "--json").output)["commitments"]
    assert c["skill"] == "objection-clarify"


def test_commit_with_skill_and_an_unknown_skill(workspace: Path) -> None:
    invoke(workspace, "practice", "price-objection", "--seed", "1", input=PRICE_CALL)
    chosen = invoke(workspace, "commit", "Say their number back", "--skill", "value-reframe")
    assert chosen.exit_code == 0, chosen.output
    assert "(value-reframe), as you chose" in " ".join(chosen.output.split())
    wrong = invoke(workspace, "commit", "Anything", "--skill", "closing")
    assert wrong.exit_code == 2
    assert "did not score the skill 'closing'; choose one of: " in wrong.output
    assert "objection-clarify" in wrong.output


def test_piped_lines_are_echoed_after_the_prompt(workspace: Path) -> None:
    result = invoke(workspace, "practice", "price-objection", "--seed", "1", input=PRICE_CALL)
    lines = result.output.splitlines()
    asked = [n for n, line in enumerate(lines) if line.startswith("You: What would you compare")]
    assert asked, result.output
    assert not re.search(r"You: [^\n]*\?\S", result.output)  # no "You: ...?Victor: ..."


def test_show_uses_the_live_calls_names(workspace: Path) -> None:
    invoke(workspace, "practice", "discovery-spin", "--seed", "1", input=HELLO)
    shown = invoke(workspace, "show", "last").output
    practised = invoke(workspace, "practice", "discovery-spin", "--seed", "1", input=HELLO)
    assert "Marcus (turn 0):" in shown and "Customer (turn" not in shown
    header = re.search(r"^Scorecard · .*$", practised.output, re.M)
    assert header and header.group(0) in shown  # the same title in both


def test_sessions_and_doctor_say_which_workspace_and_how_to_choose(workspace: Path) -> None:
    sessions = invoke(workspace, "sessions").output
    assert f"Workspace: {workspace} (chosen with --workspace)" in sessions
    assert "roleplay --workspace PATH" in sessions
    doctor = invoke(workspace, "doctor").output
    assert re.search(rf"workspace: {re.escape(str(workspace))} .*--workspace PATH", doctor)


def test_roleplays_own_source_folder_is_not_the_workspace(tmp_path: Path) -> None:
    """The README installs from the clone: calls must not land in the clone's recordings/."""
    clone = tmp_path / "clone"
    (clone / "scenarios").mkdir(parents=True)
    (clone / "src" / "roleplay").mkdir(parents=True)
    ws = resolve_workspace(Settings(), cwd=clone)
    assert ws.origin == "user-data"
    trainer_repo = tmp_path / "trainer"
    (trainer_repo / "scenarios").mkdir(parents=True)
    assert resolve_workspace(Settings(), cwd=trainer_repo).origin == "cwd"


def test_help_shows_whole_summaries() -> None:
    result = runner.invoke(app, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    commands = result.output.partition("Commands:")[2]
    assert commands and "..." not in commands
    flat = " ".join(result.output.split())
    assert "Check the config, audio devices, the speech model and the LLM; say what to fix." in flat


def test_session_list_keeps_columns_aligned_for_long_ids(workspace: Path) -> None:
    for seed in ("1", "2"):
        invoke(workspace, "practice", "price-objection", "--seed", seed, input=HELLO)
    folders = sorted(p.parent for p in (workspace / "recordings").glob("*/session.json"))
    longer = folders[0].with_name(folders[0].name + "-with-a-much-longer-name-than-usual")
    folders[0].rename(longer)
    doc = json.loads((longer / "session.json").read_text())
    doc["id"] = longer.name
    (longer / "session.json").write_text(json.dumps(doc))
    out = invoke(workspace, "sessions").output.splitlines()
    table = out[out.index(next(line for line in out if line.startswith("SESSION"))) :]
    rep_columns = {line.index(" sam ") for line in table[1:]}
    assert len(rep_columns) == 1 and table[0].index("REP") == rep_columns.pop() + 1
    assert any(longer.name in line for line in table)  # whole, never cut
    listed = invoke(workspace, "review", "list").output.splitlines()
    assert any(line.startswith(longer.name + " ") for line in listed), listed
    assert len({line.index(" sam ") for line in listed if " sam " in line}) == 1


def test_a_wrapped_quote_has_one_marker(workspace: Path) -> None:
    long_questions = (
        "Walk me through how maintenance is organised across the two plants today, from the "
        "first work order of the morning to the last changeover of the night?\n"
        "When line three goes down in the middle of a run, what does that cost you in product, "
        "overtime and goodwill with the supermarkets?\n/end\n"
    )
    invoke(workspace, "practice", "discovery-spin", "--seed", "1", input=long_questions)
    card = json.loads(invoke(workspace, "show", "last", "--json").output)["scorecard"]
    quotes = sum(len(c["evidence"]) for c in card["criteria"])
    text = invoke(workspace, "show", "last").output
    assert quotes and any(len(e["quote"]) > 60 for c in card["criteria"] for e in c["evidence"])
    assert len([line for line in text.splitlines() if line.startswith("    + ")]) == quotes


def test_skill_names_read_as_words() -> None:
    assert skill_name("de-escalation") == "de-escalation"
    assert skill_name("next-steps") == "next steps"
    assert skill_name("objection-clarify") == "objection clarify"


def test_each_bundled_scenario_has_its_own_customer() -> None:
    names = [
        yaml.safe_load(p.read_text())["persona"]["name"]
        for p in sorted((REPO / "scenarios").glob("*.yaml"))
    ]
    assert len(names) == len(set(names)), names


def test_a_scenarios_coaching_replaces_the_rubrics_generic_example(workspace: Path) -> None:
    result = invoke(
        workspace,
        "practice",
        "discovery-spin",
        "--seed",
        "1",
        "--json",
        input="Do you have problems with downtime?\n/end\n",
    )
    card = json.loads(result.stdout)
    by_id = {c["id"]: c for c in card["criteria"]}
    assert "Walk me through what happens when a line goes down" in by_id["open-questions"]["tip"]
    assert "web shop" not in json.dumps(card)
    assert by_id["pain-quantification"]["example"].startswith("When line three stops for an hour")


def test_unknown_coaching_criterion_is_reported(workspace: Path) -> None:
    s = workspace / "scenarios" / "discovery-spin.yaml"
    s.write_text(s.read_text().replace("  pain-quantification:\n", "  pain-quantifcation:\n"))
    result = invoke(workspace, "validate")
    assert result.exit_code == 1
    assert (
        "coaching.pain-quantifcation: unknown criterion 'pain-quantifcation' in rubric "
        "'discovery' (did you mean 'pain-quantification'?)" in result.output
    )


def test_words_used_by_many_criteria_do_not_decide_the_skill(workspace: Path) -> None:
    """'question' is in many tips and in a criterion's name; 'play back' is in one tip."""
    invoke(workspace, "practice", "discovery-spin", "--seed", "1", input=PRICE_CALL)
    result = invoke(workspace, "commit", "Play back his longest answer before my next question.")
    assert "(active-listening), chosen by what your words are about" in " ".join(
        result.output.split()
    )
