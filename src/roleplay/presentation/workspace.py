"""Which workspace is in use and how to choose another, in one wording for the app's settings,
`sessions` and `doctor` (sessions differ by workspace, so a rep must be able to see which)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the app shows the workspace without loading the doctor's checks
    from roleplay.config import Workspace
    from roleplay.services.doctor import Check

WHY = {
    "option": "chosen with --workspace",
    "cwd": "the current folder has scenarios/",
    "config": "set as `workspace` in the config file or ROLEPLAY_WORKSPACE",
    "user-data": "your own workspace, used from any folder",
}
CHOOSE = (
    'Another one: roleplay --workspace PATH, or workspace = "PATH" in the config file '
    "(or ROLEPLAY_WORKSPACE)."
)


def short_path(path: Path) -> str:
    """A path as a user reads it: the home folder as ~."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def describe(ws: Workspace) -> str:
    """'Workspace: ~/x (why)'."""
    return f"Workspace: {short_path(ws.root)} ({WHY[ws.origin]})"


def doctor_check(ws: Workspace) -> Check:
    """The workspace line of `roleplay doctor`."""
    from roleplay.services.doctor import Check

    return Check("workspace", "ok", f"{ws.root} ({WHY[ws.origin]}). {CHOOSE}")
