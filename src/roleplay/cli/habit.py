"""Commands for the daily habit: today's queue, progress over time, commitments.

Also the two moments of `roleplay practice` that belong to the habit: the open commitment shown
in the brief, and the commitment offered after the scorecard.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from roleplay.cli import habit_render as view
from roleplay.cli.app import JsonOpt, app, build_services, emit_json, fail, rep_option
from roleplay.cli.render import schedule_lines as schedule_lines  # practice prints it too
from roleplay.cli.render import wrap
from roleplay.errors import RoleplayError

if TYPE_CHECKING:
    from roleplay.composition import Services
    from roleplay.domain.assignments import Progress
    from roleplay.domain.commitment import Commitment
    from roleplay.services.end_of_call import CallResult
    from roleplay.services.engine import Conversation

RepOpt = Annotated[
    str | None, typer.Option(help="Whose practice (default: you).", callback=rep_option)
]


@app.command()
def today(
    rep: RepOpt = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Rebuild the schedule from the recordings first.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Today's queue: the skills due, the drill for each, your streak and daily goal."""
    from roleplay.services.daily import today as build_today

    services = build_services()
    catalog = services.catalog_summary()  # the facts `today` shows: no scenario models
    # The schedule's quick copy as plain views when it holds every session (no pydantic);
    # else the Habit, which syncs the schedule with the recordings (and rebuilds it).
    quick = None if rebuild else services.quick_habit(rep)
    if quick is not None:
        result = build_today(quick, catalog)
    else:
        habit = services.habit(rep)
        if rebuild:
            habit.rebuild(catalog)
        result = build_today(habit, catalog)
    assigned, problem = _assigned(services, rep)
    if assigned:  # the assignments' views load for a rep who has some (a rep alone has none)
        from roleplay.presentation.assignments import progress_json, today_lines
    if as_json:
        mine = [progress_json(p) for p in assigned] if assigned else []
        emit_json({"assignments": mine, **view.today_json(result)})
        return
    if problem or assigned:  # what a trainer asked for comes before the schedule's queue
        typer.echo(problem or "\n".join(today_lines(assigned)) + "\n")
    typer.echo(view.today_text(result))
    if catalog.problems:
        typer.echo(f"({len(catalog.broken)} file(s) have problems; `roleplay validate` lists them)")


def _assigned(services: Services, rep: str | None) -> tuple[list[Progress], str | None]:
    if not services.may_have_assignments():  # a rep alone: the index need not be opened
        return [], None
    try:
        return services.assignments().mine(rep), None
    except RoleplayError as exc:  # an unreachable team index must not hide today's queue
        return [], f"Assignments are not available: {exc}\n"


