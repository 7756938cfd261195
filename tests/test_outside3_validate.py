"""A trainer's first mistakes, as `roleplay validate` reports them.

A misspelt `time_limit:` (`time_limt:`) was reported, and then a second problem that was only
its echo: "drills[0].time_limit: a drill must be shorter than the whole call (1s), got 180s",
where 1s was the value the validator had put in for the missing key. And a file saved in
Latin-1 was named with a byte offset only ("invalid continuation byte at byte 904"): no line
or column for an editor to jump to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.domain.loading import load_scenario
from roleplay.domain.problems import InvalidFile
from roleplay.services.catalog import validate

REPO = Path(__file__).resolve().parents[1]
SPIN = (REPO / "scenarios" / "discovery-spin.yaml").read_text(encoding="utf-8")


def _problems(text: str) -> list[str]:
    with pytest.raises(InvalidFile) as caught:
        load_scenario(text, "s.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_misspelt_time_limit_is_one_problem_not_two() -> None:
    problems = _problems(SPIN.replace("\ntime_limit:", "\ntime_limt:", 1))
    assert len(problems) == 1, problems
    assert "unknown key 'time_limt' (did you mean 'time_limit'?)" in problems[0]


def test_a_real_drill_problem_still_shows_beside_a_misspelt_key() -> None:
    text = SPIN.replace("\ndifficulty:", "\ndificulty:", 1)
    drill_limit = "    time_limit: "
    assert drill_limit in text
    head, tail = text.split(drill_limit, 1)
    text = head + drill_limit + "59m #" + tail  # longer than the 7-minute call
    problems = _problems(text)
    assert any("dificulty" in p for p in problems), problems
    assert any("a drill must be shorter than the whole call (420s)" in p for p in problems)


def test_a_file_not_in_utf8_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (tmp_path / "rubrics").mkdir()
    bad = scenarios / "latin1.yaml"
    bad.write_bytes(b"\xef\xbb\xbfid: latin1\ntitle: Caf\xe9 owner\n")  # BOM, then Latin-1
    _, problems = validate([bad], [scenarios], [tmp_path / "rubrics"])
    assert [(p.line, p.column) for p in problems] == [(2, 11)], problems
    assert "byte 0xE9" in problems[0].message
    assert "UTF-8" in (problems[0].hint or "")


def test_a_folder_named_like_a_scenario_file_is_named_when_given(tmp_path: Path) -> None:
    """`roleplay validate scenarios/x.yaml` on a folder looked inside it, found nothing and
    said "All good"; the same folder in the workspace is reported as a bad file."""
    scenarios = tmp_path / "scenarios"
    (scenarios / "x.yaml").mkdir(parents=True)
    (tmp_path / "rubrics").mkdir()
    _, problems = validate([scenarios / "x.yaml"], [scenarios], [tmp_path / "rubrics"])
    assert [p.message for p in problems] == ["is a folder, not a file"], problems


def test_an_empty_file_says_what_to_do(tmp_path: Path) -> None:
    """An editor's new, still empty file was 'the file is empty', and nothing more."""
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (tmp_path / "rubrics").mkdir()
    (scenarios / "new.yaml").write_text("# to do\n\n")
    _, problems = validate([scenarios / "new.yaml"], [scenarios], [tmp_path / "rubrics"])
    assert [p.message for p in problems] == ["the file is empty"]
    assert "roleplay new scenario NAME" in (problems[0].hint or "")
