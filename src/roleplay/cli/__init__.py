"""The command line: `roleplay COMMAND`. Every command that prints a result takes --json.

Commands live in one module per audience; importing them registers them on `app`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from roleplay import __version__
from roleplay.cli import (
    assignments,
    call_drills,
    doctor,
    habit,
    practice,
    scoring,
    team,
    team_roles,
    testing,
    trainer,
    voice,
)
from roleplay.cli.app import State, app, build_services, fail
from roleplay.cli.render import clock
from roleplay.config import ConfigError, setup_logging
from roleplay.errors import RoleplayError

__all__ = [
    "app",
    "assignments",
    "call_drills",
    "doctor",
    "habit",
    "main",
    "practice",
    "scoring",
    "team",
    "team_roles",
    "testing",
    "trainer",
    "voice",
]


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Folder with scenarios/, rubrics/, recordings/."),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Show the version.")] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="With no command: a plain prompt instead of the app.")
    ] = False,
) -> None:
    """With no command: open the app (in a terminal), or pick a scenario at a plain prompt."""
    State.workspace = workspace
    setup_logging()
    if version:
        typer.echo(f"roleplay {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        if plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
            _pick_and_practise()
        else:
            from roleplay.tui.app import run_app  # Textual loads only for the app

            run_app(build_services())


def _pick_and_practise() -> None:
    services = build_services()
    catalog = services.catalog()
    entries = sorted(
        catalog.scenarios.values(), key=lambda e: (e.scenario.difficulty, e.scenario.title)
    )
    if catalog.problems:
        typer.echo(f"{len(catalog.broken)} file(s) have problems; `roleplay validate` lists them.")
    if not entries:
        raise fail(f"no usable scenarios in {services.workspace.scenarios}")
    typer.echo(f"Scenarios in {services.workspace.root}:")
    for n, e in enumerate(entries, 1):
        s = e.scenario
        typer.echo(f"  {n:>2}. {s.title}  (difficulty {s.difficulty}, {clock(s.time_limit)})")
    try:
        choice = input("Pick a number (Enter for 1): ").strip() or "1"
    except (EOFError, KeyboardInterrupt):
        raise typer.Exit() from None
    if not choice.isdigit() or not 1 <= int(choice) <= len(entries):
        raise fail(f"'{choice}' is not a number from 1 to {len(entries)}")
    practice.practise(services, entries[int(choice) - 1].scenario.id, None, None, as_json=False)


def main() -> None:
    try:
        app()
    except (ConfigError, RoleplayError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
