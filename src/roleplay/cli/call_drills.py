"""`roleplay call-drills SESSION`: the weakest moments of a scored real call, made into drills."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from roleplay.cli import render
from roleplay.cli.app import JsonOpt, app, build_services, emit_json, fail
from roleplay.domain.call import stamp
from roleplay.domain.call_drill import Moment

if TYPE_CHECKING:
    from roleplay.composition import Services


def describe(moments: list[Moment]) -> list[str]:
    lines = []
    for i, m in enumerate(moments, 1):
        lines.append(f"  {i}. {m.name} (level {m.level}, skill {m.skill})")
        lines.append(f'     customer at {stamp(m.opening.start)}: "{m.opening.text[:100]}"')
    return lines


@app.command("call-drills")
def call_drills(
    session: Annotated[str, typer.Argument(help="A saved real call: session id, prefix, 'last'.")],
    make: Annotated[
        bool, typer.Option("--make", help="Write the drills into the workspace's scenarios.")
    ] = False,
    scenario: Annotated[
        str | None,
        typer.Option(
            help="Take persona and context from this scenario (default: a minimal one "
            "made from the call)."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="With --make: replace drill files made before (a trainer may have edited "
            "them; each old file is kept as NAME.yaml.bak).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """The weakest moments of a scored real call; with --make, drills that open with the
    customer's own words and join the queue for the weak skill.

    A drill file already there is never overwritten without --force."""
    from roleplay.services.call_drills import CallDrillError, made_before, moments_of
    from roleplay.services.catalog import UnknownScenario
    from roleplay.services.ports import SessionNotFound

    if force and not make:
        raise fail("--force goes with --make (it replaces drill files made before)")
    services = build_services()
    try:
        if not make:
            t, _card, moments = moments_of(services.store, session)
            if as_json:
                emit_json([_moment_json(m) for m in moments])
                return
            typer.echo(f"Weakest moments of {t.record.id}:")
            for line in describe(moments):
                typer.echo(line)
            there = made_before(services.workspace.scenarios, t)
            if there:
                typer.echo("Drills from this call are there already (practise them as they are):")
                for path in there:
                    typer.echo(f"  {path}")
                typer.echo(
                    render.wrap(
                        f"Make them again: roleplay call-drills {t.record.id} --make --force "
                        "(the old files are kept as NAME.yaml.bak)"
                    )
                )
                return
            typer.echo(
                render.wrap(
                    f"Make drills from them: roleplay call-drills {t.record.id} --make "
                    "[--scenario SCENARIO]"
                )
            )
            return
        made = services.make_drills(session, scenario, force)
    except (SessionNotFound, CallDrillError, UnknownScenario) as exc:
        raise fail(str(exc.args[0]) if isinstance(exc, SessionNotFound) else str(exc)) from None
    if as_json:
        emit_json(
            [
                {
                    "file": str(d.path),
                    "scenario": d.scenario,
                    "drill": d.drill,
                    "skill": d.skill,
                    "command": d.command,
                    "replaced": str(d.replaced) if d.replaced is not None else None,
                    "moment": _moment_json(d.moment),
                }
                for d in made
            ]
        )
        return
    for d in made:
        typer.echo(f"Wrote {d.path} (validated): drill '{d.drill}' trains {d.skill}")
        if d.replaced is not None:
            typer.echo(f"  the file that was there is kept as {d.replaced}")
        typer.echo(f"  practise it: {d.command}")
    typer.echo("It joins the queue (`roleplay today`) when the skill comes up.")


def offer_drills(services: Services, session_id: str, make: bool | None) -> None:
    """After a real call is kept: its weakest moments, and an offer to drill them. `make` is
    the answer given up front (--make-drills/--no-make-drills); without one a terminal is
    asked, and a script is told the command. Never silent, never made unasked."""
    from roleplay.services.call_drills import CallDrillError, moments_of
    from roleplay.services.catalog import UnknownScenario

    try:
        _t, _card, moments = moments_of(services.store, session_id)
    except CallDrillError:
        return  # nothing scored: nothing to offer
    if not moments:
        return
    typer.echo("Weakest moments of this call:", err=True)
    for line in describe(moments):
        typer.echo(line, err=True)
    later = f"roleplay call-drills {session_id} --make [--scenario SCENARIO]"
    if make is None:
        if not sys.stdin.isatty():
            typer.echo(
                render.wrap(f"Make drills from them: {later} (or score with --make-drills)"),
                err=True,
            )
            return
        make = typer.confirm(
            "Make drills from them (they open with the customer's words and join your queue)?",
            default=True,
            err=True,
        )
    if not make:
        typer.echo(render.wrap(f"No drills made. Later: {later}"), err=True)
        return
    try:
        made = services.make_drills(session_id)
    except (CallDrillError, UnknownScenario) as exc:
        raise fail(str(exc)) from None
    for d in made:
        typer.echo(f"Wrote {d.path} (validated): drill '{d.drill}' trains {d.skill}", err=True)
        typer.echo(f"  practise it: {d.command}", err=True)
    typer.echo("They join your queue (`roleplay today`) when the skill comes up.", err=True)


def _moment_json(m: Moment) -> dict[str, object]:
    return {
        "criterion": m.criterion,
        "skill": m.skill,
        "level": m.level,
        "customer": m.opening.text,
        "at": m.opening.start,
        "before": [{"speaker": t.speaker, "text": t.text} for t in m.before],
    }
