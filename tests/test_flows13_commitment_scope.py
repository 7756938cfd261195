"""A commitment made in one scenario, shown in another scenario's brief.

A commitment is "next time I'll do X" about a skill, and skills are practised across
scenarios (the queue even steers away from the scenario just practised), so it still follows
the rep into the next call that trains its skill. But its words often speak of the call it
was made in ("ask how often line three stops"), and the brief of another scenario showed it
as "from last time" with nothing to say which call that was. It now names the scenario it
was made in whenever that is not the call's own.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli_helpers import invoke

WORDS = "Ask how often line three stops before I pitch"
MADE_IN = "SPIN discovery: unplanned downtime at a bakery plant"
ASKED = "How do you plan maintenance across the two plants today?\n"


def _brief(ws: Path, scenario: str) -> str:
    result = invoke(ws, "practice", scenario, "--seed", "1", "--text", input=ASKED + "/end\nskip\n")
    assert result.exit_code == 0, result.output
    return " ".join(result.output.partition("Type what you would say")[0].split())


def test_the_brief_of_another_scenario_says_where_the_commitment_was_made(
    workspace: Path,
) -> None:
    _brief(workspace, "discovery-spin")
    made = invoke(workspace, "commit", WORDS, "--skill", "discovery-questions")
    assert made.exit_code == 0, made.output

    elsewhere = _brief(workspace, "cold-call-gatekeeper")  # trains discovery questions too
    assert (
        f"Your commitment from your call on \u201c{MADE_IN}\u201d (discovery questions): {WORDS}"
        in elsewhere
    ), elsewhere
    assert "from last time" not in elsewhere


def test_the_same_scenarios_brief_says_from_last_time(workspace: Path) -> None:
    _brief(workspace, "discovery-spin")
    invoke(workspace, "commit", WORDS, "--skill", "discovery-questions")
    again = _brief(workspace, "discovery-spin")
    assert f"Your commitment from last time (discovery questions): {WORDS}" in again, again
    assert "from your call on" not in again
