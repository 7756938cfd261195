"""`practice` without a microphone: its one line ends before whatever follows, an `error:` too.

Reported as "No microphone found ... printed without a newline before a following `error:`
line"; not reproduced (pipe, pseudo-terminal, CliRunner, --json all end it with a newline):
this pins what a user sees, so that a change to how the line is written cannot glue them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.adapters import audio_sounddevice
from roleplay.cli import app


@pytest.mark.parametrize("as_json", [False, True])
def test_the_no_microphone_line_ends_before_the_error(
    mini_workspace: Path, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    no_device = audio_sounddevice.NO_DEVICE_HELP
    monkeypatch.setattr(audio_sounddevice, "microphone_problem", lambda _device=None: no_device)
    # An unknown scenario is now said before the sound system is asked (outside7), so the
    # line is followed here by a known scenario's call that cannot start: its error.
    (mini_workspace / "recordings").rmdir()
    (mini_workspace / "recordings").write_text("not a folder", encoding="utf-8")
    args = ["--workspace", str(mini_workspace), "practice", "mini"]
    result = CliRunner().invoke(app, [*args, *(["--json"] if as_json else [])], input="/end\n")
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("No microphone found: practising by typing")
    assert lines[0].endswith("stand in).")
    assert lines[1].startswith("error: ")
