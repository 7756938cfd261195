"""Two real voices that sound alike are told apart: the reader against herself played 6%
faster or 8% slower (pitch and formants that much higher or lower: a slightly shorter or
longer vocal tract), as the bench's "reader / reader +6%". Before diar9 the voice models never
found that split (52-55% of the words right: chance); each word's frequency warp against a
mixture of the whole call (vocal tract length) now does (97-100% on these calls). Through a
phone line the warps are read inside its band: with the 100-3800 Hz filters the line's
missing top pinned every word to a warp of 1 (the same call 54%).

The words are taken from each clean track (runs of loud frames cut into word-sized pieces)
and a sentence is taken to end where its speaker pauses, so the test judges the diarization
alone, not Whisper's words of the day."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roleplay.adapters.diarization import speakers_of_words
from tests.calls import READER, MadeCall, make_call, real_utterances, shifted
from tests.speech import speech_dir

__all__ = ["speech_dir"]

Word = tuple[float, float, str]  # start, end, side


def clean_words(call: MadeCall, most: float = 0.35) -> list[Word]:
    """Each side's speech from its clean track: runs of frames within 30 dB of its loudest,
    cut every `most` seconds (a word or two), pieces under 80 ms dropped."""
    words: list[Word] = []
    for side, track in (("rep", call.rep), ("customer", call.customer)):
        n = len(track) // 160
        frames = track[: n * 160].reshape(n, 160).astype(np.float64)
        db = 10 * np.log10((frames**2).mean(1) + 1e-10)
        loud = db > db.max() - 30
        start: int | None = None
        for i in range(n + 1):
            on = i < n and bool(loud[i])
            if on and start is None:
                start = i
            if start is not None and (not on or i - start >= most * 100):
                if i - start >= 8:
                    words.append((start / 100, i / 100, side))
                start = i if on else None
    return sorted(words)


def attributed(call: MadeCall) -> float:
    """Share of the call's words given to the side that said them (the better naming)."""
    words = clean_words(call)
    texts = []
    for i, (_, end, side) in enumerate(words):
        after = next((w for w in words[i + 1 :] if w[2] == side), None)
        texts.append("word." if after is None or after[0] - end > 0.3 else "word")
    who = speakers_of_words(call.mix, [(a, b) for a, b, _ in words], texts=texts)
    right = np.mean([(k == 0) == (w[2] == "rep") for k, w in zip(who, words, strict=True)])
    return float(max(right, 1 - right))


@pytest.mark.slow
@pytest.mark.parametrize(("factor", "phone"), [(1.06, False), (0.92, False), (0.94, True)])
def test_a_voice_and_the_same_voice_a_little_higher_are_told_apart(
    speech_dir: Path, factor: float, phone: bool
) -> None:
    reader = real_utterances(speech_dir / "multilingual.mp3", limit=18.0)
    rotated = reader[2:] + reader[:2]
    call = make_call(
        rep_audio=reader,
        rep_text=READER,
        customer_audio=[shifted(x, factor) for x in rotated],
        customer_text=READER,
        turns=6,
        phone=phone,
    )
    share = attributed(call)
    assert share >= 0.85, f"{share:.0%} of the words with their speaker"


@pytest.mark.slow
def test_a_voice_played_faster_reads_a_higher_warp(speech_dir: Path) -> None:
    """The mechanism: the words of the voice 6% higher read warps about 5% above the other's
    (the call's mixture sits between the two voices), words of one voice alike."""
    from roleplay.adapters.diarization import word_warps  # diar9's: absent before

    reader = real_utterances(speech_dir / "multilingual.mp3", limit=18.0)
    rotated = reader[2:] + reader[:2]
    call = make_call(
        rep_audio=reader,
        rep_text=READER,
        customer_audio=[shifted(x, 1.06) for x in rotated],
        customer_text=READER,
        turns=4,
    )
    words = clean_words(call)
    spans = [(int(a * 100), int(b * 100)) for a, b, _ in words]
    speech = np.unique(np.concatenate([np.arange(a, b) for a, b in spans]))
    warps = word_warps(call.mix, spans, speech)
    higher = np.array([w[2] == "customer" for w in words])
    gap = float(np.median(warps[higher]) - np.median(warps[~higher]))
    assert 0.03 <= gap <= 0.09, f"warp of the higher voice minus the other's: {gap:.3f}"
