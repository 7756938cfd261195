"""Optional parts (extras) that are not installed: the command says which install adds them,
in one line, and exits 2; nothing else is affected."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from roleplay.adapters import charts
from roleplay.errors import MissingExtra

BLOCK = "import sys; sys.modules[{name!r}] = None; "  # importing it now raises ImportError


def test_charts_without_matplotlib_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtra) as caught:
        charts.levels([("Listening", 3, None)])
    assert "roleplay[reports]" in caught.value.hint


def test_the_report_command_says_so_in_one_line(workspace: Path, tmp_path: Path) -> None:
    typed = "Hi, what made you take this call today?\n/end\n"
    env = {**os.environ}
    run = [sys.executable, "-m", "roleplay", "--workspace", str(workspace)]
    made = subprocess.run(
        [*run, "practice", "discovery-spin", "--text", "--offline", "--rep", "kari"],
        input=typed,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    out = tmp_path / "report.html"
    code = BLOCK.format(name="matplotlib") + (
        "from roleplay.cli import main; sys.argv = ['roleplay'] + sys.argv[1:]; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "--workspace", str(workspace), "report", "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("error: charts in HTML exports and reports needs matplotlib")
    assert "pip install 'roleplay[reports]'" in lines[0]
    assert not out.exists()
    # the session itself is untouched and still listed
    listed = subprocess.run([*run, "sessions"], capture_output=True, text=True, timeout=60)
    assert "discovery-spin" in listed.stdout
