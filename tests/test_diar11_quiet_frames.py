"""Digital silence inside a word's span does not count as the speaker's voice (diar11).

Whisper's word spans often run into the pause after a word; in a clean recording (espeak's
gaps and stop closures, a muted line) that pause is exact zeros, one point in cepstrum space.
A speaker's mixture fitted on it scores those frames enormously, so before diar11 the
labelling that gathered the words with silent tails "fitted best" whoever had spoken them (on
the bench's same-pitch espeak calls, a labelling 61% right out-fitted the true one by ~1700).
The speakers' mixtures now leave out frames far below the words' median energy, so a word's
scores are the same whether its span caught the silence after it or not."""

from __future__ import annotations

import numpy as np

from roleplay.adapters import diarization as D

RATE = 16_000


def test_a_words_scores_do_not_change_with_the_silence_its_span_caught() -> None:
    rng = np.random.default_rng(3)
    word, gap = 30, 30  # frames (10 ms): 0.3 s of speech, then 0.3 s of digital silence
    n_words = 12
    audio = np.zeros(n_words * (word + gap) * D.HOP, dtype=np.float32)
    feats = np.zeros((n_words * (word + gap), D.N_CEPS))
    tight, loose = [], []
    for i in range(n_words):
        a = i * (word + gap)
        audio[a * D.HOP : (a + word) * D.HOP] = 0.1 * rng.standard_normal(word * D.HOP)
        feats[a : a + word] = rng.normal(i % 2, 1.0, (word, D.N_CEPS))
        feats[a + word : a + word + gap] = -5.0  # what log(0 + 1e-8) cepstra look like
        tight.append((a, a + word))
        loose.append((a, a + word + gap))
    speech = np.unique(np.concatenate([np.arange(a, b) for a, b in loose]))
    loud = D._loud_frames(audio, len(feats), speech)
    assert not loud[tight[0][1] : loose[0][1]].any()
    labels = [i % 2 for i in range(n_words)]
    with_silence = D._word_scores(feats, loose, labels, 2, loud)
    without = D._word_scores(feats, tight, labels, 2, loud)
    np.testing.assert_allclose(with_silence, without)
