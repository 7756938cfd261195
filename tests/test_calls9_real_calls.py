"""The real-call path's defects found by the stop-31 walk, each fixed (stop 32, `calls9`).

- Mono: the last word of a sentence, said just before a change of speaker, was given to the
  next speaker ("...start calling" / "us. What does a late delivery cost you?"), and drills
  quoted it in "Earlier in the call".
- `transcribe --speakers` refused a rep name longer than ~44 characters (or with ':', '[', a
  leading digit, five words) for its text output; every name a rep can have now reads back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from roleplay.domain.call import SpokenWord, utterances
from roleplay.services.ports import SAMPLE_RATE, Segment, Transcription, Word
from tests.speech import needs_espeak, say

# --- a sentence's last word stays with its speaker (mono) ------------------------------------

# The words as tiny.en timed them and the voices were told apart on the stop-31 walk's mono
# call (B the customer, A the rep): "us." went to the rep.
HEARD = [
    ("and", 28.89, 29.19, "B"),
    ("the", 29.19, 29.39, "B"),
    ("customers", 29.39, 29.79, "B"),
    ("start", 29.79, 30.39, "B"),
    ("calling", 30.39, 30.79, "B"),
    ("us.", 30.79, 31.45, "A"),
    ("What", 31.65, 31.75, "A"),
    ("does", 31.75, 32.01, "A"),
    ("it", 32.01, 32.15, "A"),
    ("cost?", 32.15, 32.75, "A"),
    ("Twenty", 33.20, 33.50, "B"),
    ("thousand,", 33.50, 33.90, "B"),
    ("way", 105.47, 105.73, "B"),
    ("to", 105.73, 105.99, "B"),
    ("find", 105.99, 106.23, "B"),
    ("out.", 106.23, 106.73, "A"),  # Whisper stretched it into the pause: no gap after
    ("Great,", 106.73, 107.35, "A"),
    ("bye.", 107.59, 107.89, "A"),
]


def spoken(heard: list[tuple[str, float, float, str]]) -> list[SpokenWord]:
    return [SpokenWord(*w) for w in heard]


def test_the_last_word_of_a_sentence_goes_back_to_who_said_the_rest_of_it() -> None:
    from roleplay.domain.call import sentence_tails_kept

    kept = sentence_tails_kept(spoken(HEARD))
    assert [u.text for u in utterances(kept)] == [
        "and the customers start calling us.",
        "What does it cost?",
        "Twenty thousand,",
        "way to find out.",
        "Great, bye.",
    ]  # was "...start calling" / "us. What does it cost?" and "...find" / "out. Great, bye."


@pytest.mark.parametrize(
    ("case", "heard"),
    [
        (  # the customer ended her sentence: the rep's "Right." is his
            "ended",
            [("calling", 1.0, 1.4, "B"), ("us.", 1.4, 1.8, "B"), ("Right.", 1.8, 2.1, "A"),
             ("What", 2.4, 2.6, "A"), ("now?", 2.6, 3.0, "A")],
        ),
        (  # a pause before "Right.": the turn changed there
            "pause",
            [("calling", 1.0, 1.4, "B"), ("Right.", 2.0, 2.3, "A"), ("What", 2.5, 2.7, "A"),
             ("now?", 2.7, 3.0, "A")],
        ),
        (  # "Right." is all the rep said there: a backchannel, as the voices said
            "alone",
            [("calling", 1.0, 1.4, "B"), ("Right.", 1.4, 1.7, "A"), ("and", 1.9, 2.1, "B"),
             ("more.", 2.1, 2.5, "B")],
        ),
        (  # no sentence end within two words: the voices decide
            "long",
            [("calling", 1.0, 1.4, "B"), ("so", 1.4, 1.6, "A"), ("what", 1.6, 1.8, "A"),
             ("does", 1.8, 2.0, "A"), ("it", 2.0, 2.1, "A"), ("cost?", 2.1, 2.5, "A"),
             ("Yes.", 2.9, 3.1, "A")],
        ),
        (  # three words to a sentence end: crosstalk heard as one sentence ("merge before
            # the net.", the rep's "before the net." on a bench call), left to the voices
            "three",
            [("merge", 1.0, 1.4, "B"), ("before", 1.4, 1.8, "A"), ("the", 1.8, 1.9, "A"),
             ("net.", 1.9, 2.3, "A"), ("Can", 2.7, 2.8, "A"), ("I?", 2.8, 3.0, "A")],
        ),
        (  # the pause is before the words, not after
            "before",
            [("calling", 1.0, 1.4, "B"), ("Right.", 1.6, 1.9, "A"), ("What", 1.9, 2.1, "A"),
             ("now?", 2.1, 2.4, "A")],
        ),
    ],
)  # fmt: skip
def test_a_reply_the_voices_gave_its_speaker_is_left_alone(
    case: str, heard: list[tuple[str, float, float, str]]
) -> None:
    from roleplay.domain.call import sentence_tails_kept

    assert sentence_tails_kept(spoken(heard)) == spoken(heard), case


class ScriptedSpeech:
    """Speech to text that 'hears' the given (text, start, end) words."""

    def __init__(self, heard: list[tuple[str, float, float]]) -> None:
        self.heard = heard

    def transcribe_samples(
        self, audio: np.ndarray, language: str | None = None, progress: Any = None
    ) -> Transcription:
        segments = tuple(Segment(a, b, t, (Word(t, a, b, 0.9),)) for t, a, b in self.heard)
        return Transcription("en", len(audio) / SAMPLE_RATE, segments)

    def transcribe(self, samples: np.ndarray, language: str, prompt: str = "") -> str:
        return ""


def test_a_mono_call_keeps_the_sentence_with_its_speaker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the real-call path: the voices (scripted as the walk's diarization heard them)
    put "us." with the rep; the transcript keeps it in the customer's line."""
    from roleplay.adapters import call_audio
    from tests.speech import write_wav

    rng = np.random.default_rng(0)
    path = write_wav(tmp_path / "mono.wav", (rng.normal(0, 0.05, 34 * SAMPLE_RATE)).astype("f4"))
    heard = HEARD[:12]
    voices = [0 if who == "B" else 1 for *_w, who in heard]
    monkeypatch.setattr(call_audio, "speakers_of_words", lambda *a, **k: voices)
    stt: Any = ScriptedSpeech([(t, a, b) for t, a, b, _who in heard])
    call = call_audio.CallTranscriber(stt).transcribe(path, None, "mono")
    assert [(u.speaker, u.text) for u in utterances(list(call.words))] == [
        ("A", "and the customers start calling us."),
        ("B", "What does it cost?"),
        ("A", "Twenty thousand,"),
    ]


