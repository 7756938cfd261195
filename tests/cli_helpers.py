"""`roleplay --workspace WS ...` run in this process through Typer's runner: what most CLI
tests do, written once."""

from __future__ import annotations

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
