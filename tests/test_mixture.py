"""The numpy models behind mono diarization: Ward and k-means find two voices' clusters, and
each voice's Gaussian mixture prefers that voice's frames."""

from __future__ import annotations

import numpy as np

from roleplay.adapters.mixture import DiagonalGmm, kmeans, ward


def two_voices(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.normal(0.0, 1.0, (120, 6))
    b = rng.normal(0.0, 1.0, (80, 6)) + np.array([4.0, -4.0, 0, 3.0, 0, 0])
    return np.vstack([a, b]), np.array([0] * 120 + [1] * 80)


def agreement(found: np.ndarray, truth: np.ndarray) -> float:
    same = float(np.mean(found == truth))
    return max(same, 1 - same)


def test_ward_and_kmeans_separate_two_clusters() -> None:
    x, truth = two_voices()
    assert agreement(ward(x, 2), truth) > 0.98
    assert agreement(kmeans(x, 2), truth) > 0.98


def test_ward_on_more_rows_than_it_clusters_directly_still_labels_every_row() -> None:
    x, truth = two_voices(1)
    x, truth = np.vstack([x, x, x]), np.concatenate([truth, truth, truth])  # 600 rows > 400
    labels = ward(x, 2)
    assert len(labels) == 600 and agreement(labels, truth) > 0.98


def test_a_voice_model_prefers_its_own_frames() -> None:
    x, truth = two_voices(2)
    a = DiagonalGmm(4).fit(x[truth == 0])
    b = DiagonalGmm(4).fit(x[truth == 1])
    prefers_a = a.score_samples(x) > b.score_samples(x)
    assert np.mean(prefers_a == (truth == 0)) > 0.98


def test_the_turn_changes_hands_at_a_sentence_end_or_a_pause_not_mid_sentence() -> None:
    from roleplay.adapters.diarization import _turn_points, _viterbi

    words = [(0.0, 0.3), (0.3, 0.6), (0.6, 0.9), (0.9, 1.2), (1.2, 1.5), (1.5, 1.8)]
    said = ["Could", "I", "help?", "Yes", "I", "think"]
    points = _turn_points(words, said)
    assert points == [True, False, False, True, False, False]  # after "help?"
    # The second half sounds a little like the other voice: enough after a sentence end...
    scores = np.array([[3.0, 0.0]] * 3 + [[0.0, 3.0]] * 3)
    assert _viterbi(scores, points)[0] == [0, 0, 0, 1, 1, 1]
    # ...not enough to break into the middle of one sentence (crosstalk stays with its turn)
    run_on = _turn_points(words, [w.rstrip("?") for w in said])
    assert _viterbi(scores, run_on)[0] == [0] * 6
    # a pause is a place to hand over too
    paused = [*words[:3], (1.5, 1.8), (1.8, 2.1), (2.1, 2.4)]
    assert _turn_points(paused, [w.rstrip("?") for w in said])[3]
