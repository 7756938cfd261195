"""The typer application and what every command shares."""

from __future__ import annotations

import errno
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from roleplay.domain.text import json_terminal_safe
from roleplay.errors import RoleplayError
from roleplay.services.ports import BrokenRecording, IndexUnavailable, SessionNotFound

if TYPE_CHECKING:
    from roleplay.composition import Services

# A full disk, a read-only or unwritable folder: the user can fix these, so they get one line.
DISK_ERRORS = {
    errno.ENOSPC: "free some space (or point ROLEPLAY_HOME / --workspace elsewhere) and retry",
    errno.EDQUOT: "free some space within your quota and retry",
    errno.EROFS: "the file system is read-only; use a writable folder",
    errno.EACCES: "check the folder's permissions",
    errno.EPERM: "check the folder's permissions",
}


class Commands(TyperGroup):
    """Every command: damaged recordings, unknown sessions and disk trouble end as one
    `error:` line and exit code 2, never a traceback. Every write is atomic or appended and
    fsynced, so what was saved before the failure stays intact. `--help` lists each command
    with its whole summary (its help's first paragraph), wrapped to the terminal, where click
    would cut it with "..." at about 45 characters."""

    def invoke(self, ctx: Any) -> Any:  # a click Context (typer vendors its own click)
        try:
            return super().invoke(ctx)
        except (BrokenRecording, IndexUnavailable, RoleplayError) as exc:
            raise fail(str(exc)) from None
        except SessionNotFound as exc:
            raise fail(str(exc.args[0]) if exc.args else "no such session") from None
        except OSError as exc:
            hint = DISK_ERRORS.get(exc.errno or 0)
            if hint is None:
                raise
            where = f" {exc.filename}" if exc.filename else ""
            verb = "access" if exc.errno in (errno.EACCES, errno.EPERM) else "write"
            raise fail(
                f"cannot {verb}{where} ({exc.strerror}); {hint}. Everything saved before is intact."
            ) from None

    # Any: typer vendors its own click, whose types it does not export.
    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.short_help or inspect.cleandoc(command.help or "")
            rows.append((name, " ".join(text.split("\n\n")[0].split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    cls=Commands,
    context_settings={"max_content_width": 120},  # wide terminals get one line per command
    add_completion=False,
    no_args_is_help=False,
    rich_markup_mode=None,
    help="roleplay: practise sales conversations against a simulated customer.",
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


class State:
    workspace: Path | None = None


def build_services(*, offline: bool = False) -> Services:
    from roleplay.composition import build

    return build(State.workspace, offline=offline)


def emit_json(data: Any, redact: Callable[[str], str] | None = None) -> None:
    """`data` as JSON on stdout; `redact` cleans the text (before JSON escapes it)."""
    if redact is not None:
        data = json.loads(json.dumps(data, default=str), object_hook=None)
        data = _walk(data, redact)
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    typer.echo(json_terminal_safe(text))  # lossless; no raw C1 control reaches a terminal


def _walk(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_walk(v, redact) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, redact) for k, v in value.items()}
    return value


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print `error: message` to stderr; raise the returned Exit."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)
