"""`roleplay --workspace WS ...` run in this process through Typer's runner: what most CLI
tests do, written once."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from typer.testing import CliRunner, Result

from roleplay.cli import app

runner = CliRunner()


def invoke(
    ws: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> Result:
    """`roleplay --workspace WS ARGS`, `input` typed on standard input, `env` over the
    environment; its exit code and output (the runner never raises for a failed command)."""
    return runner.invoke(app, ["--workspace", str(ws), *args], input=input, env=env)


def on_a_terminal(
    args: Sequence[str],
    asked: Callable[[bytes], bool],
    answer: bytes,
    env: Mapping[str, str] | None = None,
) -> tuple[int, str, bool]:
    """`roleplay ARGS` on a real terminal (a pty), as a rep at a desk runs it: `answer` and
    Enter are typed once `asked(output so far)`. Returns the exit code, what the terminal
    showed (lines ending in \\n) and whether the question came."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "roleplay", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, **(env or {})},
    )
    os.close(slave)
    out, typed = b"", False
    deadline = time.monotonic() + 180  # generous: a busy CI machine
    try:
        while time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break
                out += chunk
                if not typed and asked(out):
                    os.write(master, answer + b"\n")
                    typed = True
            elif proc.poll() is not None:
                break
    finally:
        os.close(master)
        proc.wait(timeout=60)
    text = out.decode("utf-8", "replace").replace("\r\n", "\n")
    return proc.returncode, text, typed
