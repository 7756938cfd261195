"""`roleplay validate` on what a trainer's editor or a copy from a web page or PDF puts into a
file (outside6): characters that print like others, spaces that are not spaces, line breaks
only YAML sees, a number written as a word. Each message names the line and column an editor
shows, the character, and what to write instead."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from roleplay.cli import app

runner = CliRunner()


def _validate(ws: Path, text: str) -> list[str]:
    (ws / "scenarios" / "mini.yaml").write_text(text, "utf-8")
    result = runner.invoke(app, ["--workspace", str(ws), "validate"])
    assert result.exit_code == 1, result.output
    # The file as the output names it, from the workspace on (it may print a longer path).
    return [
        line[line.index("scenarios/") :]
        for line in result.output.splitlines()
        if "scenarios/mini.yaml:" in line
    ]


def _mini(ws: Path) -> str:
    return (ws / "scenarios" / "mini.yaml").read_text("utf-8")


def test_a_look_alike_letter_in_the_rubric_id_is_named_and_nothing_else_is(
    mini_workspace: Path,
) -> None:
    # 'rubric: mіni' with a Cyrillic 'і' prints as 'mini'; it also said "unknown rubric
    # 'missing'", a stand-in the trainer never wrote.
    lines = _validate(
        mini_workspace, _mini(mini_workspace).replace("rubric: mini", "rubric: m\u0456ni")
    )
    assert len(lines) == 1, lines
    assert lines[0].startswith("scenarios/mini.yaml:8:1: rubric:"), lines
    assert "U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I" in lines[0]
    assert "retype it" in lines[0] and "missing" not in lines[0]


def test_an_invisible_character_in_an_id_is_named_with_what_to_do(mini_workspace: Path) -> None:
    lines = _validate(
        mini_workspace, _mini(mini_workspace).replace("id: mini", "id: mi\u200bni", 1)
    )
    assert len(lines) == 1, lines
    assert "character 3 is an invisible U+200B ZERO WIDTH SPACE: delete it" in lines[0], lines


def test_a_capitalised_id_gets_the_id_to_write(mini_workspace: Path) -> None:
    lines = _validate(mini_workspace, _mini(mini_workspace).replace("id: mini", "id: Mini Call", 1))
    assert "(write 'mini-call')" in lines[0], lines


def test_a_no_break_space_is_found_where_it_is(mini_workspace: Path) -> None:
    # "difficulty:\u00a02" is a key with no ':' to YAML; libyaml noticed on the next line and said
    # only "could not find expected ':'" there.
    lines = _validate(
        mini_workspace, _mini(mini_workspace).replace("difficulty: 2", "difficulty:\u00a02")
    )
    assert len(lines) == 1, lines
    assert lines[0].startswith("scenarios/mini.yaml:6:12: (syntax):"), lines
    assert "no-break space (U+00A0)" in lines[0] and "replace it with a plain space" in lines[0]


def test_a_line_separator_does_not_shift_the_lines_that_follow(mini_workspace: Path) -> None:
    # YAML counts U+2028 as a line break, an editor does not: the misspelt key on line 7 was
    # reported on line 8.
    text = (
        _mini(mini_workspace)
        .replace("title: Mini scenario", 'title: "Mini\u2028scenario"')
        .replace("time_limit: 3m", "time_limt: 3m")
    )
    lines = _validate(mini_workspace, text)
    assert any(line.startswith("scenarios/mini.yaml:2:1: title:") for line in lines), lines
    assert any(line.startswith("scenarios/mini.yaml:7:1: time_limt:") for line in lines), lines


def test_a_line_separator_that_breaks_the_file_is_named(mini_workspace: Path) -> None:
    text = _mini(mini_workspace).replace("title: Mini scenario", "title: Mini\u2028scenario")
    lines = _validate(mini_workspace, text)
    assert len(lines) == 1, lines
    assert lines[0].startswith("scenarios/mini.yaml:2:12: (syntax):"), lines
    assert "line separator (U+2028)" in lines[0] and "line break" in lines[0]


def test_a_control_character_is_shown_as_an_editor_shows_it(mini_workspace: Path) -> None:
    lines = _validate(
        mini_workspace, _mini(mini_workspace).replace("title: Mini scenario", "title: Mini\x07")
    )
    assert "U+0007" in lines[0] and "^G" in lines[0] and "^[" not in lines[0], lines


def test_a_number_written_as_a_word_gets_the_number(mini_workspace: Path) -> None:
    lines = _validate(
        mini_workspace, _mini(mini_workspace).replace("difficulty: 2", "difficulty: two")
    )
    assert lines == [
        "scenarios/mini.yaml:6:1: difficulty: expected a whole number, got 'two' "
        "(write it as a number: 2)"
    ], lines
