"""Commands for running practice as a team routine: `assign`, `assignments list | change |
withdraw`, and `outcomes import` (business results from a CRM or call-system export)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roleplay.cli.app import JsonOpt, app, build_services, emit_json, rep_option
from roleplay.domain.text import one_line

# One shape for an assignment in every command and in the app (`today` imports these here).
from roleplay.presentation.assignments import assignment_json as assignment_json
from roleplay.presentation.assignments import progress_json as progress_json
from roleplay.presentation.assignments import table as progress_table
from roleplay.presentation.assignments import today_lines as today_lines

assignments_app = typer.Typer(help="What trainers assigned: list, change, withdraw.")
app.add_typer(assignments_app, name="assignments")
outcomes_app = typer.Typer(help="Business outcomes (hard KPIs) per rep and period.")
app.add_typer(outcomes_app, name="outcomes")

DueOpt = Annotated[str | None, typer.Option(help="Done by this date (YYYY-MM-DD).")]
EveryOpt = Annotated[
    str | None, typer.Option(help='A cadence instead of a date: sessions per week, e.g. "2/week".')
]
NoteOpt = Annotated[str | None, typer.Option(help="A note for the rep, shown beside it.")]
PassOpt = Annotated[
    float | None,
    typer.Option(help="Counts only sessions scoring at least this overall (1-5)."),
]


@app.command()
def assign(
    target: Annotated[str, typer.Argument(help="SCENARIO or SCENARIO:DRILL.")],
    # Checked as `--rep` is everywhere else: the name, then against the reps the index knows.
    to: Annotated[
        str | None, typer.Option("--to", help="The rep it is for.", callback=rep_option)
    ] = None,
    team: Annotated[bool, typer.Option("--team", help="Everyone on the team.")] = False,
    due: DueOpt = None,
    every: EveryOpt = None,
    note: NoteOpt = None,
    pass_score: PassOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Assign a scenario or drill to a rep or the team, by a date or at a cadence."""
    services = build_services()
    item = services.assignments().assign(
        target, to=to, team=team, due=due, every=every, note=note or "", pass_score=pass_score
    )
    if as_json:
        emit_json(assignment_json(item))
        return
    typer.echo(f"Assigned {item.target} to {item.who}, {item.cadence} (id {item.id}).")
    if item.note:
        typer.echo(f"Note: {one_line(item.note)}")


@assignments_app.command("list")
def assignments_list(
    rep: Annotated[str | None, typer.Option(help="Only this rep's.", callback=rep_option)] = None,
    withdrawn: Annotated[bool, typer.Option("--withdrawn", help="Withdrawn ones too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Each assignment per rep with its state: done, open, OVERDUE (a rep sees their own)."""
    services = build_services()
    assigned = services.assignments()
    if rep is not None:  # a misspelt name: said, with the close ones (not "No assignments.")
        assigned.check_rep(rep)
    found = assigned.status(rep, withdrawn)
    if as_json:
        emit_json([progress_json(p) for p in found])
        return
    typer.echo(progress_table(found) if found else "No assignments.")


@assignments_app.command("change")
def assignments_change(
    assignment: Annotated[str, typer.Argument(help="Its id (or a unique start of it).")],
    due: DueOpt = None,
    every: EveryOpt = None,
    note: NoteOpt = None,
    pass_score: PassOpt = None,
    no_due: Annotated[bool, typer.Option("--no-due", help="Remove the date.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Change an assignment's date, cadence, note or pass score."""
    from roleplay.services.assignments import UNSET

    services = build_services()
    item = services.assignments().change(
        assignment,
        due=None if no_due else (due if due is not None else UNSET),
        every=every if every is not None else UNSET,
        note=note if note is not None else UNSET,
        pass_score=pass_score if pass_score is not None else UNSET,
    )
    if as_json:
        emit_json(assignment_json(item))
        return
    typer.echo(f"Changed {item.id}: {item.target} for {item.who}, {item.cadence}.")


@assignments_app.command("withdraw")
def assignments_withdraw(
    assignment: Annotated[str, typer.Argument(help="Its id (or a unique start of it).")],
    as_json: JsonOpt = False,
) -> None:
    """Withdraw an assignment (kept in the list with --withdrawn)."""
    item = build_services().assignments().withdraw(assignment)
    if as_json:
        emit_json(assignment_json(item))
        return
    typer.echo(f"Withdrew {item.id}: {item.target} for {item.who}.")


@outcomes_app.command("import")
def outcomes_import(
    file: Annotated[Path, typer.Argument(help="CSV with rep, period_start, metric, value.")],
    higher: Annotated[
        list[str] | None,
        typer.Option("--higher-is-better", help="A metric where more is better (repeatable)."),
    ] = None,
    lower: Annotated[
        list[str] | None,
        typer.Option("--lower-is-better", help="A metric where less is better (repeatable)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import business results per rep and period; every bad line is reported, none imported."""
    done = build_services().outcomes().import_file(file, higher=higher or (), lower=lower or ())
    if as_json:
        emit_json(
            {
                "file": done.file,
                "rows": done.rows,
                "added": done.added,
                "changed": done.changed,
                "unchanged": done.unchanged,
                "reps": list(done.reps),
                "metrics": done.metrics,
                "reps_without_practice": list(done.unknown_reps),
            }
        )
        return
    typer.echo(
        f"Imported {done.rows} row(s) from {done.file}: {done.added} new, {done.changed} "
        f"changed, {done.unchanged} already there; {len(done.reps)} rep(s)."
    )
    for metric, direction in done.metrics.items():
        way = f"{direction} is better" if direction else "direction not declared"
        typer.echo(f"  {metric}: {way}")
    undeclared = [m for m, d in done.metrics.items() if d is None]
    if undeclared:
        typer.echo(
            "Declare a direction with --higher-is-better METRIC or --lower-is-better METRIC "
            "(the report reads the correlation's sign by it)."
        )
    if done.unknown_reps:
        typer.echo(
            f"No practice in the index for: {', '.join(done.unknown_reps)} (check the names "
            "match the reps' names or logins)."
        )
