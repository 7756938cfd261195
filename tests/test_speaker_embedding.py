"""The shipped speaker encoder (Resemblyzer's GE2E weights, run in numpy) and what it adds to
mono diarization: two real voices are told apart, also through a phone line, and a mono call's
words go to the side that said them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roleplay.adapters.diarization import speakers_of_words
from roleplay.adapters.speaker_embedding import embed, mel_frames, span_vectors
from tests.calls import make_call, phone_line, real_utterances
from tests.speech import RATE, needs_espeak, speech_dir

__all__ = ["speech_dir"]


@pytest.fixture(scope="module")
def voices(speech_dir: Path) -> dict[str, list[np.ndarray]]:
    return {
        "jfk": real_utterances(speech_dir / "jfk.flac"),
        "reader": real_utterances(speech_dir / "multilingual.mp3", limit=18.0),
    }


def test_the_shipped_weights_load_and_give_unit_vectors() -> None:
    silence_then_tone = np.concatenate(
        [np.zeros(RATE // 2), 0.1 * np.sin(2 * np.pi * 220 * np.arange(RATE) / RATE)]
    ).astype(np.float32)
    v = embed(silence_then_tone)
    assert v.shape == (256,) and np.isfinite(v).all()
    assert abs(float(np.linalg.norm(v)) - 1) < 1e-4
    assert (v >= 0).all()  # ReLU before the norm, as the original
    assert mel_frames(silence_then_tone).shape == (1 + len(silence_then_tone) // 160, 40)


@pytest.mark.parametrize("line", ["wide band", "phone band"])
def test_two_real_voices_are_told_apart(voices: dict[str, list[np.ndarray]], line: str) -> None:
    band = phone_line if line == "phone band" else (lambda x: x)
    vecs = {who: [embed(band(x).astype(np.float32)) for x in xs] for who, xs in voices.items()}
    for who, mine in vecs.items():
        other = next(v for k, v in vecs.items() if k != who)
        for i, v in enumerate(mine):
            same = np.mean([v @ u for j, u in enumerate(mine) if j != i])
            different = np.mean([v @ u for u in other])
            # every utterance is clearly nearer its own speaker's other utterances
            assert same > different + 0.1, (who, i, same, different)


def test_words_of_one_voice_get_similar_vectors_and_the_other_voice_does_not(
    voices: dict[str, list[np.ndarray]],
) -> None:
    gap = np.zeros(RATE // 2, np.float32)
    a, b = voices["jfk"][0], voices["reader"][1][: 2 * RATE]
    audio = np.concatenate([a, gap, b, gap, voices["jfk"][1]]).astype(np.float32)
    sides = [(0, len(a)), (len(a) + len(gap), len(a) + len(gap) + len(b))]
    sides.append((sides[1][1] + len(gap), len(audio)))
    # half-second "words" through each stretch
    spans, owner = [], []
    for k, (s, e) in enumerate(sides):
        for w in range(s // 160, e // 160 - 25, 50):
            spans.append((w, w + 50))
            owner.append(0 if k != 1 else 1)
    v = span_vectors(audio, spans)
    labels = np.array(owner)
    centre_a, centre_b = v[labels == 0][:3].mean(0), v[labels == 1].mean(0)
    later_a = v[labels == 0][-3:]  # JFK again, after the reader
    assert (later_a @ centre_a > later_a @ centre_b).all()


def _pseudo_words(call) -> tuple[list[tuple[float, float]], list[str]]:
    """Spans of ~0.3 s where one side is clearly speaking, with that side: word times and
    their true speaker without a speech model (the model is tested with the whole call)."""
    spans, truth = [], []
    step = int(0.3 * RATE)
    for a in range(0, len(call.mix) - step, step):
        r = float(np.sum(call.rep[a : a + step] ** 2))
        c = float(np.sum(call.customer[a : a + step] ** 2))
        if max(r, c) > 1e-3 and max(r, c) > 4 * min(r, c):
            spans.append((a / RATE, (a + step) / RATE))
            truth.append("rep" if r > c else "customer")
    return spans, truth


@needs_espeak
@pytest.mark.parametrize(
    "condition",
    [{"phone": True, "snr_db": 20}, {"phone": True, "overlap": 0.5}],
    ids=["phone band and noise", "phone band and overlap"],
)
def test_a_mono_call_puts_nearly_every_word_with_its_speaker(
    voices: dict[str, list[np.ndarray]], condition: dict[str, object]
) -> None:
    from tests.calls import READER

    call = make_call(customer_audio=voices["reader"], customer_text=READER, turns=4, **condition)  # type: ignore[arg-type]
    spans, truth = _pseudo_words(call)
    who = speakers_of_words(call.mix.astype(np.float32), spans)
    # diarization numbers the voices; which one is the rep is asked or guessed later
    as_a = np.mean([(k == 0) == (t == "rep") for k, t in zip(who, truth, strict=True)])
    assert max(as_a, 1 - as_a) >= 0.9, as_a
