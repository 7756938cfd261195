"""Does practice go with better results? Honest statistics for the report, per outcome metric.

- Spearman's rank correlation between a rep's practice in the four weeks before a period and
  their outcome in that period, each centred on the rep's own mean: a rep is compared with
  themselves, so a rep who is simply better (and practises more) does not make the figure.
- A 95% bootstrap interval that resamples whole reps (their periods are not independent).
- Each rep's mean before and after the week they started practising.
- Too little data (fewer than MIN_REPS reps or MIN_PERIODS periods) is said, with no figure.
This is association, not proof: the report says so beside every figure.

numpy is always installed (faster-whisper's CTranslate2 needs it); the hand-written ranks are
checked against scipy's `spearmanr` in the tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean

import numpy as np

from roleplay.domain.outcomes import Direction, Outcome

MIN_REPS = 5
MIN_PERIODS = 4
WINDOW = timedelta(days=28)  # practice counted for an outcome: the four weeks before its period
RESAMPLES = 500  # enough for a 95% percentile interval to two decimals


def ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (1-based), ties sharing the mean of their ranks (as scipy's rankdata)."""
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    group = np.cumsum(first) - 1
    starts = np.r_[np.flatnonzero(first), len(values)]
    mean_rank = (starts[:-1] + starts[1:] - 1) / 2 + 1
    out = np.empty(len(values))
    out[order] = mean_rank[group]
    return out


def spearman(x: np.ndarray, y: np.ndarray) -> float | None:
    """Spearman's rho; None when either side is constant (no ranking to compare)."""
    if len(x) < 3:
        return None
    rx, ry = ranks(x), ranks(y)
    rx -= rx.mean()
    ry -= ry.mean()
    denom = float(np.sqrt((rx * rx).sum() * (ry * ry).sum()))
    return None if denom == 0 else float((rx * ry).sum() / denom)


def bootstrap(
    clusters: Sequence[tuple[np.ndarray, np.ndarray]], resamples: int = RESAMPLES, seed: int = 16
) -> tuple[float, float] | None:
    """95% percentile interval of rho, resampling whole clusters (reps) with replacement.

    A resample is a count per cluster (how often it was drawn), so every resample is computed
    at once: an element's average rank in a resample is, summed over the clusters with their
    counts, the values below it plus half of (the values equal to it, plus one), and Spearman's
    rho is the Pearson correlation of those ranks with each element weighted by its cluster's
    count. The same figures as concatenating the drawn clusters and ranking them (a test checks
    that against `spearman`), without 2 x 500 sorts per metric."""
    rng = np.random.default_rng(seed)
    k = len(clusters)
    picks = rng.integers(0, k, (resamples, k))
    counts = np.stack([np.bincount(row, minlength=k) for row in picks]).astype(float)  # (R, K)
    owner = np.concatenate([np.full(len(c[0]), i) for i, c in enumerate(clusters)])
    weights = counts[:, owner]  # (R, N): how often each element appears in each resample
    found = _weighted_rho(
        _ranks_by_count(clusters, 0, counts), _ranks_by_count(clusters, 1, counts), weights
    )
    found = found[~np.isnan(found)]
    if len(found) < resamples // 2:
        return None
    lo, hi = np.percentile(found, [2.5, 97.5])
    return float(lo), float(hi)


def _ranks_by_count(
    clusters: Sequence[tuple[np.ndarray, np.ndarray]], side: int, counts: np.ndarray
) -> np.ndarray:
    """(R, N): each element's average rank in each resample (see `bootstrap`)."""
    values = np.concatenate([c[side] for c in clusters])
    # Per cluster and element: the cluster's values below it, plus half of those equal to it.
    # Whole and half numbers times whole counts: every sum below is exact, in any order.
    ranked = np.empty((len(clusters), len(values)))
    for i, c in enumerate(clusters):
        ordered = np.sort(c[side])
        left = np.searchsorted(ordered, values, side="left")
        ranked[i] = left + (np.searchsorted(ordered, values, side="right") - left) / 2
    # einsum, not `@`: the product is small, and BLAS's threads only wait on each other on a
    # busy machine (measured: twice the wall time of the statistics with other work running).
    sums: np.ndarray = np.einsum("rk,kn->rn", counts, ranked)
    return sums + 0.5


