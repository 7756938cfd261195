"""The `roleplay` entry point. Bare `roleplay` at a terminal opens the app straight away,
without loading the command line (typer and the command table): the app's first frame waits
for nothing it does not draw. Every other use goes to the command line (cli/root.py)."""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleplay.composition import Services


def main() -> None:
    # pydantic looks for plugins (observability hooks) in the entry points of every installed
    # package the first time it builds a validator: 10-20 ms of each command, spent reading
    # a hundred metadata files. roleplay uses none; typer switches them off for its own
    # validators too. Someone who sets the variable keeps their setting.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    from roleplay.cli.no_plugins import skip_plugin_lookup

    skip_plugin_lookup()  # and not even the imports of the lookup (15-20 ms)
    if len(sys.argv) == 1 and sys.stdin.isatty() and sys.stdout.isatty():
        from roleplay.errors import RoleplayError

        try:
            open_app()
        except RoleplayError as exc:  # a broken config file: one line, as the CLI says it
            print(f"error: {exc}", file=sys.stderr)
            sys.exit(2)
        return
    # A command creates ~100,000 objects while it starts (typer, pydantic, our models built
    # at import), and they live as long as the process: at Python's default threshold the
    # cyclic collector scanned them ~120 times, 10-30 ms of a 150 ms command. So no
    # collection until the command's module is loaded; then what is loaded is set aside
    # for good (gc.freeze) and collections resume as usual (cli/app.py: settle).
    collecting = gc.isenabled()
    gc.disable()
    try:
        from roleplay.cli.root import main as command_line

        command_line()  # as the program, this ends the process (cli/root.py: leave)
    finally:  # called from Python (a test): the caller's collector as it was
        if collecting:
            gc.enable()


def open_app() -> None:
    """The app on the workspace the settings choose (what `roleplay` with no command does).
    The app draws its first frame, then builds the services (and shows a failure there)."""
    from roleplay.tui.app import run_app  # Textual loads only for the app

    run_app(_services)


def _services() -> Services:
    from roleplay.composition import build
    from roleplay.config import setup_logging

    setup_logging()
    return build(None)
