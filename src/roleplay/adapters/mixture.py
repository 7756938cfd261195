"""Small statistical models for diarization, in numpy: Ward clustering, k-means and a
diagonal Gaussian mixture. scikit-learn has them all, but on main it is an optional extra
(~200 MB with scipy) that only `calibrate` needs; a mono call must score on a plain install."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray


WARD_MOST = 400  # rows clustered by Ward at most (cubic time); the rest join the nearest


def ward(x: NDArray[np.float64], k: int) -> NDArray[np.int_]:
    """Agglomerative clustering with Ward's criterion (Lance-Williams updates on squared
    distances) into `k` clusters; long inputs are clustered on an even subsample."""
    n_all = len(x)
    picked = np.linspace(0, n_all - 1, min(n_all, WARD_MOST)).astype(int)
    sub = x[picked]
    n = len(sub)
    dist = ((sub[:, None, :] - sub[None]) ** 2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    size = np.ones(n)
    owner = np.arange(n)  # each row's current cluster (the index that stands for it)
    for _ in range(n - k):
        i, j = np.unravel_index(int(np.argmin(dist)), dist.shape)
        merged = ((size[i] + size) * dist[i] + (size[j] + size) * dist[j] - size * dist[i, j]) / (
            size[i] + size[j] + size
        )
        dist[i, :] = merged
        dist[:, i] = merged
        dist[i, i] = np.inf
        dist[j, :] = np.inf
        dist[:, j] = np.inf
        size[i] += size[j]
        owner[owner == j] = i
    roots = {int(r): c for c, r in enumerate(np.unique(owner))}
    sub_labels = np.array([roots[int(r)] for r in owner])
    centres = np.array([sub[sub_labels == c].mean(0) for c in range(len(roots))])
    labels: NDArray[np.int_] = ((x[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1)
    labels[picked] = sub_labels
    return labels


def kmeans(x: NDArray[np.float64], k: int, inits: int = 10, seed: int = 0) -> NDArray[np.int_]:
    """Cluster labels of the rows of `x`: the best (least inertia) of `inits` k-means++ runs."""
    rng = np.random.default_rng(seed)
    best: tuple[float, NDArray[np.int_]] | None = None
    norms = (x * x).sum(1)
    for _ in range(inits):
        centres = x[[int(rng.integers(len(x)))]]
        d = _squared_distances(x, norms, centres)[:, 0]
        while len(centres) < k:  # k-means++: far points are likelier next centres
            total = d.sum()
            pick = int(rng.choice(len(x), p=d / total)) if total > 0 else int(rng.integers(len(x)))
            centres = np.vstack([centres, x[pick]])
            d = np.minimum(d, _squared_distances(x, norms, centres[-1:])[:, 0])
        labels = np.zeros(len(x), dtype=int)
        for _step in range(100):
            labels = _squared_distances(x, norms, centres).argmin(1)
            counts = np.bincount(labels, minlength=k).astype(float)
            sums = np.zeros_like(centres)
            np.add.at(sums, labels, x)
            moved = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], centres)
            if np.allclose(moved, centres):
                break
            centres = moved
        inertia = float(((x - centres[labels]) ** 2).sum())
        if best is None or inertia < best[0]:
            best = (inertia, labels)
    assert best is not None
    return best[1]


def _squared_distances(
    x: NDArray[np.float64], norms: NDArray[np.float64], centres: NDArray[np.float64]
) -> NDArray[np.float64]:
    """(rows, centres) squared distances, as |x|^2 - 2 x.c + |c|^2: one matrix product
    instead of a (rows, centres, columns) array (k-means was most of the diarization's time)."""
    d: NDArray[np.float64] = norms[:, None] - 2 * x @ centres.T + (centres * centres).sum(1)
    return np.maximum(d, 0.0)


class DiagonalGmm:
    """A Gaussian mixture with diagonal covariances, fitted by EM from a k-means start."""

    def __init__(self, components: int, iterations: int = 30, floor: float = 1e-3) -> None:
        self.components = components
        self.iterations = iterations
        self.floor = floor  # variance floor: keeps a component from collapsing on one frame

    def fit(self, x: NDArray[np.float64]) -> DiagonalGmm:
        k = max(1, min(self.components, len(x)))
        labels = kmeans(x, k, inits=2)
        resp = np.eye(k)[labels]
        for _ in range(self.iterations):
            self._m_step(x, resp)
            log_p = self._log_joint(x)
            top = log_p.max(1, keepdims=True)
            resp = np.exp(log_p - top)
            resp /= resp.sum(1, keepdims=True)
        self._m_step(x, resp)
        return self

    def _m_step(self, x: NDArray[np.float64], resp: NDArray[np.float64]) -> None:
        weight = resp.sum(0) + 1e-10
        self.weights = weight / weight.sum()
        self.means = (resp.T @ x) / weight[:, None]
        sq = (resp.T @ (x * x)) / weight[:, None] - self.means**2
        self.variances = np.maximum(sq, 0) + self.floor

    def _log_joint(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        inv = 1.0 / self.variances
        quad = (x * x) @ inv.T - 2 * x @ (self.means * inv).T + (self.means**2 * inv).sum(1)
        norm = np.log(self.variances).sum(1) + x.shape[1] * np.log(2 * np.pi)
        joint: NDArray[np.float64] = np.log(self.weights) - 0.5 * (quad + norm)
        return joint

    def score_samples(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Log-likelihood of each row."""
        log_p = self._log_joint(x)
        top = log_p.max(1, keepdims=True)
        out: NDArray[np.float64] = (top + np.log(np.exp(log_p - top).sum(1, keepdims=True)))[:, 0]
        return out
