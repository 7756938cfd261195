"""The voice commands as a user sees them: devices, and practice without a microphone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.adapters import audio_sounddevice
from roleplay.adapters.audio_sounddevice import Device
from roleplay.cli import app

PULSE = Device(0, "pulse", "ALSA", 32, 32, 44100.0, True, True)


def test_devices_lists_what_there_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio_sounddevice, "list_devices", lambda: [PULSE])
    plain = CliRunner().invoke(app, ["devices"])
    assert "<>  0   32  32   44100  pulse (ALSA)" in plain.stdout
    as_json = json.loads(CliRunner().invoke(app, ["devices", "--json"]).stdout)
    assert as_json[0]["name"] == "pulse" and as_json[0]["default_input"] is True


def test_devices_without_a_sound_card_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio_sounddevice, "list_devices", lambda: [])
    result = CliRunner().invoke(app, ["devices"])
    assert result.exit_code == 0
    assert "No sound devices found" in result.stdout and "--audio-in FILE" in result.stdout
    assert json.loads(CliRunner().invoke(app, ["devices", "--json"]).stdout) == []


def test_no_microphone_means_one_line_and_typing(
    mini_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_device = audio_sounddevice.NO_DEVICE_HELP
    monkeypatch.setattr(audio_sounddevice, "microphone_problem", lambda _device=None: no_device)
    result = CliRunner().invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--seed", "7"],
        input="How does a typical morning look for your dispatch team?\n/end\nskip\n",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("No microphone found: practising by typing")
    assert "by hand" in result.stdout  # the typed call went on
    [record] = [json.loads(p.read_text()) for p in mini_workspace.glob("recordings/*/session.json")]
    assert record["mode"] == "text"


def test_a_missing_audio_file_is_named(mini_workspace: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            *("--workspace", str(mini_workspace), "practice", "mini", "--plain"),
            *("--audio-in", str(tmp_path / "nope.wav"), "--fast"),
        ],
    )
    assert result.exit_code == 2
    assert "nope.wav: no such file" in result.stderr
    assert not list(mini_workspace.glob("recordings/*/session.json"))  # nothing started
