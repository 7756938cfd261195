"""`roleplay call-drills SESSION`: the weakest moments of a scored real call, made into drills."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from roleplay.cli.app import JsonOpt, app, build_services, emit_json, fail
from roleplay.domain.call import stamp
from roleplay.domain.call_drill import Moment


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
    as_json: JsonOpt = False,
) -> None:
    """The weakest moments of a scored real call; with --make, drills that open with the
    customer's own words and join the queue for the weak skill."""
    from roleplay.services.call_drills import CallDrillError, make_drills, moments_of
    from roleplay.services.catalog import UnknownScenario
    from roleplay.services.ports import SessionNotFound

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
            typer.echo(
                f"Make drills from them: roleplay call-drills {t.record.id} --make "
                "[--scenario SCENARIO]"
            )
            return
        made = make_drills(
            services.store,
            services.catalog(),
            services.workspace.scenarios,
            services.workspace.rubrics,
            session,
            datetime.now(UTC).date(),
            scenario,
        )
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
                    "moment": _moment_json(d.moment),
                }
                for d in made
            ]
        )
        return
    for d in made:
        typer.echo(f"Wrote {d.path} (validated): drill '{d.drill}' trains {d.skill}")
        typer.echo(f"  practise it: {d.command}")
    typer.echo("It joins the queue (`roleplay today`) when the skill comes up.")


def _moment_json(m: Moment) -> dict[str, object]:
    return {
        "criterion": m.criterion,
        "skill": m.skill,
        "level": m.level,
        "customer": m.opening.text,
        "at": m.opening.start,
        "before": [{"speaker": t.speaker, "text": t.text} for t in m.before],
    }
