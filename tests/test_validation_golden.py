"""Golden invalid files, one per kind of mistake: the message names file, line, key and fix.

Each file's first line says what must be reported:
    # expect: LINE KEY.PATH :: message fragment [:: hint fragment]
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roleplay.domain.problems import Problem
from roleplay.services.catalog import load_catalog

DATA = Path(__file__).parent / "data"
INVALID = sorted((DATA / "invalid").glob("*/*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+) (.+?) :: (.+?)(?: :: (.+))?$")


def _problems_for(path: Path) -> list[Problem]:
    kind = path.parent.name
    # The file is checked beside the valid mini files, which it replaces.
    scen = [DATA / "valid" / "scenarios"] if kind == "rubrics" else []
    rubs = [DATA / "valid" / "rubrics"] if kind == "scenarios" else []
    catalog = load_catalog(scen, rubs, [path])
    return [p for p in catalog.problems if Path(p.file).name == path.name]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_mistake_is_reported_with_file_line_and_key(path: Path) -> None:
    m = EXPECT.match(path.read_text().splitlines()[0])
    assert m, f"{path} lacks an '# expect:' header"
    line, key, message, hint = int(m[1]), m[2], m[3], m[4]
    problems = _problems_for(path)
    assert len(problems) == 1, "\n".join(map(str, problems))
    p = problems[0]
    assert p.file.endswith(path.name)
    assert (p.line, p.path) == (line, key), str(p)
    assert message in p.message, str(p)
    if hint:
        assert p.hint and hint in p.hint, str(p)
    rendered = str(p)
    assert path.name in rendered and key in rendered


def test_the_valid_files_have_no_problems() -> None:
    catalog = load_catalog([DATA / "valid" / "scenarios"], [DATA / "valid" / "rubrics"])
    assert catalog.problems == []
    assert set(catalog.scenarios) == {"mini"} and set(catalog.rubrics) == {"mini"}


def test_every_problem_in_a_file_is_reported_in_one_run(tmp_path: Path) -> None:
    text = (DATA / "valid" / "scenarios" / "mini.yaml").read_text()
    text = (
        text.replace("difficulty: 2", "difficulty: 9")
        .replace("brief: Find", "breif: Find")
        .replace('    phrasings:\n      - "Slow', '    phrasing:\n      - "Slow')
        .replace("time_limit: 3m", "time_limit: soon")
    )
    broken = tmp_path / "scenarios" / "many.yaml"
    broken.parent.mkdir()
    broken.write_text(text)
    catalog = load_catalog([broken.parent], [DATA / "valid" / "rubrics"])
    keys = sorted(p.path for p in catalog.problems)
    assert keys == sorted(["difficulty", "breif", "objections[0].phrasing", "time_limit"])
    lines = [p.line for p in catalog.problems]
    assert lines == sorted(lines), "problems come in file order"
