"""Which speaker of a text transcript is the rep. `transcribe --speakers` names the sides
"Speaker A"/"Speaker B" (mono) or "Left"/"Right" (stereo) when it is not told the rep, and
suggests `--rep-speaker A`; `score --transcript call.txt` now takes that option (and
--rep-channel) with --rep as the rep's own name, and when the rep is not found it lists the
speakers, its guess with the reasons and the exact option to pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import Result

from roleplay.cli import calls
from roleplay.domain.call import CallWords
from roleplay.domain.transcript_file import TranscriptFileError, parse
from tests.cli_helpers import invoke
from tests.spoken import words

SAID = [
    ("Thanks for calling Nordic Freight, how can I help", 0.0, 3.0),
    ("Hi, I am calling about the routes", 3.6, 5.6),
    ("How do you plan them today?", 6.5, 8.0),
]


def fake_call(kind: str) -> CallWords:
    rep, customer = ("left", "right") if kind == "stereo" else ("A", "B")
    who = [rep, customer, rep]
    said = words(*((text, a, b, who[n]) for n, (text, a, b) in enumerate(SAID)))
    return CallWords(kind, (rep, customer), tuple(said), 8.0, "en")


@pytest.fixture(autouse=True)
def zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "Europe/Oslo")


def transcribed(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, *options: str
) -> tuple[Path, Result]:
    """What `transcribe --speakers [options] call.wav > call.txt` writes, for a made call."""
    monkeypatch.setattr(calls, "read_call", lambda *a, **k: fake_call(kind))
    audio = tmp_path / "call.wav"
    audio.write_bytes(b"RIFF")
    written = invoke(ws, "transcribe", "--speakers", *options, str(audio))
    assert written.exit_code == 0, written.output
    text = tmp_path / ("call.json" if "--json" in options else "call.txt")
    text.write_text(written.stdout, encoding="utf-8")
    return text, written


def score(ws: Path, text: Path, *options: str) -> Result:
    return invoke(
        ws, "score", "--transcript", str(text), "--rubric", "mini", "--judge", "offline",
        "--save", "--no-make-drills", "--json", *options,
    )  # fmt: skip


def kept_as(ws: Path, scored: Result) -> tuple[str, list[str]]:
    """The saved call's rep and the roles of its turns."""
    assert scored.exit_code == 0, scored.output
    session = json.loads(scored.stdout)["session"]
    folder = ws / "recordings" / session
    rep = json.loads((folder / "session.json").read_text())["rep"]
    turns = (folder / "transcript.jsonl").read_text().splitlines()
    return rep, [json.loads(line)["speaker"] for line in turns]


def test_the_side_transcribe_suggests_is_taken_when_the_transcript_is_scored(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `--rep Kari` was refused with "speaker 'Kari' never speaks; speakers found:
    Speaker A (2 lines), Speaker B (1 line). Pass --rep with one of them." and `--rep Kari
    --rep-speaker A`, which transcribe had just suggested, with "--rep-channel and
    --rep-speaker are for recordings"; only `--rep 'Speaker A'` scored, as a rep of that name."""
    text, written = transcribed(mini_workspace, tmp_path, monkeypatch, "mono")
    assert "the rep is probably Speaker A" in written.stderr
    assert "confirm with --rep-speaker A" in written.stderr
    asked = score(mini_workspace, text, "--rep", "Kari")
    assert (asked.exit_code, asked.stderr) == (
        2,
        f"error: {text}: speaker 'Kari' never speaks; speakers found: Speaker A (2 lines), "
        "Speaker B (1 line). Say which side is the rep with --rep-speaker A or --rep-speaker B "
        "(--rep 'Kari' stays the rep's name). roleplay guesses Speaker A (greets the caller "
        '("Thanks for calling" at 00:00.0)): to score on that guess, pass --rep-speaker A.\n',
    )
    assert not list((mini_workspace / "recordings").glob("*/scorecard.json"))
    scored = score(mini_workspace, text, "--rep", "Kari", "--rep-speaker", "A")
    assert kept_as(mini_workspace, scored) == ("Kari", ["rep", "customer", "rep"])


@pytest.mark.parametrize("kind", ["mono", "stereo"])
@pytest.mark.parametrize("form", [(), ("--json",)])
def test_every_transcript_transcribe_writes_scores_as_it_is(
    mini_workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    form: tuple[str, ...],
) -> None:
    side = ("--rep-channel", "left") if kind == "stereo" else ("--rep-speaker", "A")
    neutral = "Left" if kind == "stereo" else "Speaker A"
    text, _ = transcribed(mini_workspace, tmp_path, monkeypatch, kind, *form)
    both = ("rep", "customer", "rep")
    assert kept_as(mini_workspace, score(mini_workspace, text, "--rep", "Kari", *side)) == (
        "Kari",
        list(both),
    )
    # as before: the side's own name as --rep (not saved: the same call twice in one second)
    alike = invoke(
        mini_workspace, "score", "--transcript", str(text), "--rubric", "mini", "--judge",
        "offline", "--json", "--rep", neutral,
    )  # fmt: skip
    assert alike.exit_code == 0, alike.output
    assert json.loads(alike.stdout)["kpis"]["rep_turns"] == 2
    named, _ = transcribed(mini_workspace, tmp_path, monkeypatch, kind, *form, *side, "--rep=Kari")
    assert kept_as(mini_workspace, score(mini_workspace, named, "--rep", "Kari"))[1] == list(both)


def test_a_side_the_transcript_does_not_have_is_refused_saying_what_it_has() -> None:
    text = (
        "[00:00.0 - 00:03.0] Kari: Thanks for calling, how can I help?\n"
        "[00:03.6 - 00:05.6] Customer: Hi, I am calling about the routes.\n"
    )
    with pytest.raises(TranscriptFileError) as raised:
        parse(text, "Kari", file="call.txt", side="A")
    assert str(raised.value) == (
        "call.txt: --rep-speaker A names 'Speaker A', who never speaks; speakers found: Kari "
        "(1 line), Customer (1 line). Pass --rep with the rep's speaker name. roleplay "
        "guesses 'Kari' (greets the caller (\"Thanks for calling\" at 00:00.0)): to score on "
        "that guess, pass --rep 'Kari'."
    )


def test_hand_labelled_speakers_get_the_guess_and_the_option_to_take_it() -> None:
    text = "Caller: Hi, is this the routing people?\nAgent: Yes, could I have your name?\n"
    with pytest.raises(TranscriptFileError) as raised:
        parse(text, "Kari", file="call.txt")
    assert "speakers found: Caller (1 line), Agent (1 line)" in str(raised.value)
    assert "roleplay guesses 'Agent' (asks for the customer's details" in str(raised.value)
    assert "pass --rep 'Agent'." in str(raised.value)