@app.command()
def progress(
    skill: Annotated[str | None, typer.Option(help="One skill, in detail.")] = None,
    days: Annotated[
        int, typer.Option(min=1, max=3650, help="Days of day-by-day retrievability.")
    ] = 90,
    rep: RepOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Progress over time: rubric levels and retrievability per skill, KPIs, commitments kept."""
    from roleplay.services.daily import UnknownSkill
    from roleplay.services.daily import progress as build_progress

    services = build_services()
    # The text of all skills draws no day-by-day series and the latest points of each KPI
    # only: what the schedule's quick copy holds (no replay, no 8 MB parse at 8,000 sessions).
    summary = skill is None and not as_json
    # That copy as plain views when it holds every session (no pydantic); else the Habit.
    quick = services.quick_habit(rep) if summary else None
    try:
        result = build_progress(
            quick if quick is not None else services.habit(rep),
            services.catalog_summary(),
            skill,
            0 if summary else days,
            view.SPARK_POINTS if summary else None,
        )
    except UnknownSkill as exc:
        raise fail(str(exc)) from None
    if as_json:
        emit_json(view.progress_json(result))
        return
    typer.echo(view.progress_text(result, detail=skill is not None))


@app.command()
def commit(
    text: Annotated[
        str | None,
        typer.Argument(help="Your own words (none: the suggestion is shown and asked about)."),
    ] = None,
    session: Annotated[str, typer.Option(help="Session id, prefix or 'last'.")] = "last",
    skill: Annotated[
        str | None,
        typer.Option(help="The skill it is about (default: the one your words are about)."),
    ] = None,
    suggested: Annotated[
        bool,
        typer.Option("--suggested", help="Commit to the session's suggestion as it is."),
    ] = False,
    rep: RepOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Commit to one behaviour for next time (what `practice` offers after the scorecard)."""
    from roleplay.services.habit import NothingToCommit
    from roleplay.services.ports import SessionNotFound

    if suggested and text is not None:
        raise fail("--suggested commits to the suggestion, your words replace it: give one")
    services = build_services()
    try:
        session_id = services.store.resolve(session)
        habit = services.habit(rep)
        if text is None and not suggested:
            # Nothing given: recording the suggestion silently was a commitment the rep
            # never saw. A terminal is asked (as `practice` asks); a script is told how.
            found = habit.suggestion(session_id)
            if found is None:
                habit.commit(session_id)  # raises NothingToCommit, saying why
            assert found is not None
            if as_json or not sys.stdin.isatty():
                raise fail(_commit_how(found.text, session_id))
            ask_commitment(services, session_id, found, _ask, habit.rep)
            return
        made = habit.commit(session_id, text, skill)
    except (SessionNotFound, NothingToCommit) as exc:
        raise fail(str(exc.args[0])) from None
    if as_json:
        emit_json(view.commitment_json(made, session_id))
        return
    how = (
        "as you chose"
        if skill
        else "chosen by what your words are about"
        if text is not None
        else "the suggestion's"
    )
    typer.echo(wrap(f"Committed: {made.text}"))
    typer.echo(
        wrap(
            f"Skill: {made.criterion_name} ({made.skill}), {how}; another: --skill SKILL. "
            f"The next session that trains {view.skill_name(made.skill)} will check it."
        )
    )


def _commit_how(suggestion: str, session_id: str) -> str:
    """What `commit` with nothing to commit to says when it cannot ask."""
    return (
        f'nothing committed: say what to commit to, e.g. roleplay commit "YOUR WORDS" '
        f"--session {session_id}; the suggestion was \u201c{suggestion}\u201d, and "
        f"roleplay commit --suggested --session {session_id} commits to it as it is"
    )


def _ask(prompt: str) -> str:
    return input(prompt)


# --- the habit's part of `roleplay practice` ------------------------------------------------


def brief_reminders(services: Services, call: Conversation, rep: str | None) -> list[str]:
    """Open commitments about the skills this call trains, as lines for the brief."""
    record = call.record
    skills = list(record.drill.skills) if record.drill else list(call.run.scenario.skills)
    found = services.habit(rep).reminders(skills, call.run.scenario.id)
    return [wrap(view.reminder(*r)) for r in found]


def result_json(result: CallResult) -> dict[str, Any]:
    """The end of a call (or a re-score) for --json: the scorecard, and what comes next."""
    found = result.suggestion
    suggestion = (
        None
        if found is None
        else {
            **view.commitment_json(found, result.session_id),
            "accept_with": f"roleplay commit --suggested --session {result.session_id}",
        }
    )
    return {
        **result.scorecard.model_dump(mode="json"),
        "comes_back": {skill: day.isoformat() for skill, day in sorted(result.comes_back.items())},
        "stays_today": sorted(result.stays_today),  # due today whatever the day: below the pass
        "commitment_suggestion": suggestion,
        **({"schedule_problem": result.schedule_problem} if result.schedule_problem else {}),
    }


def offer_commitment(services: Services, result: CallResult, read: Callable[[str], str]) -> None:
    """Suggest one commitment; the rep accepts it (Enter), rewords it, or skips it."""
    found = result.suggestion
    if found is None:
        return
    ask_commitment(services, result.session_id, found, read, result.transcript.record.rep)


def ask_commitment(
    services: Services,
    session_id: str,
    found: Commitment,
    read: Callable[[str], str],
    rep: str,
) -> None:
    """Show the suggestion `found` and ask: Enter commits to it, words replace it, 'skip'."""
    typer.echo(
        "\n"
        + wrap(
            f"One thing to commit to for next time (from \u201c{found.criterion_name}\u201d, "
            f"level {found.level}): {found.text}"
        )
    )
    try:
        answer = read("Enter to commit, type your own version, or 'skip': ").strip()
    except (EOFError, KeyboardInterrupt):
        typer.echo("\nNo commitment this time.")
        return
    if answer.lower() in {"skip", "s", "no", "n", "-"}:
        typer.echo("No commitment this time.")
        return
    if answer.startswith("/"):  # a call's command (/end) typed once too often, not a promise
        typer.echo(
            wrap(
                f"No commitment this time: {answer} is a command of the call, not something "
                'to commit to (make one later with: roleplay commit "...").'
            )
        )
        return
    made = services.habit(rep).commit(session_id, answer or None)
    typer.echo(
        wrap(
            f"Committed: {made.text} The next session that trains "
            f"{view.skill_name(made.skill)} will show it and check it."
        )
    )
