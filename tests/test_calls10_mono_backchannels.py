"""Mono calls: the other voice's backchannel said in a pause of a sentence (stop 33, calls10).

On a mono recording Whisper transcribes the call in long windows and can leave out a short
word of the other voice: the rep's "Yeah." said in the pause of the customer's "...a copy of
this software, / and associated documentation files..." was in no transcript, while stereo
calls now recover such words from the rep's own channel. `call_audio.mono_missed` reads a
loud pause inside one speaker's sentence alone and gives what it hears to the other voice
when the voice says so, marked as said over the host as stereo marks it. A call without a
backchannel gets none (a made-up word costs more than a missed one).

The calls are made of the real recordings (the customer, ../shared/data/speech/) and
espeak-ng (the rep), so every word's speaker is known.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from roleplay.services.ports import SAMPLE_RATE
from tests.speech import needs_espeak, say, speech_dir

__all__ = ["speech_dir"]  # the fixture

REP_LINES = (
    "Good morning, thanks for calling Nordic Freight, this is Kari speaking.",
    "Could I have your name and the company you are calling from?",
    "Thanks. How are you planning your delivery routes today?",
    "What happens when a driver calls in sick on a busy morning?",
)


def _trim(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    return audio[loud[0] : loud[-1] + 1] if len(loud) else audio


def _level(audio: np.ndarray) -> np.ndarray:
    return np.asarray(audio * (0.03 / (np.sqrt(np.mean(audio**2)) + 1e-9)), np.float32)


def backchannel_call(
    speech_dir: Path,
    word: str | None,
    pause: float = 0.8,
    at: float = 0.15,
    rep_voice: str = "en-us",
    gap: float = 0.6,
) -> tuple[np.ndarray, tuple[float, float] | None]:
    """A mono call of four turns: the rep (espeak-ng) asks, the customer (real recordings)
    answers. The customer's second answer is JFK's "And so my fellow Americans, / ask not
    what your country can do for you," with a `pause` between its halves; `word` (the rep's
    backchannel, or None) starts `at` seconds into that pause (negative: over the end of
    "Americans"). The mix and the backchannel's (start, end)."""
    from tests.calls import real_utterances

    reader = real_utterances(speech_dir / "multilingual.mp3", 14)
    jfk = real_utterances(speech_dir / "jfk.flac")
    halves = [_level(_trim(jfk[0])), _level(_trim(jfk[1]))]
    answers = [
        [_level(_trim(reader[0]))],
        halves,
        [_level(_trim(reader[1]))],
        [_level(_trim(reader[2]))],
    ]
    placed: list[tuple[float, np.ndarray]] = []
    t = 0.5
    pause_at = 0.0
    for line, answer in zip(REP_LINES, answers, strict=True):
        asked = _level(_trim(say(line, rep_voice)))
        placed.append((t, asked))
        t += len(asked) / SAMPLE_RATE + gap
        for n, part in enumerate(answer):
            placed.append((t, part))
            t += len(part) / SAMPLE_RATE
            if n + 1 < len(answer):
                pause_at = t
                t += pause
        t += gap
    mix = np.zeros(int((t + 0.5) * SAMPLE_RATE), np.float32)
    for start, part in placed:
        mix[int(start * SAMPLE_RATE) : int(start * SAMPLE_RATE) + len(part)] += part
    truth = None
    if word is not None:
        said = _level(_trim(say(word, rep_voice)))
        start = pause_at + at
        mix[int(start * SAMPLE_RATE) : int(start * SAMPLE_RATE) + len(said)] += said
        truth = (start, start + len(said) / SAMPLE_RATE)
    return (mix / max(1.0, float(np.abs(mix).max()) / 0.9)).astype(np.float32), truth


def write_mono(path: Path, mix: np.ndarray) -> Path:
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(mix, -1, 1) * 32767).astype("<i2").tobytes())
    return path


# --- the pause read alone: whose voice, and what is not a word (scripted speech to text) ------


