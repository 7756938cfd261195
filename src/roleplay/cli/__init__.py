"""The command line: `roleplay COMMAND`. Every command that prints a result takes --json.

Commands live in one module per audience; a command's module is imported only when that
command runs (cli/app.py keeps the table of which module holds which command). This package
itself imports nothing, so the app can use the CLI's small shared helpers without loading typer
or any command: `app` and `main` load on first use.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roleplay.cli.root import app
    from roleplay.cli.start import main

__all__ = ["app", "main"]


class _Cli(types.ModuleType):
    """`roleplay.cli.app` is the typer app (as it always was), not the module cli/app.py that
    defines it: importing that module binds it here, and this keeps the app in its place."""

    @property
    def app(self) -> Any:
        from roleplay.cli.root import app

        return app

    @app.setter
    def app(self, value: Any) -> None:
        del value  # the import system binding the submodule cli/app.py: keep the typer app

    @property
    def main(self) -> Any:  # bare `roleplay` opens the app without loading the command line
        from roleplay.cli.start import main

        return main


sys.modules[__name__].__class__ = _Cli  # documented: a module's class may be a ModuleType subclass
