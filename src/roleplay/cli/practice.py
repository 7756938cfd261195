"""Commands for reps: practise a call (listing and showing sessions: cli/sessions.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from roleplay.cli import habit, render
from roleplay.cli.app import JsonOpt, app, build_services, emit_json, fail, rep_option
from roleplay.cli.text_call import run_text_call
from roleplay.cli.voice_call import VoiceOptions, choose_mode, fast_timeline, run_voice_call
from roleplay.services.catalog import UnknownScenario

if TYPE_CHECKING:
    from roleplay.composition import Services
    from roleplay.services.end_of_call import NothingSaid


@app.command()
def practice(
    scenario: Annotated[str, typer.Argument(help="Scenario id (see `roleplay scenarios`).")],
    text: Annotated[bool, typer.Option("--text", help="Type your lines (no microphone).")] = False,
    seed: Annotated[int | None, typer.Option(help="Variation seed, to replay a draw.")] = None,
    rep: Annotated[
        str | None, typer.Option(help="Your name on the session.", callback=rep_option)
    ] = None,
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
    if text and audio_in is not None:  # --audio-in was ignored, a missing file too
        raise fail(
            "--text and --audio-in cannot be used together: --text is for typing your lines, "
            "--audio-in plays them from a recording; drop one"
        )
    services = build_services(offline=offline)
    try:  # before the sound system is asked (up to 5 s): a typo is said at once, alone
        services.catalog().scenario(scenario)
    except UnknownScenario as exc:
        raise fail(str(exc)) from None
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
            # ...and a piped file's escape sequences must not reach the rep's terminal.
            typer.echo(render.safe(line), err=as_json)
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
    ending = services.end_of_call()
    unsaid = ending.nothing_said(call)
    if unsaid is not None:  # not practice: no scorecard, the schedule and streak untouched
        typer.echo("\n" + render.wrap(_nothing_said(services, unsaid)), err=as_json)
        raise typer.Exit(1)
    result = ending.finish(call)  # scored, scheduled: only rendered here
    if as_json:
        emit_json(habit.result_json(result))
        return
    typer.echo("\n" + render.scorecard(result.scorecard, result.rubric_title))
    for line in habit.schedule_lines(result):
        typer.echo(line)
    folder = services.store.folder(call.record.id)
    # Each on a line of its own, filled at the page's width, never inside the id: a terminal
    # that wraps a long line breaks it anywhere, and a broken id cannot be double-clicked.
    typer.echo("\n" + render.wrap(f"Saved in {folder}"))
    typer.echo(render.wrap(f"Review it with: roleplay show {call.record.id}"))
    note = services.indexer.note()  # what is wrong with the index, as it is (read-only...)
    if note is not None:
        typer.echo(f"({note})")
    habit.offer_commitment(services, result, read)


def _nothing_said(services: Services, unsaid: NothingSaid) -> str:
    from roleplay.presentation.format import nothing_said

    return nothing_said(str(services.store.folder(unsaid.session_id)) if unsaid.kept else None)