# --- any rep name reads back from every format `transcribe --speakers` writes -------------

NAMES = [
    "Kari-Anne Marie Nordmann-Hansen Bergen",  # 4 words, 38 characters: read back before too
    "Kari Anne Marie Nordmann-Hansen av Bergen, Norway",  # 49: refused before
    "K" * 80,  # the longest name a rep can have
    "Kari (over Bob)",  # looks like the mark itself
    "Kari: the rep [sales]",
    '2Pac "the rep"',
    "Customer",  # the other side's name: the other side is written "The customer" instead
]


@pytest.mark.parametrize("rep", NAMES)
def test_any_rep_name_is_written_so_that_score_reads_it_back(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rep: str
) -> None:
    """Before, `transcribe --speakers --rep NAME` refused a name longer than ~44 characters
    (and ':', '[', a leading digit...) for its text output: the marked label "NAME (over
    Customer)" would not read back. Now such a name is written quoted, and the text and the
    JSON score as the recording does."""
    from roleplay.cli import calls
    from tests.drill_calls import invoke
    from tests.test_calls8_walk import SAID, made_call, scored

    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "Europe/Oslo")
    monkeypatch.setattr(calls, "read_call", lambda *a, **k: made_call("stereo"))
    audio = tmp_path / "call.wav"
    audio.write_bytes(b"RIFF")
    side = ("--rep-channel", "left", "--rep", rep)
    text = invoke(mini_workspace, "transcribe", "--speakers", *side, str(audio))
    assert text.exit_code == 0, text.output
    as_json = invoke(mini_workspace, "transcribe", "--speakers", "--json", *side, str(audio))
    assert as_json.exit_code == 0, as_json.output
    direct = scored(mini_workspace, audio, *side)
    for name, out in (("call.txt", text.stdout), ("call.json", as_json.stdout)):
        path = tmp_path / name
        path.write_text(out)
        back = scored(mini_workspace, path, "--rep", rep)
        assert back["kpis"] == direct["kpis"], name
        assert back["kpis"]["rep_turns"] == 3, name
        from roleplay.domain.transcript_file import parse

        parsed = parse(out, rep, name)
        assert [(t.speaker, t.text) for t in parsed.turns][:3] == [
            ("rep", SAID[0][0]),
            ("customer", SAID[1][0]),
            ("rep", "Right."),
        ], name
        assert set(parsed.speakers) == {rep, "The customer" if rep == "Customer" else "Customer"}


