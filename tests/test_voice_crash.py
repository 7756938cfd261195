"""Killing the process in the middle of the rep's sentence keeps everything said before it,
and the audio of the sentence up to that moment."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from tests.isolation import private_shm
from tests.speech import conversation, needs_espeak, write_wav

pytestmark = [needs_espeak, pytest.mark.slow]


def _wait_for(check: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _seconds(path: Path | None) -> float:
    assert path is not None
    with wave.open(str(path)) as w:
        return float(w.getnframes() / w.getframerate())


def test_sigkill_mid_utterance_keeps_the_turns_and_the_audio(
    mini_workspace: Path, tmp_path: Path
) -> None:
    spoken = conversation(
        [
            "How does a typical morning look for your dispatch team?",
            "And when the plan changes at the last minute, who has to call all the drivers, "
            "and how long does that usually take your team on a busy day?",
        ],
        gap=3.0,
        lead=3.0,  # the customer's opening line is heard before the rep speaks
    )
    wav = write_wav(tmp_path / "rep.wav", spoken.audio)
    out = (tmp_path / "out.txt").open("w")
    proc = subprocess.Popen(
        private_shm(
            [
                *(sys.executable, "-m", "roleplay", "--workspace", str(mini_workspace)),
                *("practice", "mini", "--audio-in", str(wav), "--plain", "--seed", "7"),
                *("--rep", "crash-test"),
            ]
        ),
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    recordings = mini_workspace / "recordings"
    try:

        def second() -> Path | None:
            return next(recordings.glob("*/audio/rep-002.wav"), None)

        _wait_for(lambda: second() is not None, what="the second utterance to start")
        # Kill it a second into the second sentence (it lasts about six).
        _wait_for(lambda: _seconds(second()) > 1.2, what="a second of audio")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        out.close()

    [folder] = [p.parent for p in recordings.glob("*/session.json")]
    turns = [json.loads(line) for line in (folder / "transcript.jsonl").read_text().splitlines()]
    assert [t["speaker"] for t in turns] == ["customer", "rep", "customer"]
    assert "morning" in turns[1]["text"]
    for t in turns:  # every finished turn's audio is a valid file
        assert _seconds(folder / t["audio"]) > 0.5
    in_flight = _seconds(folder / "audio" / "rep-002.wav")
    assert 1.2 <= in_flight < 4.0  # the sentence up to the kill, readable
    record = json.loads((folder / "session.json").read_text())
    assert record["ended_at"] is None and record["mode"] == "voice"

    shown = CliRunner().invoke(app, ["--workspace", str(mini_workspace), "show", "last"])
    assert shown.exit_code == 0 and "typical morning" in shown.output
