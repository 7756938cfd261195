"""Bidirectional controls in what a trainer writes and in what a terminal is shown.

A persona's name with a right-to-left override (`Carla \u202eMendes` shows as `Carla sedneM`,
and `\u202e` can make one name pass for another) passed `roleplay validate`, though validate
named other invisible characters. Now every Bidi_Control character (the embeddings,
overrides and isolates U+202A-202E and U+2066-2069, and the marks U+200E, U+200F, U+061C) in
any key or text of a scenario or rubric is a problem at its file, line and column, with the
field, the character's code and name, and what to do. And none of them reaches a terminal:
the marks too were printed as they were (a right-to-left mark alone reverses the digits
after it in a terminal that orders text)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from roleplay.domain.text import json_terminal_safe, one_line, printable
from tests.conftest import REPO
from tests.index_data import make_session, write
from tests.test_read_from_index import run

SCENARIO = "angry-customer-wrong-charge"
NAMES = {
    "\u061c": "U+061C ARABIC LETTER MARK",
    "\u200e": "U+200E LEFT-TO-RIGHT MARK",
    "\u200f": "U+200F RIGHT-TO-LEFT MARK",
    "\u202a": "U+202A LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "U+202B RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "U+202C POP DIRECTIONAL FORMATTING",
    "\u202d": "U+202D LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "U+202E RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "U+2066 LEFT-TO-RIGHT ISOLATE",
    "\u2067": "U+2067 RIGHT-TO-LEFT ISOLATE",
    "\u2068": "U+2068 FIRST STRONG ISOLATE",
    "\u2069": "U+2069 POP DIRECTIONAL ISOLATE",
}
BIDI_CONTROLS = "".join(NAMES)  # Unicode's Bidi_Control property, all of it
EVERY = [pytest.param(c, id=f"U+{ord(c):04X}") for c in BIDI_CONTROLS]


def _workspace(tmp_path: Path, change: dict[str, str]) -> Path:
    """A workspace of one bundled scenario (and its rubric), its text changed as given."""
    ws = tmp_path / "ws"
    (ws / "scenarios").mkdir(parents=True)
    shutil.copytree(REPO / "rubrics", ws / "rubrics")
    text = (REPO / "scenarios" / f"{SCENARIO}.yaml").read_text("utf-8")
    for old, new in change.items():
        assert old in text
        text = text.replace(old, new, 1)
    (ws / "scenarios" / f"{SCENARIO}.yaml").write_text(text, "utf-8")
    return ws


def _line_of(ws: Path, start: str) -> int:
    lines = (ws / "scenarios" / f"{SCENARIO}.yaml").read_text("utf-8").split("\n")
    return next(n for n, row in enumerate(lines, 1) if row.startswith(start))


def test_the_checks_know_every_bidi_control() -> None:
    from roleplay.domain import text

    assert sorted(text.BIDI_CONTROLS) == sorted(BIDI_CONTROLS)


@pytest.mark.parametrize("char", EVERY)
def test_validate_names_a_bidi_control_in_a_persona_name(tmp_path: Path, char: str) -> None:
    ws = _workspace(tmp_path, {"name: Carla Mendes": f"name: Carla {char}Mendes"})
    code, out = run(ws, "validate")
    assert code == 1
    line = _line_of(ws, "  name: Carla")
    where = f"scenarios/{SCENARIO}.yaml:{line}:15: persona.name: "  # the character's column
    [said] = [row for row in out.splitlines() if where in row]
    assert NAMES[char] in said and "invisible" in said
    assert f"delete it: editors show nothing there, search for \\u{ord(char):04x}" in said
    assert not set(out) & set(BIDI_CONTROLS)  # the report itself reorders nothing
    # The scenario cannot be practised with it: it is listed as broken, with what to run.
    code, listed = run(ws, "scenarios")
    assert "(broken)" in listed and not set(listed) & set(BIDI_CONTROLS)
    # Deleting it is the fix.
    fixed = _workspace(tmp_path / "fixed", {})
    assert run(fixed, "validate")[0] == 0


def test_a_bidi_control_anywhere_is_found_where_it_is_written(tmp_path: Path) -> None:
    """In a multi-line brief (on its own line), in a key, written as an escape (at the
    value: the file holds no such character), several in one text: each said once, in the
    JSON output too, escaped."""
    ws = _workspace(
        tmp_path,
        {
            "  charge this month.": "  charge this \u2066month.",
            "title: Angry customer, wrong charge": 'title: "Angry customer\\u202e, wrong charge"',
            "  role: Owner": "  role: Ow\u200fner \u200f1 2",
        },
    )
    text = (ws / "scenarios" / f"{SCENARIO}.yaml").read_text("utf-8")
    text = text.replace("variations:", "variations:\n  bad\u202dkey: [a, b]", 1)
    (ws / "scenarios" / f"{SCENARIO}.yaml").write_text(text, "utf-8")
    code, out = run(ws, "validate", "--json")
    assert code == 1
    assert "\\u202e" in out or "\\u202E" in out  # a JSON string, escaped: nothing raw
    assert not set(out) & set(BIDI_CONTROLS)
    code, out = run(ws, "validate")
    rows = [r for r in out.splitlines() if "an invisible character that reorders" in r]
    brief = _line_of(ws, "  charge this")
    title = _line_of(ws, "title:")
    role = _line_of(ws, "  role:")
    key = _line_of(ws, "  bad")
    assert any(f":{brief}:15: brief: " in r and NAMES["\u2066"] in r for r in rows), rows
    assert any(f":{title}:8: title: " in r and NAMES["\u202e"] in r for r in rows), rows
    assert any(
        f":{role}:11: persona.role: " in r and "U+200F RIGHT-TO-LEFT MARK (and 1 more" in r
        for r in rows
    ), rows
    assert any(f":{key}:6: variations.badkey: the key holds " in r for r in rows), rows
    assert len(rows) == 4


@pytest.mark.parametrize("char", EVERY)
def test_no_bidi_control_reaches_the_terminal(char: str) -> None:
    text = f"Carla {char}Mendes \u200f1 2"
    for shown in (printable(text), one_line(text)):
        assert not set(shown) & set(BIDI_CONTROLS)
        assert shown.startswith("Carla Mendes")
    escaped = json_terminal_safe(json.dumps({"title": text}, ensure_ascii=False))
    assert not set(escaped) & set(BIDI_CONTROLS)
    assert json.loads(escaped)["title"] == text  # lossless


@pytest.mark.parametrize("char", EVERY)
def test_a_recorded_title_is_listed_without_its_bidi_control(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, char: str
) -> None:
    """A session recorded before this check (its scenario's title kept in session.json)."""
    monkeypatch.setenv("ROLEPLAY_REP", "ana")
    rec = workspace / "recordings"
    folder = make_session(1, rep="ana")
    write(rec, folder)
    path = rec / folder.session_id / "session.json"
    record = json.loads(path.read_text("utf-8"))
    record["scenario"]["title"] = f"Deal {char}12 34"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    for args in (["sessions", "--json"], ["show", "last"]):
        code, out = run(workspace, *args)
        assert code == 0, out
        assert "Deal " in out and not set(out) & set(BIDI_CONTROLS), args
