"""Overlapping turns in a real call: a "Right." said inside the customer's sentence and a
"Mm-hm." inside the rep's are turns of their own that neither end nor join the turn around
them, so talk ratio, response latency, interruptions and the times the scorecard's evidence
shows are those of the call."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.domain import kpis
from roleplay.domain.call import SpokenWord, to_turns, transcript_lines, utterances
from roleplay.domain.session import Turn
from roleplay.domain.transcript_file import parse
from tests.spoken import words

# (speaker, start, end, text), in order of start, as `transcribe --speakers` lists a mono call.
SAID = [
    ("Kari", 0.0, 3.0, "Thanks for calling Nordic Freight, how can I help?"),
    ("Ola", 3.5, 10.0, "We plan every route by hand each morning, and the trucks leave late."),
    ("Kari", 5.0, 5.4, "Right."),  # inside Ola's sentence
    ("Kari", 10.6, 12.6, "What does a late morning cost you?"),
    ("Ola", 13.4, 16.0, "About twenty thousand crowns a week."),
    ("Kari", 16.8, 24.8, "I can send a summary today and book Friday at ten with your manager."),
    ("Ola", 19.0, 19.3, "Mm-hm."),  # inside Kari's proposal
    ("Ola", 25.4, 27.0, "Yes, Friday at ten works."),
]
# What was said: Kari 3 + 0.4 + 2 + 8 = 13.4 s, Ola 6.5 + 2.6 + 0.3 + 1.6 = 11.0 s; Kari answers
# after 0.6 s and 0.8 s and never talks over a sentence of Ola's.
TALK_RATIO, LATENCY = round(13.4 / 24.4, 3), 0.7


def stamp(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


def text_transcript() -> str:
    return "".join(f"[{stamp(a)} - {stamp(b)}] {who}: {said}\n" for who, a, b, said in SAID)


def spoken_words() -> list[SpokenWord]:
    return words(*((said, start, end, who) for who, start, end, said in SAID))


def check(turns: tuple[Turn, ...] | list[Turn]) -> None:
    said = [(t.speaker, t.start, t.text) for t in turns]
    assert ("rep", 10.6, "What does a late morning cost you?") in said  # not "Right. What..."
    assert ("customer", 25.4, "Yes, Friday at ten works.") in said  # not "Mm-hm. Yes..." at 0:19
    assert [t.start for t in turns] == sorted(t.start for t in turns)
    k = kpis.compute(turns, timed=True)
    assert k.talk_ratio_time == TALK_RATIO  # was 0.521: the rep got the customer's seconds
    assert k.avg_response_latency == LATENCY  # was 0.8: the 0.6 s reply was an "interruption"
    assert k.interruptions == 0  # was 1


def test_a_text_transcript_with_overlapping_lines() -> None:
    check(parse(text_transcript(), "Kari").turns)


def test_a_recorded_mono_call_with_overlapping_words() -> None:
    found = utterances(spoken_words())
    check(to_turns(found, "Kari", {}))
    # what `transcribe --speakers` writes reads back as the same turns
    lines = transcript_lines(found, {})
    assert "  [00:05.0 - 00:05.4] Kari (over Ola): Right." in lines  # marked (calls8)
    check(parse("\n".join(lines), "Kari").turns)


def test_an_utterance_that_starts_inside_and_ends_after_is_an_interruption() -> None:
    text = (
        "[00:00.0 - 00:06.0] Ola: We plan every route by hand each morning.\n"
        "[00:05.0 - 00:08.0] Kari: What does that cost you?\n"
    )
    k = kpis.compute(parse(text, "Kari").turns, timed=True)
    assert k.interruptions == 1 and k.avg_response_latency is None


@pytest.fixture(autouse=True)
def rep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "Europe/Oslo")


def test_the_scorecard_shows_the_calls_own_figures_and_times(
    mini_workspace: Path, tmp_path: Path
) -> None:
    call = tmp_path / "call.txt"
    call.write_text(text_transcript())
    result = CliRunner().invoke(
        app,
        [
            *("--workspace", str(mini_workspace), "score", "--transcript", str(call)),
            *("--rubric", "mini", "--rep", "Kari", "--judge", "offline", "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["kpis"]["talk_ratio_time"] == TALK_RATIO
    assert card["kpis"]["avg_response_latency"] == LATENCY
    assert card["kpis"]["interruptions"] == 0
    quoted = {
        e["quote"]: e["time"]
        for c in card["criteria"]
        for e in (*c["evidence"], *c["counter_evidence"])
    }
    for quote, time in quoted.items():
        assert "Right." not in quote or time == 5.0
        assert "cost you" not in quote or time == 10.6
