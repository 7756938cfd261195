"""`roleplay doctor`: is everything roleplay needs in place? One line per check."""

from __future__ import annotations

import typer

from roleplay.cli import workspace_note
from roleplay.cli.app import JsonOpt, app, build_services, emit_json
from roleplay.config import config_file
from roleplay.services.doctor import Check, check_llm

MARK = {"ok": "ok  ", "problem": "FAIL", "info": "note"}


@app.command()
def doctor(as_json: JsonOpt = False) -> None:
    """Check the config, the LLM endpoint, key and model; say what to fix."""
    services = build_services()
    path = config_file()
    checks = [
        Check("config", "ok", f"{path}" if path.exists() else f"{path} (not created; defaults)"),
        workspace_note.doctor_check(services.workspace),
        *check_llm(services.llm),
    ]
    if as_json:
        emit_json([c.to_json() for c in checks])
    else:
        for c in checks:
            line = f"[{MARK[c.status]}] {c.name}: {c.detail}"
            typer.echo(line + (f" -> {c.fix}" if c.fix else ""))
    raise typer.Exit(1 if any(c.status == "problem" for c in checks) else 0)
