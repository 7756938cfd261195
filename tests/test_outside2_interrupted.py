"""Hostile tester: a command killed half-way (kill -9) leaves nothing half-made behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from roleplay.services.export import write_document
from tests.llm_env import use_llm

SRC = str(Path(__file__).resolve().parents[1] / "src")
# Writes an export and is killed (SIGKILL) in the middle of writing its bytes.
KILLED_MID_WRITE = """
import os, signal, sys
from pathlib import Path
from roleplay.services import export

real = os.fdopen


class Dying:
    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, data):
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        os.kill(os.getpid(), signal.SIGKILL)


os.fdopen = lambda *a, **k: Dying(real(*a, **k))
export.write_document("x" * 100_000, Path(sys.argv[1]), recordings=Path(sys.argv[2]))
"""


def test_an_export_killed_half_way_leaves_no_half_file_and_the_next_try_writes_it(
    tmp_path: Path,
) -> None:
    """Before: `roleplay export last -o call.html` killed while writing left half a page at
    call.html, and the next try said "call.html already exists; add --force"."""
    out = tmp_path / "call.html"
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    env = {**os.environ, "PYTHONPATH": SRC}
    run = subprocess.run(
        [sys.executable, "-c", KILLED_MID_WRITE, str(out), str(recordings)],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == -signal.SIGKILL, run.stderr.decode()
    assert not out.exists()  # no half page under the name asked for
    write_document("whole page", out, recordings=recordings)  # and no --force needed
    assert out.read_text() == "whole page"
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_end_at_the_customer_failed_prompt_hangs_up_as_it_does_everywhere_in_the_call(
    mini_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: when the LLM customer failed mid-call, the prompt "[r]etry, [o]ffline scripted
    customer, [e]nd?" took '/end' (what the call says hangs up) as no answer, printed the
    whole error again and asked again, and so on for every line typed after it."""
    from typer.testing import CliRunner

    from roleplay.cli import app

    use_llm(monkeypatch, "http://127.0.0.1:9/v1")  # nothing listens
    monkeypatch.setenv("ROLEPLAY_LLM_API_KEY", "sk-not-checked-123")
    result = CliRunner().invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--text"],
        input="How do you plan routes today?\nwhat?\n/end\nAre you still there?\n",
    )
    assert result.exit_code == 0, result.output
    call = result.output.split("You ended the call.")[0]  # the judge's own note comes after
    assert call.count("Cannot reach the LLM server") == 1, result.output
    assert "Answer r, o, e or /end." in call  # 'what?' is not an answer
    shown = CliRunner().invoke(app, ["--workspace", str(mini_workspace), "show", "last", "--json"])
    said = [t["text"] for t in json.loads(shown.stdout)["turns"] if t["speaker"] == "rep"]
    assert said == ["How do you plan routes today?"]  # nothing after /end was read
