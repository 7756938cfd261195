"""What a trainer's repo can put in front of the terminal: file names and titles.

A scenario file named 'ok.yaml: all good\\nfake.yaml' printed a forged line in `validate`
and `scenarios`, and one named with an escape sequence (ESC ] 0; ... BEL) retitled the
terminal. A title with a line break ("Renewal\\nsecond line") passed validation and split
its entry in `roleplay scenarios` into a line that was no entry.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from roleplay.domain.loading import load_rubric, load_scenario
from roleplay.domain.problems import InvalidFile

REPO = Path(__file__).resolve().parents[1]
SPIN = (REPO / "scenarios" / "discovery-spin.yaml").read_text(encoding="utf-8")
DISCOVERY = (REPO / "rubrics" / "discovery.yaml").read_text(encoding="utf-8")


def _cli(ws: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "roleplay", "--workspace", str(ws), *args],
        capture_output=True,
        timeout=300,
        check=False,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin", "HOME": str(ws)},
    )


@pytest.fixture
def ws(mini_workspace: Path) -> Path:
    forged = mini_workspace / "scenarios" / "ok.yaml: all good\nfake.yaml"
    shutil.copy(mini_workspace / "scenarios" / "mini.yaml", forged)
    (mini_workspace / "scenarios" / "e\x1b]0;pwned\x07x.yaml").write_text("id: [\n")
    return mini_workspace


@pytest.mark.parametrize("command", ["validate", "scenarios"])
def test_file_names_reach_the_terminal_as_one_plain_line(ws: Path, command: str) -> None:
    out = _cli(ws, command).stdout.decode()
    assert "\x1b" not in out and "\x07" not in out
    lines = out.splitlines()
    assert not any(line.startswith("fake.yaml") for line in lines), out
    assert any("ok.yaml: all good fake.yaml" in line for line in lines), out


@pytest.mark.parametrize(
    ("starts", "line", "key"),
    [
        ("title:", 'title: "SPIN\\ndiscovery"', "title"),
        ("  name:", '  name: "Marcus\\u2028Bell"', "persona.name"),
    ],
)
def test_a_scenario_title_or_name_is_one_line(starts: str, line: str, key: str) -> None:
    old = next(x for x in SPIN.splitlines() if x.startswith(starts))
    with pytest.raises(InvalidFile) as caught:
        load_scenario(SPIN.replace(old, line, 1), "s.yaml")
    problems = [str(p) for p in caught.value.problems]
    assert any(f"{key}: expected one line of text" in p for p in problems), problems


def test_a_rubric_criterion_name_is_one_line() -> None:
    line = next(x for x in DISCOVERY.splitlines() if x.strip().startswith("name:"))
    broken = DISCOVERY.replace(line, line.split("name:")[0] + 'name: "Open\\nquestions"', 1)
    with pytest.raises(InvalidFile) as caught:
        load_rubric(broken, "r.yaml")
    assert any("expected one line of text" in str(p) for p in caught.value.problems)


def test_the_bundled_files_are_still_valid() -> None:
    load_scenario(SPIN, "s.yaml")
    load_rubric(DISCOVERY, "r.yaml")
