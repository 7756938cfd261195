"""`score --transcript FILE` without --rep says what to pass, from the file's own speakers: the
side options a `transcribe --speakers` transcript needs (--rep-speaker, --rep-channel) and
roleplay's guess with its reasons, worded as when a --rep is not found in the file. Before,
every case said "--transcript needs --rubric RUBRIC and --rep NAME (the rep's speaker name in
the file)": for a file of "Speaker A"/"Speaker B" lines that named neither option, and a rep
trying --rep 'Speaker A' got a call scored under that name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.drill_calls import as_kari, invoke

MONO = """\
mono.wav (12.0 s, en)
  [00:00.1 - 00:04.8] Speaker A: Good morning, thanks for calling Nordic Freight.
  [00:05.6 - 00:09.0] Speaker B: Hi, I'm calling about the routing software.
  [00:09.8 - 00:12.0] Speaker A: Could I have your name and the company you are calling from?
"""


@pytest.fixture(autouse=True)
def rep(monkeypatch: pytest.MonkeyPatch) -> None:
    as_kari(monkeypatch)


def _score(ws: Path, call: Path, *args: str) -> str:
    result = invoke(ws, "score", "--transcript", str(call), "--judge", "offline", *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return " ".join(result.stderr.split())


def test_a_transcript_of_neutral_speakers_names_the_side_options_and_the_guess(
    mini_workspace: Path, tmp_path: Path
) -> None:
    call = tmp_path / "call.txt"
    call.write_text(MONO)
    said = _score(mini_workspace, call, "--rubric", "mini")
    assert "--transcript needs --rep NAME" in said
    assert "Speaker A (2 lines), Speaker B (1 line)" in said
    assert "--rep-speaker A or --rep-speaker B" in said
    assert "roleplay guesses Speaker A (greets the caller" in said
    assert "pass --rep NAME --rep-speaker A" in said
    # the side given, the name missing: the name is what is asked for
    side = _score(mini_workspace, call, "--rubric", "mini", "--rep-speaker", "A")
    assert "--rep-speaker A says the rep speaks as 'Speaker A'; --rep NAME gives" in side
    # without a rubric either: both are named, with the rubrics there are
    both = _score(mini_workspace, call)
    assert "needs --rubric RUBRIC and --rep NAME (the rubrics: mini)" in both
    assert "pass --rep NAME --rep-speaker A" in both


def test_a_transcript_of_named_speakers_offers_the_guessed_name(
    mini_workspace: Path, tmp_path: Path
) -> None:
    call = tmp_path / "call.txt"
    call.write_text("Kari: Hi Dana, thanks for taking my call.\nDana: Sure.\n")
    said = _score(mini_workspace, call, "--rubric", "mini")
    assert "speakers found: Kari (1 line), Dana (1 line)" in said
    assert "pass --rep 'Kari'" in said and "--rep-speaker" not in said
    # an untimed file's reasons quote the words, not a time the file never gave ("at 00:00.0")
    assert "roleplay guesses 'Kari' (greets the caller (\"thanks for taking\"))" in said


def test_a_recording_names_the_side_options(mini_workspace: Path, tmp_path: Path) -> None:
    call = tmp_path / "call.wav"
    call.write_bytes(b"RIFF")  # never read: the options are named before any transcription
    said = _score(mini_workspace, call, "--rubric", "mini")
    assert "--rep-channel left|right" in said and "--rep-speaker A|B" in said
