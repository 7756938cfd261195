"""`score --transcript FILE --rubric R` titles the scorecard as practice does (stop 33, calls10).

It was titled with the rubric's id ("Scorecard · renewal") where practice and a re-score of a
saved session show the rubric's title ("Scorecard · Renewal call"). The JSON keeps the rubric's
id under "rubric", as a saved scorecard and a re-score's JSON do.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli_scoring import CALL, invoke


def test_an_outside_transcript_is_titled_with_the_rubrics_title(
    mini_workspace: Path, tmp_path: Path
) -> None:
    call = tmp_path / "call.txt"
    call.write_text(CALL)
    args = ("score", "--transcript", str(call), "--rubric", "mini", "--rep", "Kari")
    text = invoke(mini_workspace, *args)
    assert text.exit_code == 0, text.output
    assert "Scorecard · Mini rubric\n=======================\n" in text.stdout
    assert "Scorecard · mini" not in text.stdout  # the id, before

    card = json.loads(invoke(mini_workspace, *args, "--json").stdout)
    assert card["rubric"] == "mini"  # the id stays the data's key, as a saved scorecard has it


def test_a_kept_outside_call_reads_the_same_title_again(
    mini_workspace: Path, tmp_path: Path
) -> None:
    call = tmp_path / "call.txt"
    call.write_text(CALL)
    args = ("score", "--transcript", str(call), "--rubric", "mini", "--rep", "Kari")
    kept = invoke(mini_workspace, *args, "--save")
    assert "Scorecard · Mini rubric" in kept.stdout
    [row] = json.loads(invoke(mini_workspace, "sessions", "--json").stdout)
    again = invoke(mini_workspace, "score", row["id"])
    assert again.exit_code == 0, again.output
    assert "Scorecard · Mini rubric" in again.stdout  # the re-score's title: the same
