"""Invisible characters in the names of people: the rep's and the persona's.

A rep's name refused the bidi overrides and isolates but took the marks (U+200E, U+200F,
U+061C), which as much let one name pass for another ('Kari\\u200e' lists as 'Kari'). It now
refuses every bidi control, from the one list in domain/text.py. A joiner (U+200C/U+200D)
next to a Latin letter hides just the same; between the letters of a script that needs it
(Persian, Indic) or in an emoji sequence it stays welcome.

A persona's name with a zero-width space ('Carla\\u200b Mendes') passed `roleplay validate`
(a bidi control there was named since stop 35): it is now named the same way, at its file,
line and column, with the field and the character's name.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.cli_helpers import invoke
from tests.test_read_from_index import run
from tests.test_safe12_bidi import SCENARIO, _line_of, _workspace

MARKS = {
    "\u200e": "U+200E LEFT-TO-RIGHT MARK",
    "\u200f": "U+200F RIGHT-TO-LEFT MARK",
    "\u061c": "U+061C ARABIC LETTER MARK",
}


@pytest.mark.parametrize("mark", [pytest.param(m, id=f"U+{ord(m):04X}") for m in MARKS])
def test_a_bidi_mark_in_the_reps_name_is_refused(mini_workspace: Path, mark: str) -> None:
    result = invoke(mini_workspace, "practice", "mini", "--text", "--rep", f"Kari{mark}")
    assert result.exit_code == 2, result.output
    assert f"invisible character ({MARKS[mark]})" in result.output
    assert mark not in result.output  # shown escaped, never as it is
    assert not list((mini_workspace / "recordings").glob("*/session.json"))


def test_the_same_mark_from_the_environment_is_refused(mini_workspace: Path) -> None:
    result = invoke(mini_workspace, "sessions", env={"ROLEPLAY_REP": "\u200fKari"})
    assert result.exit_code == 2
    assert "U+200F RIGHT-TO-LEFT MARK" in result.output


@pytest.mark.parametrize("name", ["Kari\u200d", "Ka\u200cri", "\u200dKari"])
def test_a_joiner_beside_latin_letters_is_refused(mini_workspace: Path, name: str) -> None:
    result = invoke(mini_workspace, "today", "--rep", name)
    assert result.exit_code == 2, result.output
    assert "invisible character (U+200" in result.output


@pytest.mark.parametrize(
    "char",
    [
        pytest.param(c, id=f"U+{ord(c):04X}")
        for c in ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
    ],
)
def test_validate_names_a_zero_width_character_in_a_persona_name(tmp_path: Path, char: str) -> None:
    ws = _workspace(tmp_path, {"name: Carla Mendes": f"name: Carla{char} Mendes"})
    code, out = run(ws, "validate")
    assert code == 1, out
    line = _line_of(ws, "  name: Carla")
    where = f"scenarios/{SCENARIO}.yaml:{line}:14: persona.name: "  # the character's column
    [said] = [row for row in out.splitlines() if where in row]
    assert f"U+{ord(char):04X} {unicodedata.name(char)}" in said
    assert "pass for another" in said
    assert f"search for \\u{ord(char):04x}" in said
    assert char not in out
    code, listed = run(ws, "scenarios")
    assert "(broken)" in listed


def test_a_joiner_a_name_needs_is_not_a_problem(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, {"name: Carla Mendes": "name: مریم\u200cسادات"})
    code, out = run(ws, "validate")
    assert code == 0, out
