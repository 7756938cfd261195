"""Commands that read a rep's sessions: list them, show one. They load none of what a call
needs (the speech, the customer, the judge), and a long list comes from the index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import typer

from roleplay.cli import render
from roleplay.cli.app import JsonOpt, app, build_services, emit_json, fail
from roleplay.domain.text import redact as redact_secrets
from roleplay.presentation import workspace as workspace_note
from roleplay.services.ports import BrokenRecording, SessionNotFound

if TYPE_CHECKING:
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import Transcript
    from roleplay.domain.shown_session import ShownCard, ShownTranscript


@app.command()
def sessions(as_json: JsonOpt = False) -> None:
    """List saved sessions, newest first (unfinished ones too, and damaged ones with why)."""
    services = build_services()
    if as_json:
        records, damaged = services.store.survey()  # from the index when there are many
        scores, unreadable = services.store.scores(records)
        problems = {d.id: d.reason for d in damaged} | unreadable
        emit_json(
            [
                {
                    **r.model_dump(mode="json"),
                    "status": "damaged" if r.id in problems else render.status(r),
                    "duration": render.duration(r),
                    "overall": scores[r.id],
                    **({"problem": problems[r.id]} if r.id in problems else {}),
                }
                for r in records
            ]
            + [{"id": d.id, "status": "damaged", "problem": d.reason} for d in damaged]
        )
    else:
        listed, damaged = services.store.listing()  # a long list: the index's columns only
        scores, unreadable = services.store.scores(listed)
        problems = {d.id: d.reason for d in damaged} | unreadable
        # The workspace on a line of its own, then how to choose another, filled (the command
        # and the path stay whole).
        typer.echo(render.safe(workspace_note.describe(services.workspace)) + ".")
        typer.echo(render.wrap(workspace_note.CHOOSE) + "\n")
        typer.echo(render.session_table(listed, scores, problems))
    if problems:
        raise typer.Exit(1)


@app.command()
def show(
    session: Annotated[str, typer.Argument(help="Session id, a unique prefix, or 'last'.")],
    as_json: JsonOpt = False,
) -> None:
    """Print one session's transcript (and its scorecard when it has one)."""
    services = build_services()
    transcript: Transcript | ShownTranscript
    card: Scorecard | ShownCard | None
    try:
        if as_json:  # the models' own dump
            transcript, read = services.store.load_readable(session)
        else:  # plain views of well-formed files: no pydantic (issue 18)
            transcript, read = services.session_to_show(session)
    except SessionNotFound as exc:
        raise fail(str(exc.args[0])) from None
    problems = [p for p in [read.problem()] if p]
    try:
        if as_json:
            card = services.store.scorecard(transcript.record.id)
        else:
            card = services.scorecard_to_show(transcript.record.id)
    except BrokenRecording as exc:
        problems.append(str(exc))
        card = None
    secrets = services.secrets()  # the one redaction, without building the review service

    def redact(text: str) -> str:
        return redact_secrets(text, secrets)

    from roleplay.services.redaction import redact_all  # pydantic: not for `sessions`

    # Redacted before rendering: wrapping breaks a long key (at its hyphens, or at the width)
    # over two lines, which a redaction of the rendered text no longer finds.
    transcript = redact_all(transcript, secrets)
    card = redact_all(card, secrets)

    if as_json:
        models = cast("Transcript", transcript)  # as_json read the models (above)
        model_card = cast("Scorecard | None", card)
        emit_json(
            {
                "session": models.record.model_dump(mode="json"),
                "turns": [t.model_dump(mode="json") for t in models.turns],
                "scorecard": model_card.model_dump(mode="json") if model_card else None,
                "problems": problems,
            },
            redact=redact,
        )
    else:
        # The same names as the live call and the end of `practice`: the persona's first name
        # and the rubric's title.
        catalog = services.catalog_summary()  # two names: no scenario or rubric model
        found = catalog.scenarios.get(transcript.record.scenario.id)
        name = found.scenario.persona.name.split()[0] if found else None
        typer.echo(redact(render.transcript(transcript, name)))
        if card:
            rubric = catalog.rubrics.get(card.rubric)
            title = rubric.rubric.title if rubric else None
            typer.echo("\n" + redact(render.scorecard(card, title)))
    if read.torn_tail:  # a crash's half-written last line: not damage, but never silent
        typer.echo(f"note: {render.safe(read.torn_tail)} (cut short by a crash; skipped)", err=True)
    for problem in problems:  # what could not be read is said, never skipped
        typer.echo(f"error: {render.safe(redact(problem))}", err=True)
    if problems:
        raise typer.Exit(1)
