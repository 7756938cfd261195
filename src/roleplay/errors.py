"""One error model: every failure a user can meet is a `RoleplayError` with a message (what
went wrong, where) and a hint (what to do). The CLI prints it as one line and an exit code; the
app shows it in a dialog. Pure: every layer may import it.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class RoleplayError(Exception):
    """A failure the user can act on. `str(error)` is the message with its hint."""

    title = "Something went wrong"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class MissingExtra(RoleplayError):
    """A command needs an optional part of roleplay that is not installed."""

    title = "Not installed"


def optional_import(module: str, extra: str, commands: str) -> ModuleType:
    """Import `module` from the optional extra `extra`, or say which install adds it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"{commands} needs {module.split('.')[0]}, which is not installed",
            f"install it with: python -m pip install 'roleplay[{extra}]' (in a clone: "
            f"python -m pip install '.[{extra}]')",
        ) from None
