"""`roleplay team`: who is on a shared team index and what each may do (PostgreSQL roles).

Passwords are read from a hidden prompt, or from the first line of stdin when it is not a
terminal (for scripts); never from an argument, where other users of the machine could see it.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from roleplay.cli.app import FullSummaries, JsonOpt, app, build_services, emit_json, fail
from roleplay.domain.roles import ROLES, WHAT, NotAllowed
from roleplay.services.ports import IndexUnavailable
from roleplay.services.team import TeamError

team_app = typer.Typer(
    cls=FullSummaries,
    help="People on a shared team index and their roles (rep, trainer, admin).",
)
app.add_typer(team_app, name="team")


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except (IndexUnavailable, NotAllowed, TeamError) as exc:
        raise fail(str(exc)) from None


@team_app.command("init")
def team_init(as_json: JsonOpt = False) -> None:
    """Set up the team roles (run once, as the database owner)."""
    with _errors():
        who, members, where = build_services().team().init()
    if as_json:
        emit_json({"database": where, "login": who.login, "members": dict(members)})
        return
    typer.echo(f"Team roles are ready in {where} (you, '{who.login}', own it).")
    typer.echo("  rep:     " + WHAT["practise"] + "; reads the reviews of their own sessions")
    typer.echo("  trainer: also reads the whole team's sessions; comments, overrides, marks")
    typer.echo("  admin:   also adds people and changes roles")
    typer.echo(_listing(members) if members else "Nobody is on the team yet.")
    typer.echo("Add people with `roleplay team add NAME --role rep|trainer|admin`.")


@team_app.command("add")
def team_add(
    name: Annotated[str, typer.Argument(help="Their database login, e.g. ana.")],
    role: Annotated[str, typer.Option(help="rep, trainer or admin.")] = "rep",
    as_json: JsonOpt = False,
) -> None:
    """Add a person (a new login, with a password you type) or change their role."""
    team = build_services().team()
    with _errors():
        if role not in ROLES:
            raise TeamError(f"no role '{role}': the roles are {', '.join(ROLES)}")
        password = _password(name) if team.needs_password(name) else None
        added = team.add(name, role, password)
    if as_json:
        emit_json({"login": added.login, "role": added.role, "created": added.created})
    elif added.created:
        typer.echo(
            f"Added the login '{name}' as {role}. They connect with their own login: "
            f"ROLEPLAY_DATABASE_URL=postgresql://{name}:THEIR-PASSWORD@HOST:PORT/DATABASE"
        )
    else:
        typer.echo(f"'{name}' is now {role} (their password is unchanged).")


@team_app.command("remove")
def team_remove(
    name: Annotated[str, typer.Argument(help="Their database login.")],
    as_json: JsonOpt = False,
) -> None:
    """Take a person off the team (their login and sessions stay; they lose access)."""
    with _errors():
        build_services().team().remove(name)
    if as_json:
        emit_json({"login": name, "removed": True})
    else:
        typer.echo(f"'{name}' is no longer on the team.")


@team_app.command("list")
def team_list(as_json: JsonOpt = False) -> None:
    """Everyone on the team and their role."""
    with _errors():
        members = build_services().team().members()
    if as_json:
        emit_json([{"login": login, "role": role} for login, role in members])
    else:
        typer.echo(_listing(members) if members else "Nobody is on the team yet.")


def _listing(members: list[tuple[str, str]]) -> str:
    return "\n".join(f"  {login:<24} {role}" for login, role in members)


def _password(name: str) -> str:
    """A new login's password: typed twice at a hidden prompt, or one line of stdin."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise TeamError(
                f"the login '{name}' is new and needs a password: type it at the prompt, or "
                "give it as the first line of stdin"
            )
        return line
    try:
        first = getpass.getpass(f"Password for the new login '{name}': ")
        again = getpass.getpass("Again: ")
    except (EOFError, KeyboardInterrupt):
        raise typer.Exit(1) from None
    if first != again:
        raise TeamError("the two passwords differ; nothing was changed")
    if not first:
        raise TeamError("the password is empty; a login needs one")
    return first
