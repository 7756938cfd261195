"""Voice commands: `roleplay devices` and `roleplay transcribe FILE...`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from roleplay.cli.app import JsonOpt, app, build_services, emit_json, fail, rep_option
from roleplay.cli.calls import Channel, RepChannelOpt, RepSpeakerOpt, Voice

if TYPE_CHECKING:
    from roleplay.composition import Services


@app.command()
def devices(as_json: JsonOpt = False) -> None:
    """List sound devices (microphones and speakers) and which are the defaults."""
    from roleplay.composition import sound_devices
    from roleplay.services.ports import AudioUnavailable

    try:
        found = sound_devices()
    except AudioUnavailable as exc:
        raise fail(str(exc)) from None
    if as_json:
        emit_json([d.__dict__ for d in found])
        return
    if not found:
        typer.echo(
            "No sound devices found. Practise by typing (--text), or let a recording stand in "
            "for the microphone: roleplay practice SCENARIO --audio-in FILE"
        )
        return
    typer.echo(f"{'':2}{'#':>3}  {'in':>3} {'out':>3}  {'rate':>6}  name")
    for d in found:
        mark = ("<" if d.default_input else " ") + (">" if d.default_output else " ")
        typer.echo(
            f"{mark}{d.index:>3}  {d.inputs:>3} {d.outputs:>3}  {d.default_rate:>6.0f}  "
            f"{d.name} ({d.host})"
        )
    typer.echo(
        "\n< default microphone, > default speaker. Choose others with input_device / "
        "output_device under [voice] in the config file (index or part of the name)."
    )


@app.command()
def transcribe(
    files: Annotated[list[Path], typer.Argument(help="Recordings: WAV, FLAC, MP3, OGG...")],
    language: Annotated[
        str | None, typer.Option(help="Language of the speech, e.g. en, nb (default: detect).")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Speech model (default: stt_model setting).")
    ] = None,
    speakers: Annotated[
        bool,
        typer.Option(
            "--speakers",
            help="Recorded calls: who says each line (stereo: by channel; mono: by voice). "
            "The text can be scored as it is: roleplay score --transcript FILE.",
        ),
    ] = False,
    rep_channel: RepChannelOpt = None,
    rep_speaker: RepSpeakerOpt = None,
    rep: Annotated[
        str | None,
        typer.Option(
            help="With --speakers and --rep-channel/--rep-speaker: the rep's name.",
            callback=rep_option,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Transcribe recordings, with segment and word times (--json); --speakers says who speaks."""
    from roleplay.composition import speech_to_text
    from roleplay.services.ports import AudioUnavailable, SpeechUnavailable

    services = build_services()
    if speakers or rep_channel or rep_speaker:
        _transcribe_speakers(
            files, services, language, model, (rep_channel, rep_speaker), rep, as_json
        )
        return
    stt = speech_to_text(services.settings, model)

    def say(message: str) -> None:
        typer.echo(message, err=True)

    try:
        stt.load(say)
        if language:
            stt.check_language(language)
    except SpeechUnavailable as exc:
        raise fail(str(exc)) from None
    results: list[dict[str, Any]] = []
    failed = 0
    for path in files:

        def progress(done: float, total: float, name: str = path.name) -> None:
            typer.echo(f"  {name}: {min(done, total):.0f} of {total:.0f} s", err=True)

        try:
            result = stt.transcribe_file(path, language, progress)
        except (AudioUnavailable, SpeechUnavailable) as exc:
            typer.echo(f"error: {exc}", err=True)
            failed += 1
            continue
        doc = {
            "file": str(path),
            "language": result.language,
            "duration": result.duration,
            "text": result.text,
            "segments": [
                {
                    "start": round(s.start, 2),
                    "end": round(s.end, 2),
                    "text": s.text,
                    "words": [
                        {
                            "word": w.text,
                            "start": round(w.start, 2),
                            "end": round(w.end, 2),
                            "probability": round(w.probability, 3),
                        }
                        for w in s.words
                    ],
                }
                for s in result.segments
            ],
        }
        results.append(doc)
        if not as_json:
            typer.echo(f"{path} ({result.duration:.1f} s, {result.language})")
            for s in result.segments:
                typer.echo(f"  [{_stamp(s.start)} - {_stamp(s.end)}] {s.text}")
    if as_json:
        emit_json(results)
    if failed:
        raise typer.Exit(1)


def _transcribe_speakers(
    files: list[Path],
    services: Services,
    language: str | None,
    model: str | None,
    rep_side: tuple[Channel | None, Voice | None],
    rep: str | None,
    as_json: bool,
) -> None:
    from roleplay.cli.calls import given_rep, label_problem, named, read_call
    from roleplay.domain.call import guess_rep, said_over, transcript_lines, utterances

    rep_channel, rep_speaker = rep_side
    if rep is not None and (problem := label_problem(rep, text=not as_json)):
        raise fail(problem)  # before minutes of transcribing, not after
    docs: list[dict[str, Any]] = []
    for path in files:
        call = read_call(path, services.settings, model, language, rep_channel)
        found = utterances(list(call.words))
        rep_label = given_rep(call, rep_channel, rep_speaker)
        names = named(call, rep_label, rep)
        if rep_label is None and found:
            guess = guess_rep(found)
            option = "--rep-channel" if call.kind == "stereo" else "--rep-speaker"
            typer.echo(
                f"{path.name}: the rep is probably {names[guess.speaker]} "
                f"({'; '.join(guess.reasons)}); confirm with {option} {guess.speaker} "
                "when you score the recording (its words are kept: it is not read again) "
                "or this transcript",
                err=True,
            )
        if as_json:
            docs.append(
                {
                    "file": str(path),
                    "language": call.language,
                    "duration": round(call.duration, 3),
                    "split": call.kind,
                    "speakers": {label: names[label] for label in call.labels},
                    "segments": [
                        {
                            "speaker": names[u.speaker],
                            "start": round(u.start, 2),
                            "end": round(u.end, 2),
                            "text": u.text,
                            "words": [
                                {"word": w.text, "start": round(w.start, 2), "end": round(w.end, 2)}
                                for w in u.words
                            ],
                        }
                        # "over": whom a backchannel was said over, as the text marks it
                        | ({"over": host} if host else {})
                        for u, host in said_over(found, names)
                    ],
                }
            )
            continue
        typer.echo(f"{path} ({call.duration:.1f} s, {call.language})")
        for line in transcript_lines(found, names):
            typer.echo(f"  {line}")
    if as_json:
        emit_json(docs[0] if len(docs) == 1 else docs)


def _stamp(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:04.1f}"