# --- a backchannel Whisper left out of a stereo channel is read alone ----------------------


class HearsAlone(ScriptedSpeech):
    """The main pass hears `heard` (one list per channel); a stretch read alone is "Right."."""

    def __init__(self, *heard: list[tuple[str, float, float]]) -> None:
        self.per_channel = list(heard)
        self.alone: list[float] = []  # the seconds of each stretch read alone

    def transcribe_samples(
        self, audio: np.ndarray, language: str | None = None, progress: Any = None
    ) -> Transcription:
        self.heard = self.per_channel.pop(0)
        return super().transcribe_samples(audio, language, progress)

    def transcribe(self, samples: np.ndarray, language: str, prompt: str = "") -> str:
        self.alone.append(len(samples) / SAMPLE_RATE)
        return "Right."


@needs_espeak
def test_a_backchannel_whisper_left_out_of_a_stereo_channel_is_transcribed_and_marked(
    tmp_path: Path,
) -> None:
    """On the walk's stereo call Whisper wrote no word for the rep's "Right." at 0:13.8, said
    inside the customer's sentence: the transcript and the KPIs never knew of it. The main
    pass is scripted here as Whisper heard it; the stretch it left out is read alone and
    marked as said over the customer. The customer's echo on the rep's channel is not read."""
    from roleplay.adapters.call_audio import CallTranscriber
    from roleplay.domain.call import transcript_lines
    from tests.calls import write_stereo

    def at(track: np.ndarray, audio: np.ndarray, second: float) -> float:
        track[int(second * SAMPLE_RATE) : int(second * SAMPLE_RATE) + len(audio)] += audio
        return second + len(audio) / SAMPLE_RATE

    left, right = np.zeros((2, 16 * SAMPLE_RATE), np.float32)
    asked = at(left, say("Could I have your name, please?"), 0.5)
    story = at(
        right,
        say("Ola Hansen, from Berg Transport in Bergen, we do freight.", "en-us+f2"),
        asked + 0.5,
    )
    right_said = at(left, say("Right."), asked + 1.6)
    reply = at(left, say("Thanks, how can I help?"), story + 0.5)
    more = say("Mostly routes, by hand, every morning.", "en-us+f2")
    at(right, more, reply + 0.5)
    at(left, more * 10 ** (-35 / 20), reply + 0.5)  # the customer heard through the rep's line
    call = write_stereo(tmp_path / "call.wav", left, right)
    heard_left = [
        ("Could I have your name, please?", 0.5, asked),
        ("Thanks, how can I help?", story + 0.5, reply),
    ]
    heard_right = [
        ("Ola Hansen, from Berg Transport in Bergen, we do freight.", asked + 0.5, story),
        (
            "Mostly routes, by hand, every morning.",
            reply + 0.5,
            reply + 0.5 + len(more) / SAMPLE_RATE,
        ),
    ]
    stt = HearsAlone(heard_left, heard_right)
    stt_any: Any = stt
    found = CallTranscriber(stt_any).transcribe(call, None, "stereo")
    assert len(stt.alone) == 1  # the echo was not read alone
    [right_word] = [w for w in found.words if w.text == "Right."]
    said_at = asked + 1.6
    assert right_word.speaker == "left"
    assert said_at - 0.2 <= right_word.start and right_word.end <= right_said + 0.2
    lines = transcript_lines(utterances(list(found.words)), {"left": "Kari", "right": "Customer"})
    assert any(
        line.startswith("  [") and line.endswith("Kari (over Customer): Right.") for line in lines
    ), lines
