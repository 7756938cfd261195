"""What a rep reads around a call (words12): `show` of a call that was cut short says it did
not finish and how it ended; ids and commands in hints are never broken across lines.

`show` of a session scored unfinished (outcome cut-short) dropped its "did not finish" line.
`practice` ended with one line, "Saved in FOLDER · review with: roleplay show ID", longer than
a 120-column terminal: the terminal broke it inside the id, so a double-click copied half.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roleplay.cli.render import wrap
from roleplay.composition import build
from tests.cli_helpers import invoke
from tests.test_life11_scored_unfinished import _unfinished

SID = "20261202-081445-renewal-call-with-a-long-name-bc00f2c4"

# One line of the rep's: a call with nothing said is neither scored nor saved.
HELLO = "Hello, how is business?\n/end\n"


def test_show_says_a_cut_short_call_did_not_finish_and_how_it_ended(
    mini_workspace: Path,
) -> None:
    with build(mini_workspace) as services:
        sid = _unfinished(services, "mini")
    before = invoke(mini_workspace, "show", sid)
    assert "did not finish" in before.stdout  # unscored: as it was
    assert invoke(mini_workspace, "score", sid).exit_code == 0
    shown = invoke(mini_workspace, "show", sid)
    assert shown.exit_code == 0, shown.output
    flat = " ".join(shown.stdout.split())
    assert "cut-short" in flat  # the outcome, in the header as `sessions` lists it
    assert "This call did not finish" in flat
    assert "cut short (quit to score later, or cut off by a crash)" in flat
    assert "scored afterwards" in flat


def _lines_with(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]


def test_practice_ends_with_the_show_command_whole_on_a_short_line(workspace: Path) -> None:
    result = invoke(workspace, "practice", "price-objection", "--seed", "1", input=HELLO)
    assert result.exit_code == 0, result.output
    [sid] = [p.parent.name for p in (workspace / "recordings").glob("*/session.json")]
    [hint] = _lines_with(result.output, "roleplay show")
    assert hint.endswith(f"roleplay show {sid}")
    assert len(hint) <= 80  # an 80-column terminal leaves it as it is
    assert _lines_with(result.output, "Saved in")  # where it is, on a line of its own
    for line in result.output.splitlines():
        assert len(line) <= 80 or sid in line.split()[-1] or line.startswith("You:"), line


@pytest.mark.parametrize("width", range(30, 81, 7))
@pytest.mark.parametrize(
    "text, whole",
    [
        (f"Saved in /home/sam/.local/share/roleplay/recordings/{SID}", SID),
        (f"Review it with: roleplay show {SID}", f"roleplay show {SID}"),
        (
            "No commitment this time: /end is a command of the call, not something to commit "
            'to (make one later with: roleplay commit "...").',
            'roleplay commit "...")',
        ),
        (
            "Also due or new today: objection handling, next steps, discovery questions "
            "(`roleplay today --json` lists them all).",
            "(`roleplay today --json`",
        ),
        (
            "Write a first one with roleplay new scenario renewal-call, then run "
            "roleplay validate when you have edited it.",
            "roleplay new scenario renewal-call,",
        ),
    ],
)
def test_a_filled_hint_never_breaks_an_id_or_a_command(width: int, text: str, whole: str) -> None:
    filled = wrap(text, width=width)
    assert any(whole in line for line in filled.splitlines()), filled
    assert " ".join(filled.split()) == text  # nothing lost, nothing added


def test_a_command_longer_than_the_line_breaks_before_an_option_not_in_the_id() -> None:
    text = f"Make drills from them: roleplay call-drills {SID} --make [--scenario SCENARIO]"
    filled = wrap(text, width=78)
    assert any(f"roleplay call-drills {SID}" in line for line in filled.splitlines()), filled
    assert all(len(line) <= 78 for line in filled.splitlines()), filled


def test_the_session_list_fits_80_columns(workspace: Path) -> None:
    invoke(workspace, "practice", "price-objection", "--seed", "1", input=HELLO)
    listed = invoke(workspace, "sessions").stdout
    table = listed[listed.index("SESSION") :]
    assert all(len(line) <= 80 for line in table.splitlines()), table
    assert re.search(r"roleplay --workspace PATH", listed)