def _weighted_rho(rx: np.ndarray, ry: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per row: the Pearson correlation of rx and ry, element weights w; NaN when constant."""
    total = w.sum(axis=1, keepdims=True)
    dx = rx - (w * rx).sum(axis=1, keepdims=True) / total
    dy = ry - (w * ry).sum(axis=1, keepdims=True) / total
    cov = (w * dx * dy).sum(axis=1)
    denom = np.sqrt((w * dx * dx).sum(axis=1) * (w * dy * dy).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.where(denom > 1e-9, cov / np.where(denom > 0, denom, 1), np.nan)
    small = total[:, 0] < 3  # as `spearman`: no figure from fewer than three pairs
    rho[small] = np.nan
    return rho


@dataclass(frozen=True)
class BeforeAfter:
    rep: str
    started: date | None  # the week practice started (None: never in this period)
    before: float | None
    after: float | None
    periods_before: int
    periods_after: int

    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class Effect:
    metric: str
    direction: Direction | None
    reps: int  # reps with outcomes and practice data
    periods: int  # distinct periods
    pairs: int
    rho: float | None
    interval: tuple[float, float] | None
    too_little: str | None  # why no figure is given
    before_after: tuple[BeforeAfter, ...]

    @property
    def reading(self) -> str:
        """One sentence in plain words."""
        if self.too_little:
            return self.too_little
        assert self.rho is not None
        if self.interval is None:
            return f"rho {self.rho:+.2f}; the interval could not be estimated."
        lo, hi = self.interval
        good = {"higher": 1, "lower": -1}.get(self.direction or "", 0)
        if lo <= 0 <= hi:
            verdict = "no clear association either way (the interval includes 0)"
        elif good == 0:
            verdict = "an association; declare the metric higher- or lower-is-better to read it"
        else:
            better = (lo > 0) == (good > 0)
            verdict = (
                "weeks after more practice tend to have better results"
                if better
                else "weeks after more practice tend to have worse results"
            )
        return (
            f"rho {self.rho:+.2f} (95% interval {lo:+.2f} to {hi:+.2f}) over {self.pairs} "
            f"rep-periods of {self.reps} reps: {verdict}. Association, not proof."
        )


def effect(
    metric: str,
    direction: Direction | None,
    outcomes: Sequence[Outcome],
    practice: Mapping[str, Sequence[datetime]],
    first_practice: Mapping[str, datetime],
) -> Effect:
    """`practice`: each rep's practice session times (from at least WINDOW before the first
    period); `first_practice`: when each rep first practised (ever)."""
    mine = [o for o in outcomes if o.metric == metric]
    by_rep: dict[str, list[Outcome]] = defaultdict(list)
    for o in mine:
        by_rep[o.rep].append(o)
    periods = len({o.period_start for o in mine})
    clusters = []
    for rep, rows in sorted(by_rep.items()):
        times = np.array(sorted(t.timestamp() for t in practice.get(rep, ())))
        starts = np.array([_ts(o.period_start) for o in rows])
        counts = np.searchsorted(times, starts) - np.searchsorted(
            times, starts - WINDOW.total_seconds()
        )
        values = np.array([o.value for o in rows], dtype=float)
        if len(rows) >= 2:
            clusters.append((counts - counts.mean(), values - values.mean()))
    before_after = tuple(
        _before_after(rep, rows, first_practice.get(rep)) for rep, rows in sorted(by_rep.items())
    )
    reps = len(clusters)
    pairs = sum(len(c[0]) for c in clusters)
    too_little = None
    if reps < MIN_REPS or periods < MIN_PERIODS:
        too_little = (
            f"Too little data for a correlation: {reps} rep(s) with two or more periods and "
            f"{periods} period(s); at least {MIN_REPS} reps and {MIN_PERIODS} periods are needed."
        )
    rho = interval = None
    if too_little is None:
        x = np.concatenate([c[0] for c in clusters])
        y = np.concatenate([c[1] for c in clusters])
        rho = spearman(x, y)
        if rho is None:
            too_little = "Practice or the outcome did not vary within reps: no correlation to give."
        else:
            interval = bootstrap(clusters)
    return Effect(metric, direction, reps, periods, pairs, rho, interval, too_little, before_after)


def _before_after(rep: str, rows: Sequence[Outcome], started: datetime | None) -> BeforeAfter:
    if started is None:
        return BeforeAfter(rep, None, None, None, 0, len(rows))
    week = started.date() - timedelta(days=started.date().weekday())
    before = [o.value for o in rows if o.period_start < week]
    after = [o.value for o in rows if o.period_start >= week]
    return BeforeAfter(
        rep,
        week,
        fmean(before) if before else None,
        fmean(after) if after else None,
        len(before),
        len(after),
    )


def _ts(day: date) -> float:
    from datetime import UTC

    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
