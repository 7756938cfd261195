"""The typer application and what every command shares."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from roleplay.composition import Services


class WholeSummaries(TyperGroup):
    """`--help` lists each command with its whole summary (its help's first paragraph),
    wrapped to the terminal, where click would cut it with "..." at about 45 characters."""

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
    cls=WholeSummaries,
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


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print `error: message` to stderr; raise the returned Exit."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)
