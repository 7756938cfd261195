"""The root of the command line: the options before any command, the app or the plain prompt
when no command is given, and `main`. Commands register themselves when cli/app.py loads their
module (only the one that runs)."""

from __future__ import annotations

import atexit
import os
import sys
import threading
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from roleplay import __version__
from roleplay.cli.app import State, app, build_services, fail, settle
from roleplay.cli.plain_params import install as install_plain_params
from roleplay.errors import RoleplayError

install_plain_params()  # a folder or a session id needs no pydantic validator (issue 18)

__all__ = ["app", "main"]


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
    from roleplay.config import setup_logging  # pydantic settings: not needed for `--help`

    State.workspace = workspace
    setup_logging()
    if version:
        typer.echo(f"roleplay {__version__}")
        raise typer.Exit()
    if workspace is not None and ctx.invoked_subcommand not in _NO_WORKSPACE_NEEDED:
        _check_workspace(workspace)
    if ctx.invoked_subcommand is None:
        settle()  # the app or the prompt runs for long: collections resume
        if plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
            _pick_and_practise()
        else:
            from roleplay.tui.app import run_app  # Textual loads only for the app

            # As bare `roleplay` (cli/start.py): the app draws its first frame, then builds
            # the services in a worker (and shows a failure there). It owns the terminal.
            run_app(lambda: build_services(progress=False))


# `new` makes the folders it writes into; the others read no workspace at all.
_NO_WORKSPACE_NEEDED = frozenset({"new", "schema", "devices"})


def _check_workspace(workspace: Path) -> None:
    """A mistyped --workspace is said as such: read commands went on to "No sessions yet" and
    "Nothing is due today" (exit 0) about a folder that is not there."""
    folder = workspace.expanduser()
    if folder.exists():  # a file there is said where the folders are made (a disk problem)
        return
    raise fail(
        f"the workspace {folder} (--workspace) does not exist; check the path, or start a new "
        f"workspace there with `roleplay -w {folder} new scenario ID`"
    )


def _pick_and_practise() -> None:
    from roleplay.cli.render import clock

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
        # The prompt's line is ended, and the rep told how to start one without it (the
        # README's first command, run without a terminal, ends here: exit 0 as before).
        typer.echo("")
        typer.echo(
            f"No scenario picked. Start one with `roleplay practice ID`, "
            f"e.g. `roleplay practice {entries[0].scenario.id}`.",
            err=True,
        )
        raise typer.Exit() from None
    if not choice.isdigit() or not 1 <= int(choice) <= len(entries):
        raise fail(f"'{choice}' is not a number from 1 to {len(entries)}")
    from roleplay.cli import practice

    practice.practise(services, entries[int(choice) - 1].scenario.id, None, None, as_json=False)


def main() -> None:
    code: object = 0
    try:
        app()  # ends with SystemExit (click's standalone mode)
    except RoleplayError as exc:  # a ConfigError too
        typer.echo(f"error: {exc}", err=True)
        code = 2
    except SystemExit as exc:
        code = exc.code
    if not _as_the_program():
        sys.exit(code)  # type: ignore[arg-type]  # what SystemExit carried
    leave(code)


def _as_the_program() -> bool:
    """Whether roleplay runs as the program (`roleplay`, `python -m roleplay`, `python -c`):
    the first caller above roleplay's own entry functions is a __main__ module. A caller that
    goes on afterwards (a test calling main) gets the ordinary SystemExit."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("roleplay"):
        frame = frame.f_back  # type: ignore[assignment]
    return frame is not None and frame.f_globals.get("__name__") == "__main__"


def leave(code: object) -> NoReturn:
    """End the process without tearing the interpreter down object by object: after a long
    list that took 100-300 ms (a third of a read command), for nothing the OS does not do
    anyway. Only as the program (see main), and only when nothing else runs: every other
    thread has ended (so no write is cut short), everything registered to run at exit has run
    (log files are flushed), and the output is flushed; otherwise the ordinary exit."""
    if threading.active_count() > 1:
        sys.exit(code)  # type: ignore[arg-type]  # what SystemExit carried
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)  # what sys.exit("message") prints
        code = 1
    atexit._run_exitfuncs()  # logging.shutdown and the like, as at an ordinary exit
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: let the ordinary exit say so, with its exit code
        sys.exit(code)
    os._exit(code)
