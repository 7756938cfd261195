"""Commands for reps: practise a call, list sessions, show one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from roleplay.cli import habit, render
from roleplay.cli.app import JsonOpt, app, build_services, emit_json, fail
from roleplay.cli.text_call import run_text_call
from roleplay.cli.voice_call import VoiceOptions, choose_mode, fast_timeline, run_voice_call
from roleplay.presentation import workspace as workspace_note
from roleplay.services.catalog import UnknownScenario
from roleplay.services.ports import BrokenRecording, SessionNotFound

if TYPE_CHECKING:
    from roleplay.composition import Services


@app.command()
def practice(
    scenario: Annotated[str, typer.Argument(help="Scenario id (see `roleplay scenarios`).")],
    text: Annotated[bool, typer.Option("--text", help="Type your lines (no microphone).")] = False,
    seed: Annotated[int | None, typer.Option(help="Variation seed, to replay a draw.")] = None,
    rep: Annotated[str | None, typer.Option(help="Your name on the session.")] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use the scripted customer even with an LLM set up.")
    ] = False,
    drill: Annotated[
        str | None, typer.Option(help="Start at one of the scenario's drills (see `today`).")
    ] = None,
    audio_in: Annotated[
        Path | None,
        typer.Option("--audio-in", help="A WAV/FLAC recording stands in for the microphone."),
    ] = None,
    realtime: Annotated[
        bool, typer.Option("--realtime/--fast", help="Pace --audio-in as spoken, or fast.")
    ] = True,
    plain: Annotated[
        bool, typer.Option("--plain", help="Plain terminal: finished lines only, no live line.")
    ] = False,
    stt_model: Annotated[
        str | None, typer.Option("--stt-model", help="Speech model: tiny.en, base, a path...")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Practise a call, by voice when there is a microphone (or --audio-in), else typed."""
    services = build_services(offline=offline)
    voice = choose_mode(
        services,
        text,
        audio_in,
        VoiceOptions(audio_in, realtime, plain or as_json, stt_model),
        lambda line: typer.echo(line, err=as_json),
    )
    practise(services, scenario, seed, rep, as_json=as_json, drill=drill, voice=voice)


def practise(
    services: Services,
    scenario: str,
    seed: int | None,
    rep: str | None,
    *,
    as_json: bool,
    drill: str | None = None,
    voice: VoiceOptions | None = None,
) -> None:
    timeline = fast_timeline(services) if voice and not voice.realtime else None
    mode: Literal["text", "voice"] = "voice" if voice else "text"
    try:
        call = services.practice.begin(
            scenario, services.profile(rep), seed=seed, drill=drill, mode=mode
        )
    except UnknownScenario as exc:
        raise fail(str(exc)) from None

    # With --json, stdout carries only the scorecard; the conversation goes to stderr.
    def write(line: str) -> None:
        typer.echo(line, err=as_json)

    piped = not sys.stdin.isatty()

    def read(prompt: str) -> str:
        if as_json:
            sys.stderr.write(prompt)
            sys.stderr.flush()
            line = input()
        else:
            line = input(prompt)
        if piped:  # a terminal echoes what is typed; piped lines would run into the next one
            typer.echo(line, err=as_json)
        return line

    fallback = None if services.offline else services.offline_customer
    commitments = habit.brief_reminders(services, call, rep)
    if voice is not None:
        run_voice_call(
            services,
            call,
            voice,
            write,
            offline=services.offline,
            fallback=fallback,
            commitments=commitments,
            timeline=timeline,
        )
    else:
        run_text_call(
            call,
            read,
            write,
            offline=services.offline,
            fallback=fallback,
            commitments=commitments,
        )
    card = services.practice.finish(call)
    card = habit.after_call(services, call.record.id, rep, card)
    if as_json:
        suggestion = habit.suggestion_json(services, call.record.id, rep)
        emit_json({**card.model_dump(mode="json"), "commitment_suggestion": suggestion})
        return
    catalog = services.catalog()
    rubric = catalog.rubrics.get(card.rubric)
    typer.echo("\n" + render.scorecard(card, rubric.rubric.title if rubric else None))
    folder = services.store.folder(call.record.id)
    typer.echo(f"\nSaved in {folder}  ·  review with: roleplay show {call.record.id}")
    if services.indexer.problem:
        typer.echo(
            f"(The team index is not reachable: {services.indexer.problem}. The session "
            "is saved in the folder above; the index catches up on the next start.)"
        )
    habit.offer_commitment(services, call.record.id, rep, read)


@app.command()
def sessions(as_json: JsonOpt = False) -> None:
    """List saved sessions, newest first (unfinished ones too, and damaged ones with why)."""
    services = build_services()
    records, damaged = services.store.survey()
    scores: dict[str, float | None] = {}
    problems = {d.id: d.reason for d in damaged}
    for r in records:
        try:
            card = services.store.scorecard(r.id)
        except BrokenRecording as exc:  # the session is listed; its scorecard is the problem
            problems[r.id] = str(exc)
            card = None
        scores[r.id] = card.overall if card else None
    if as_json:
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
        note = workspace_note.describe(services.workspace) + ". " + workspace_note.CHOOSE
        typer.echo(render.safe(note) + "\n")
        typer.echo(render.session_table(records, scores, problems))
    if problems:
        raise typer.Exit(1)


@app.command()
def show(
    session: Annotated[str, typer.Argument(help="Session id, a unique prefix, or 'last'.")],
    as_json: JsonOpt = False,
) -> None:
    """Print one session's transcript (and its scorecard when it has one)."""
    services = build_services()
    try:
        transcript, read = services.store.load_readable(session)
    except SessionNotFound as exc:
        raise fail(str(exc.args[0])) from None
    problems = [p for p in [read.problem()] if p]
    try:
        card = services.store.scorecard(transcript.record.id)
    except BrokenRecording as exc:
        problems.append(str(exc))
        card = None
    redact = services.reviews.redact
    if as_json:
        emit_json(
            {
                "session": transcript.record.model_dump(mode="json"),
                "turns": [t.model_dump(mode="json") for t in transcript.turns],
                "scorecard": card.model_dump(mode="json") if card else None,
                "problems": problems,
            },
            redact=redact,
        )
    else:
        # The same names as the live call and the end of `practice`: the persona's first name
        # and the rubric's title.
        catalog = services.catalog()
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