class ReadsAlone:
    """Speech to text whose stretches read alone say `text`; it counts the readings."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.read: list[float] = []  # the seconds of each stretch read alone

    def transcribe(self, samples: np.ndarray, language: str, prompt: str = "") -> str:
        self.read.append(len(samples) / SAMPLE_RATE)
        return self.text


def paused_call(in_pause: str | None, voice: str) -> tuple[np.ndarray, list[Any], float]:
    """Rep (en-us) asks, the customer (en-us+f2) answers in two halves with a 0.8 s pause
    that holds `in_pause` said by `voice`, the rep answers. The words (one per line or half,
    as the diarization labelled them: rep A, customer B) and where the pause starts."""
    from roleplay.domain.call import SpokenWord

    lines = [
        ("A", say("Could I have your name and the company you are calling from?")),
        ("B", say("Ola Hansen, from Berg Transport,", "en-us+f2", 150)),
        ("B", say("we plan routes on a whiteboard every morning.", "en-us+f2", 150)),
        ("A", say("Thanks. How many trucks do you run on a normal day?")),
    ]
    mix = np.zeros(20 * SAMPLE_RATE, np.float32)
    words = []
    t, pause_at = 0.5, 0.0
    for n, (who, audio) in enumerate(lines):
        audio = _level(_trim(audio))
        mix[int(t * SAMPLE_RATE) : int(t * SAMPLE_RATE) + len(audio)] += audio
        end = t + len(audio) / SAMPLE_RATE
        words.append(SpokenWord(f"line{n}", round(t, 2), round(end, 2), who))
        t = end + (0.8 if n == 1 else 0.6)
        if n == 1:
            pause_at = end
    if in_pause is not None:
        said = _level(_trim(say(in_pause, voice, 150 if "f2" in voice else 165)))
        start = int((pause_at + 0.2) * SAMPLE_RATE)
        mix[start : start + len(said)] += said
    return mix[: int((t + 0.5) * SAMPLE_RATE)], words, pause_at


@needs_espeak
def test_the_other_voice_in_a_pause_is_read_and_given_to_it() -> None:
    from roleplay.adapters.call_audio import mono_missed

    mix, words, pause_at = paused_call("Right.", "en-us")
    stt = ReadsAlone("Right.")
    stt_any: Any = stt
    [found] = mono_missed(words, mix, stt_any, "en")
    assert found.text == "Right." and found.speaker == "A"  # the rep's, said over the customer
    assert pause_at + 0.1 <= found.start < found.end <= pause_at + 0.8
    assert len(stt.read) == 1


@needs_espeak
@pytest.mark.parametrize(
    ("in_pause", "voice", "heard", "read"),
    [
        ("Well.", "en-us+f2", "Well.", 1),  # the customer's own word: not a backchannel
        (None, "", "Right.", 0),  # a silent pause is not read at all
        ("Right.", "en-us", "docu-", 1),  # a cut-off piece of a word
        ("Right.", "en-us", "Ola.", 1),  # the word before the pause, read again
        ("Right.", "en-us", "So we plan the routes.", 1),  # more words than a pause holds
    ],
)
def test_nothing_is_made_up_in_a_pause(
    in_pause: str | None, voice: str, heard: str, read: int
) -> None:
    from roleplay.adapters.call_audio import mono_missed

    mix, words, _pause_at = paused_call(in_pause, voice)
    words[1] = type(words[1])("Ola", words[1].start, words[1].end, "B")
    stt = ReadsAlone(heard)
    stt_any: Any = stt
    assert mono_missed(words, mix, stt_any, "en") == []
    assert len(stt.read) == read


# --- whole mono calls through the real pipeline (tiny.en) -------------------------------------


@pytest.fixture(scope="module")
def calls() -> Any:
    from roleplay.adapters.call_audio import CallTranscriber
    from roleplay.adapters.stt_whisper import WhisperSpeech

    stt = WhisperSpeech("tiny.en", models_dir=Path("unused"), cpu_threads=1)
    stt.load()
    return CallTranscriber(stt)


@needs_espeak
def test_a_backchannel_said_over_the_end_of_a_word_is_recovered_with_its_speaker(
    calls: Any, speech_dir: Path, tmp_path: Path
) -> None:
    """The rep's "Yeah." starts 0.2 s before JFK's "...fellow Americans," ends and runs into
    his pause: tiny.en wrote no word for it (the transcript went "...fellow American? / ask
    not what..."). It is read alone and given to the rep, marked as said over the customer."""
    from roleplay.domain.call import transcript_lines, utterances

    mix, truth = backchannel_call(speech_dir, "Yeah.", pause=0.8, at=-0.2)
    assert truth is not None
    found = calls.transcribe(write_mono(tmp_path / "call.wav", mix), "en", "auto")
    rep = found.words[0].speaker  # the rep greets first
    said = [w for w in found.words if truth[0] - 0.3 < w.start and w.end < truth[1] + 0.3]
    yeah = [w for w in said if w.text.strip(".,!?").casefold() in {"yeah", "yes"}]
    assert yeah and all(w.speaker == rep for w in yeah), said
    names = {rep: "Kari", ({"A", "B"} - {rep}).pop(): "Customer"}
    lines = transcript_lines(utterances(list(found.words)), names)
    assert any("Kari (over Customer): Ye" in line for line in lines), lines


@needs_espeak
def test_a_call_without_a_backchannel_gets_none(
    calls: Any, speech_dir: Path, tmp_path: Path
) -> None:
    """The same call with its pauses and no backchannel: nothing is read into them."""
    from roleplay.adapters.call_audio import mono_missed, read_channels
    from roleplay.domain.call import transcript_lines, utterances

    for pause in (0.4, 0.8):
        mix, _truth = backchannel_call(speech_dir, None, pause=pause)
        path = write_mono(tmp_path / f"call-{pause}.wav", mix)
        found = calls.transcribe(path, "en", "auto")
        audio = read_channels(path, "mono")[0]
        assert mono_missed(list(found.words), audio, calls.stt, "en") == []
        lines = transcript_lines(utterances(list(found.words)), {"A": "Kari", "B": "Customer"})
        assert not any("(over" in line for line in lines), lines
