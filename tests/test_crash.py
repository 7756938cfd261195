"""Killing the process mid-session loses at most the turn in flight."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from roleplay.cli import app


def _read_until(proc: subprocess.Popen[str], needle: str, timeout: float = 30) -> str:
    """Read stdout until `needle` appears (the line before it was fully handled)."""
    assert proc.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        assert time.monotonic() < deadline, f"timed out waiting for {needle!r}; got {seen!r}"
        chunk = os.read(proc.stdout.fileno(), 4096).decode()
        assert chunk, f"process exited early; output so far: {seen!r}"
        seen += chunk
    return seen


def test_sigkill_mid_session_keeps_every_finished_turn(mini_workspace: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "roleplay",
            "--workspace",
            str(mini_workspace),
            "practice",
            "mini",
            "--text",
            "--seed",
            "7",
            "--rep",
            "crash-test",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert proc.stdin is not None
    try:
        _read_until(proc, "You: ")
        proc.stdin.write("How does a typical morning look for your dispatch team?\n")
        proc.stdin.flush()
        _read_until(proc, "You: ")  # the customer has answered: two more turns are done
        proc.stdin.write("What budget do you have for this")  # typed, never sent: in flight
        proc.stdin.flush()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()

    [folder] = [p for p in (mini_workspace / "recordings").glob("[!.]*") if p.is_dir()]
    turns = [json.loads(line) for line in (folder / "transcript.jsonl").read_text().splitlines()]
    assert [t["speaker"] for t in turns] == ["customer", "rep", "customer"]
    assert turns[1]["text"] == "How does a typical morning look for your dispatch team?"
    record = json.loads((folder / "session.json").read_text())
    assert record["ended_at"] is None and record["rep"] == "crash-test"

    # The half-finished session lists and shows.
    runner = CliRunner()
    listed = runner.invoke(app, ["--workspace", str(mini_workspace), "sessions"])
    assert "unfinished" in listed.output
    shown = runner.invoke(app, ["--workspace", str(mini_workspace), "show", "last"])
    assert shown.exit_code == 0
    assert "How does a typical morning look" in shown.output
    assert "did not finish" in shown.output


def test_a_torn_last_line_is_skipped_and_the_rest_reads(mini_workspace: Path) -> None:
    runner = CliRunner()
    runner.invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--seed", "7"],
        input="Hello\nHow are mornings for your dispatch team?\n/end\n",
    )
    [folder] = [p for p in (mini_workspace / "recordings").glob("[!.]*") if p.is_dir()]
    transcript = folder / "transcript.jsonl"
    whole = transcript.read_text()
    transcript.write_text(whole + '{"index": 99, "speaker": "rep", "te')  # power cut mid-write
    shown = runner.invoke(app, ["--workspace", str(mini_workspace), "show", "last", "--json"])
    assert shown.exit_code == 0
    doc = json.loads(shown.stdout)
    assert len(doc["turns"]) == len(whole.splitlines())
