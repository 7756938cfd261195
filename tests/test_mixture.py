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
