"""One error model: every failure a user can meet is a `RoleplayError` with a message (what
went wrong, where) and a hint (what to do). The CLI prints it as one line and an exit code; the
app shows it in a dialog. Pure: every layer may import it.
"""

from __future__ import annotations

import errno
import importlib
from types import ModuleType

# A full disk, a read-only or unwritable folder: the user can fix these, so they are said in
# one line (the CLI's `error:`, the app's dialog), with what to do.
DISK_ERRORS = {
    errno.ENOSPC: "free some space (or point ROLEPLAY_HOME / --workspace elsewhere) and retry",
    errno.EDQUOT: "free some space within your quota and retry",
    errno.EROFS: "the file system is read-only; use a writable folder",
    errno.EACCES: "check the folder's permissions",
    errno.EPERM: "check the folder's permissions",
    # --workspace /etc/passwd: a file where a folder belongs (was a traceback).
    errno.ENOTDIR: "a file stands where a folder belongs; check --workspace, ROLEPLAY_WORKSPACE "
    "and ROLEPLAY_HOME",
}


def disk_problem(exc: OSError) -> tuple[str, str] | None:
    """(what failed, what to do) for an error the user can fix on their disk, else None:
    ("cannot write /x/transcript.jsonl (No space left on device)", "free some space ...")."""
    hint = DISK_ERRORS.get(exc.errno or 0)
    if hint is None:
        return None
    where = f" {exc.filename}" if exc.filename else ""
    verb = "access" if exc.errno in (errno.EACCES, errno.EPERM) else "write"
    verb = "use" if exc.errno == errno.ENOTDIR else verb
    return f"cannot {verb}{where} ({exc.strerror})", hint


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
