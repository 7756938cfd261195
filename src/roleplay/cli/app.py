"""The typer application and what every command shares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from roleplay.composition import Services

app = typer.Typer(
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
