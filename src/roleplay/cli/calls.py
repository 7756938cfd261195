"""Recorded calls on the command line: transcribe with speakers, and say which side is the rep.

Shared by `roleplay transcribe --speakers` and `roleplay score --transcript CALL.wav`. The rep's
side is never chosen silently: `--rep-channel` (stereo) or `--rep-speaker` (mono) says it, or
roleplay shows its guess with the reasons and asks; without a terminal to ask on, it stops and
prints the command to run that accepts the guess. A recording's words with their speakers are
kept (`read_call`), so that command does not read the call again.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from roleplay.cli.app import fail

if TYPE_CHECKING:
    # `score` and `transcribe` name the options below in their signatures, so this module
    # loads with them; a recording's words and their reading load when a call is read
    # (`score last` reads none).
    from roleplay.config import AnySettings
    from roleplay.domain.call import CallWords, Utterance


CUSTOMER = "Customer"  # the other side's name in a transcript, once the rep is known


class Channel(StrEnum):
    left = "left"
    right = "right"


class Voice(StrEnum):
    A = "A"
    B = "B"


RepChannelOpt = Annotated[
    Channel | None,
    typer.Option(
        "--rep-channel",
        help="Stereo call recording: the channel that holds the rep (the other is the customer).",
        case_sensitive=False,
    ),
]
RepSpeakerOpt = Annotated[
    Voice | None,
    typer.Option(
        "--rep-speaker",
        help="Mono recording: which voice is the rep (A speaks first); default: a guess "
        "you confirm.",
        case_sensitive=False,
    ),
]


def read_call(
    path: Path,
    settings: AnySettings,
    model: str | None,
    language: str | None,
    rep_channel: Channel | None,
) -> CallWords:
    """Transcribe a recorded call with a speaker on every word, showing progress on stderr.

    The words are kept (composition.call_cache: the user's cache folder, named by the audio's
    content, the model and settings, and roleplay's call-reading code), and a reading kept
    for the same audio and settings is used instead of reading the call again: `score`
    stopping to ask which side is the rep cost the whole reading again on the rerun that
    answers it (a 2-minute mono call: ~19 s of CPU, 22-30 s on a busy 2-core machine; the
    rerun now takes 0.3 s and loads no speech model)."""
    import itertools

    from roleplay.composition import call_cache, call_transcriber, speech_to_text
    from roleplay.services.ports import AudioUnavailable, SpeechUnavailable

    split = "stereo" if rep_channel else "auto"
    name = model or settings.voice.stt_model
    cache = call_cache()

    def key(audio: str, lang: str | None, split: str = split) -> str:
        made_by = {"model": name, "compute_type": settings.voice.compute_type, "split": split}
        return cache.key(audio, {**made_by, "language": lang})

    try:
        audio = cache.digest(path) if path.is_file() else None
    except OSError:
        audio = None  # the reading below says what is wrong with the file
    if audio is not None:
        kept = cache.read(
            key(audio, language), lambda why: _note(f"not using a kept reading: {why}")
        )
        if kept is not None:
            Kept.last = True
            typer.echo(
                f"{path.name}: using the words kept from reading this recording before "
                f"(same audio, model {name} and settings); not transcribing it again",
                err=True,
            )
            return kept
    stt = speech_to_text(settings, model)
    last: dict[str, float] = {}

    def progress(stage: str, done: float, total: float) -> None:
        # Long calls: a line per ~10% of the call, so the terminal shows it moving, and the
        # end of each stage once (its last words end before the call does: it stopped at
        # "117 of 121 s", and telling the voices apart only ever said "0 of 121 s").
        before = last.get(stage, -1e9)
        if before >= total:
            return
        if done - before >= max(5.0, total / 10) or done >= total:
            last[stage] = done
            typer.echo(f"  {path.name}, {stage}: {min(done, total):.0f} of {total:.0f} s", err=True)

    try:
        stt.load(lambda message: typer.echo(message, err=True))
        if language:
            stt.check_language(language)
        call = call_transcriber(stt).transcribe(path, language, split, progress)  # type: ignore[arg-type]
    except (AudioUnavailable, SpeechUnavailable) as exc:
        raise fail(str(exc)) from None
    Kept.last = False
    if audio is not None:
        # Kept under the language asked for, and under the language heard when none was
        # (`transcribe --speakers` asks for none; `score` for its rubric's); a stereo call
        # split by itself also as split by --rep-channel, which the rerun passes.
        langs = dict.fromkeys([language, language or call.language])
        splits = dict.fromkeys([split, "stereo" if call.kind == "stereo" else split])
        try:
            for lang, how in itertools.product(langs, splits):
                cache.write(key(audio, lang, how), call, path)
            Kept.last = True
        except OSError as exc:
            _note(f"the words read could not be kept ({exc}); a rerun reads the call again")
    return call


class Kept:
    """Whether the call read last is kept, so that a rerun does not read it again."""

    last = False


def _note(message: str) -> None:
    typer.echo(f"note: {message}", err=True)


def neutral_names(call: CallWords) -> dict[str, str]:
    from roleplay.domain.call import SIDE_NAMES

    sides = ("left", "right") if call.kind == "stereo" else ("A", "B")
    return {side: SIDE_NAMES[side] for side in sides}  # as `score --transcript` reads them


def customer_name(rep: str | None) -> str:
    """The other side's name in a transcript: "Customer", or "The customer" for a rep who is
    called Customer (the two would read back as one speaker)."""
    if rep is not None and rep.casefold() == CUSTOMER.casefold():
        return f"The {CUSTOMER.lower()}"
    return CUSTOMER


def named(call: CallWords, rep_label: str | None, rep: str | None) -> dict[str, str]:
    """Labels -> names in the transcript: the rep's name and "Customer" once the rep is known."""
    names = neutral_names(call)
    if rep_label and rep:
        other = customer_name(rep)
        names = {label: rep if label == rep_label else other for label in names}
    return names


def label_problem(rep: str, *, text: bool) -> str | None:
    """Why `rep` cannot name the rep's lines in what `transcribe --speakers` writes, or None.

    The transcript is meant to be scored as it is (`score --transcript FILE --rep NAME`), so
    the name must read back as the same speaker, also on a line marked as said over the other
    side ("Kari (over Customer)"). A name that would not read back as it is is written quoted
    (domain/call.py `label`), so every name a rep can have does: this checks it on a short
    call written by the same code, before minutes of transcribing. JSON keeps any name."""
    if not text:
        return None
    from roleplay.domain.call import Utterance, transcript_lines
    from roleplay.domain.transcript_file import TranscriptFileError, parse

    found = [
        Utterance("rep", 0.0, 1.0, "Hello."),
        Utterance("other", 1.0, 4.0, "Hi there."),
        Utterance("rep", 2.0, 2.5, "Right."),
        Utterance("rep", 4.5, 8.0, "Good."),
        Utterance("other", 5.0, 5.5, "Mm-hm."),
    ]
    names = {"rep": rep, "other": customer_name(rep)}
    try:
        read_back = [
            (t.speaker, t.text) for t in parse("\n".join(transcript_lines(found, names)), rep).turns
        ]
    except TranscriptFileError:
        read_back = []
    said = [("rep", "Hello."), ("customer", "Hi there."), ("rep", "Right.")]
    if read_back == [*said, ("rep", "Good."), ("customer", "Mm-hm.")]:
        return None
    return (
        f"--rep {rep!r} would not read back as the rep's name from the text transcript; "
        "write --json, which keeps any name"
    )


def given_rep(
    call: CallWords, rep_channel: Channel | None, rep_speaker: Voice | None
) -> str | None:
    """The rep's label from the options, or None when they say nothing."""
    if call.kind == "stereo":
        if rep_speaker is not None and rep_channel is None:
            raise fail(
                "this is a stereo call recording (one side per channel): say which channel "
                "holds the rep with --rep-channel left|right"
            )
        return rep_channel.value if rep_channel else None
    if rep_channel is not None:
        raise fail(
            "this recording has one channel, so the sides cannot be split by channel; use "
            "--rep-speaker A|B (A speaks first) instead of --rep-channel"
        )
    return rep_speaker.value if rep_speaker else None


def confirm_rep(call: CallWords, found: list[Utterance], rep_name: str) -> str:
    """Show the guess with its reasons; ask on a terminal, else stop with the option to pass."""
    from roleplay.domain.call import guess_rep, stamp

    guess = guess_rep(found)
    names = neutral_names(call)
    option = "--rep-channel" if call.kind == "stereo" else "--rep-speaker"
    other = next((label for label in names if label != guess.speaker), guess.speaker)
    typer.echo(f"Which side is the rep? roleplay guesses {names.get(guess.speaker)}:", err=True)
    for reason in guess.reasons:
        typer.echo(f"  - {reason}", err=True)
    for label in names:
        first = next((u for u in found if u.speaker == label), None)
        if first is not None:
            typer.echo(
                f"  {names[label]} first says [{stamp(first.start)}]: {first.text[:70]!r}", err=True
            )
    if not sys.stdin.isatty():
        raise fail(
            f"not scoring on a guess (no terminal to confirm it on): pass {option} "
            f"{guess.speaker} to accept it (or {option} {other} for the other side). "
            + (
                "The words read are kept, so this takes seconds, not another reading:"
                if Kept.last
                else "Run:"
            )
            + f"\n  {rerun(option, guess.speaker)}"
        )
    if typer.confirm(f"Score {names[guess.speaker]} as {rep_name}?", default=True, err=True):
        return guess.speaker
    return other


def rerun(option: str, value: str) -> str:
    """This command as it was given, with `option value` added: what to run next."""
    import shlex

    from roleplay.cli.app import State

    if State.args is None:  # not run from the command line
        return f"{option} {value}"
    return shlex.join(["roleplay", *State.args, option, value])


def rep_side(
    call: CallWords,
    rep_channel: Channel | None,
    rep_speaker: Voice | None,
    rep_name: str,
) -> tuple[str, list[Utterance]]:
    from roleplay.domain.call import utterances

    found = utterances(list(call.words))
    if not found:
        raise fail("no speech found in the recording; nothing to score")
    label = given_rep(call, rep_channel, rep_speaker)
    if label is None:
        label = confirm_rep(call, found, rep_name)
    if label not in {u.speaker for u in found}:
        names = neutral_names(call)
        raise fail(f"{names.get(label, label)} says nothing in this recording; nothing to score")
    return label, found
