"""`roleplay commit` with nothing to commit to.

It committed the last session's suggestion without showing it: a command that records a
promise the rep never read. Now a terminal is shown the suggestion and asked (Enter commits
to it, words replace it, 'skip'), as `practice` asks after the scorecard; with no terminal
(a script, --json) nothing is recorded and the error says the suggestion and the exact
commands; `--suggested` commits to it as it is (what `practice --json` names).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_helpers import invoke, on_a_terminal
from tests.test_cli_habit import PITCH

SUGGESTION = "Ask two open questions before you pitch."


def _practised(ws: Path) -> str:
    done = invoke(ws, "practice", "mini", "--seed", "2", "--json", input=PITCH)
    assert done.exit_code == 0, done.output
    return str(json.loads(done.stdout)["session"])


def _commitments(ws: Path) -> list[dict[str, str]]:
    return list(json.loads(invoke(ws, "today", "--json").output)["commitments"])


def _on_a_terminal(ws: Path, answer: bytes, *args: str) -> tuple[int, str]:
    """`roleplay --workspace WS ARGS` on a pty: `answer` is typed once the question is asked."""
    code, out, asked = on_a_terminal(
        ["--workspace", str(ws), *args], lambda out: b"or 'skip': " in out, answer
    )
    assert asked, out
    return code, out


def test_without_a_terminal_nothing_is_committed_and_the_commands_are_said(
    mini_workspace: Path,
) -> None:
    session = _practised(mini_workspace)
    for args in ((), ("--json",)):
        result = invoke(mini_workspace, "commit", *args)
        assert result.exit_code == 2, result.output
        said = " ".join(result.output.split())
        assert "nothing committed" in said and SUGGESTION in said
        assert f'roleplay commit "YOUR WORDS" --session {session}' in said
        assert f"roleplay commit --suggested --session {session}" in said
    assert _commitments(mini_workspace) == []


def test_suggested_commits_to_the_suggestion_as_json_says(mini_workspace: Path) -> None:
    done = invoke(mini_workspace, "practice", "mini", "--seed", "2", "--json", input=PITCH)
    accept = json.loads(done.stdout)["commitment_suggestion"]["accept_with"]
    assert accept.startswith("roleplay commit --suggested --session ")
    result = invoke(mini_workspace, *accept.split()[1:])
    assert result.exit_code == 0, result.output
    assert f"Committed: {SUGGESTION}" in result.output
    [made] = _commitments(mini_workspace)
    assert made["text"] == SUGGESTION
    both = invoke(mini_workspace, "commit", "My words", "--suggested")
    assert both.exit_code == 2 and "give one" in both.output


def test_on_a_terminal_the_suggestion_is_shown_and_asked(mini_workspace: Path) -> None:
    _practised(mini_workspace)
    code, out = _on_a_terminal(mini_workspace, b"skip", "commit")
    assert code == 0, out
    assert "One thing to commit to for next time" in out and SUGGESTION in " ".join(out.split())
    assert "No commitment this time." in out
    assert _commitments(mini_workspace) == []
    code, out = _on_a_terminal(mini_workspace, b"", "commit")  # Enter: the suggestion
    assert code == 0, out
    assert f"Committed: {SUGGESTION}" in out
    assert [c["text"] for c in _commitments(mini_workspace)] == [SUGGESTION]
