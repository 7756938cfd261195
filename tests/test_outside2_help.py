"""A new user's first hour: `--help` of a group of commands says what each one does in full,
on an 80-column terminal, as the root's --help does."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from roleplay.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("group", "command", "summary"),
    [
        ("new", "scenario", "Write scenarios/NAME.yaml from a commented template that validates."),
        (
            "review",
            "show",
            "A session's transcript with its scorecard, reviewers' levels and comments.",
        ),
        (
            "team",
            "remove",
            "Take a person off the team (their login and sessions stay; they lose access).",
        ),
    ],
)
def test_a_group_help_gives_each_command_its_whole_summary(
    group: str, command: str, summary: str
) -> None:
    """Before: click cut each summary at the width left on the line: "scenario  Write
    scenarios/NAME.yaml from a commented template that..." (the word that says what makes it
    useful, 'validates', was the one cut)."""
    result = runner.invoke(app, [group, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    listed = result.stdout.split("Commands:", 1)[1]
    assert "..." not in listed
    flat = " ".join(listed.split())
    assert f"{command} {summary}" in flat
    assert max(len(line) for line in listed.splitlines()) <= 80
