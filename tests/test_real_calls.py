"""Recorded calls: transcripts read back, turns by time, the rep's side, and whole calls scored
from the audio file (stereo split by channel, mono told apart by voice) with the real tiny.en."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.domain import kpis
from roleplay.domain.call import SpokenWord, guess_rep, to_turns, transcript_lines, utterances
from roleplay.domain.transcript_file import TranscriptFileError, parse
from tests.calls import make_call, real_utterances, write_stereo
from tests.speech import needs_espeak, speech_dir, write_wav
from tests.spoken import words

__all__ = ["speech_dir"]

runner = CliRunner()


CALL = words(
    ("Thanks for calling Nordic Freight, how can I help", 0.0, 3.0, "left"),
    ("Hi I am calling about routing", 3.6, 5.6, "right"),
    ("Could I have your name please", 6.5, 8.0, "left"),
    ("Ola Hansen and I want to know the price", 8.3, 11.0, "right"),
    ("Sure it depends on", 10.4, 12.0, "left"),  # starts 0.6 s before Ola stops
)


def test_transcribe_ranges_are_read_as_speaker_and_end_time() -> None:
    text = (
        "call.wav (12.0 s, en)\n"
        "  [00:00.0 - 00:04.4] Agent: Thanks for calling, this is Kari.\n"
        "  [00:05.0 - 00:07.5] Caller: Hi, I need help with an invoice.\n"
        "  [00:07.9 - 00:09.0] Agent: Sure, what's the number?\n"
    )
    parsed = parse(text, "Agent")
    assert parsed.speakers == {"Agent": 2, "Caller": 1}
    assert [(t.speaker, t.start, t.end) for t in parsed.turns] == [
        ("rep", 0.0, 4.4),
        ("customer", 5.0, 7.5),
        ("rep", 7.9, 9.0),
    ]
    k = kpis.compute(parsed.turns, timed=True)
    assert k.avg_response_latency == 0.4


def test_speaker_lines_and_json_of_transcribe_are_accepted_as_they_are() -> None:
    found = utterances(CALL)
    names = {"left": "Kari", "right": "Customer"}
    parsed = parse("\n".join(transcript_lines(found, names)), "Kari")
    assert [t.speaker for t in parsed.turns] == ["rep", "customer", "rep", "customer", "rep"]
    assert parsed.turns[0].text == "Thanks for calling Nordic Freight, how can I help"
    doc = {
        "file": "call.wav",
        "segments": [
            {"speaker": names[u.speaker], "start": u.start, "end": u.end, "text": u.text}
            for u in found
        ],
    }
    from_json = parse(json.dumps(doc), "kari")
    assert [t.text for t in from_json.turns] == [t.text for t in parsed.turns]


def test_transcribe_output_without_speakers_says_how_to_get_them() -> None:
    with pytest.raises(TranscriptFileError) as err:
        parse("call.wav (3.0 s, en)\n  [00:00.0 - 00:03.0] Hello there.\n", "Kari", "c.txt")
    assert "c.txt:2" in str(err.value)
    assert "--speakers" in str(err.value)
    with pytest.raises(TranscriptFileError, match="--speakers"):
        parse(json.dumps([{"segments": [{"start": 0, "end": 1, "text": "Hi"}]}]), "Kari")


def test_turns_by_time_give_interruptions_latency_and_talk_time() -> None:
    turns = to_turns(utterances(CALL), "left", {"left": "Kari", "right": "Customer"})
    assert [t.speaker for t in turns] == ["rep", "customer", "rep", "customer", "rep"]
    k = kpis.compute(turns, timed=True)
    assert k.interruptions == 1  # Kari's last turn starts before Ola stops
    assert k.avg_response_latency == pytest.approx(0.9)
    assert k.talk_ratio_time == pytest.approx(6.1 / (6.1 + 4.7), abs=0.01)


def test_the_rep_is_guessed_from_greeting_and_asking_for_details() -> None:
    customer_first = [
        SpokenWord(w.text, w.start + 20 if w.speaker == "left" else w.start, w.end + 20, w.speaker)
        for w in CALL
        if w.speaker == "left"
    ] + words(("Hello hello is anyone there", 0.0, 2.0, "right"))
    guess = guess_rep(utterances(customer_first))
    assert guess.speaker == "left" and guess.sure
    assert any("greets the caller" in r for r in guess.reasons)
    assert any("details" in r for r in guess.reasons)
    unsure = guess_rep(utterances(words(("Yes", 0, 1, "B"), ("No", 2, 3, "A"))))
    assert unsure.speaker == "B" and not unsure.sure


# --- whole calls from the audio file, real tiny.en ---------------------------------------


@pytest.fixture(scope="module")
def call_files(tmp_path_factory: pytest.TempPathFactory, speech_dir: Path) -> dict[str, Path]:
    """A short call: espeak-ng rep (left), JFK as the customer (right), turns overlapping."""
    folder = tmp_path_factory.mktemp("calls")
    made = make_call(customer_audio=real_utterances(speech_dir / "jfk.flac"), turns=3, overlap=0.3)
    return {
        "stereo": write_stereo(folder / "stereo.wav", made.rep, made.customer),
        "mono": write_wav(folder / "mono.wav", made.mix),
    }


def score(ws: Path, *args: str):
    return runner.invoke(
        app,
        ["--workspace", str(ws), "score", "--rubric", "discovery", "--rep", "Kari", *args],
    )


@needs_espeak
@pytest.mark.slow
def test_a_stereo_call_is_split_by_channel_and_scored(workspace: Path, call_files) -> None:
    result = score(
        workspace, "--transcript", str(call_files["stereo"]), "--rep-channel", "left", "--save"
    )
    assert result.exit_code == 0, result.output
    assert "split by channel" in result.stderr
    card_json = next((workspace / "recordings").glob("*/scorecard.json"))
    card = json.loads(card_json.read_text())
    assert card["kpis"]["talk_ratio_time"] is not None
    assert card["kpis"]["interruptions"] >= 1  # each reply starts 0.3 s early
    lines = [
        json.loads(x) for x in (card_json.parent / "transcript.jsonl").read_text().split("\n") if x
    ]
    rep_text = " ".join(t["text"] for t in lines if t["speaker"] == "rep").lower()
    customer_text = " ".join(t["text"] for t in lines if t["speaker"] == "customer").lower()
    assert "nordic" in rep_text and "country" not in rep_text
    assert "country" in customer_text and "calling" not in customer_text
    assert all(a["start"] <= b["start"] for a, b in itertools.pairwise(lines))


@needs_espeak
@pytest.mark.slow
def test_a_mono_call_is_told_apart_by_voice(workspace: Path, call_files, tmp_path: Path) -> None:
    # transcribe --speakers writes what score --transcript reads as it is
    out = runner.invoke(app, ["transcribe", "--speakers", str(call_files["mono"])])
    assert out.exit_code == 0, out.output
    assert "the rep is probably Speaker A" in out.stderr
    text = tmp_path / "call.txt"
    text.write_text(out.stdout)
    parsed = parse(out.stdout, "Speaker A")
    said = {
        t.speaker: " ".join(x.text for x in parsed.turns if x.speaker == t.speaker).lower()
        for t in parsed.turns
    }
    assert "nordic" in said["rep"] and "country" in said["customer"]
    assert "country" not in said["rep"]
    from_text = runner.invoke(
        app,
        [
            *("--workspace", str(workspace), "score", "--rubric", "discovery"),
            *("--rep", "Speaker A", "--transcript", str(text), "--json"),
        ],
    )
    assert from_text.exit_code == 0, from_text.output
    assert json.loads(from_text.stdout)["kpis"]["talk_ratio_time"] is not None
    # ...and the audio file scores in one command with the rep's voice named
    result = score(
        workspace, "--transcript", str(call_files["mono"]), "--rep-speaker", "A", "--json"
    )
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["kpis"]["rep_turns"] >= 2


@needs_espeak
@pytest.mark.slow
def test_without_the_rep_side_roleplay_shows_its_guess_and_does_not_score(
    workspace: Path, call_files
) -> None:
    result = score(workspace, "--transcript", str(call_files["mono"]))
    assert result.exit_code == 2
    assert "roleplay guesses Speaker A" in result.stderr
    # the reasons are shown (which ones depends on what tiny.en heard of the mixed call)
    assert "\n  - " in result.stderr and "Speaker B first says" in result.stderr
    assert "pass --rep-speaker A to accept it" in result.stderr
    wrong = score(workspace, "--transcript", str(call_files["mono"]), "--rep-channel", "left")
    assert wrong.exit_code != 0 and "one channel" in wrong.stderr
    assert not list((workspace / "recordings").glob("*/scorecard.json"))
