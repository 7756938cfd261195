"""The report's statistics: ranks and Spearman checked against scipy, the bootstrap interval,
before/after per rep, and too little data said rather than given a figure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from scipy import stats

from roleplay.domain.outcomes import Outcome
from roleplay.services.effect import bootstrap, effect, ranks, spearman


@pytest.mark.parametrize("seed", range(5))
def test_ranks_and_spearman_agree_with_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 6, 40).astype(float)  # many ties, as practice counts have
    y = x * 0.5 + rng.normal(0, 1, 40)
    assert np.allclose(ranks(x), stats.rankdata(x))
    rho = spearman(x, y)
    assert rho is not None
    assert rho == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    assert spearman(np.ones(10), y[:10]) is None  # no ranking on a constant side


def test_the_bootstrap_interval_resamples_reps_and_covers_the_estimate() -> None:
    rng = np.random.default_rng(3)
    clusters = []
    for _ in range(12):
        x = rng.integers(0, 8, 20).astype(float)
        clusters.append((x - x.mean(), 0.3 * x + rng.normal(0, 1, 20)))
    x = np.concatenate([c[0] for c in clusters])
    y = np.concatenate([c[1] for c in clusters])
    rho = spearman(x, y)
    interval = bootstrap(clusters)
    assert rho is not None and interval is not None
    assert interval[0] < rho < interval[1] and interval[0] > 0  # a real association
    assert bootstrap(clusters) == interval  # seeded: the same report gives the same figures


def test_the_bootstrap_gives_the_figures_of_ranking_each_resample_in_full() -> None:
    """The interval is computed for all resamples at once; it must equal concatenating the
    drawn reps and ranking each resample with `spearman`, ties and repeated reps included."""
    rng = np.random.default_rng(5)
    clusters = []
    for size in (3, 7, 12, 5, 9, 4, 15, 6):
        x = rng.integers(0, 4, size).astype(float)  # many ties
        clusters.append((x - x.mean(), np.round(0.5 * x + rng.normal(0, 1, size), 1)))
    picks = np.random.default_rng(16).integers(0, len(clusters), (500, len(clusters)))
    found = []
    for row in picks:
        x = np.concatenate([clusters[i][0] for i in row])
        y = np.concatenate([clusters[i][1] for i in row])
        if (rho := spearman(x, y)) is not None:
            found.append(rho)
    expected = np.percentile(found, [2.5, 97.5])
    interval = bootstrap(clusters, resamples=500, seed=16)
    assert interval is not None
    assert interval == pytest.approx(tuple(expected), abs=1e-9)


def weekly(rep: str, values: list[float], start: date = date(2026, 1, 5)) -> list[Outcome]:
    return [
        Outcome(rep, start + timedelta(weeks=i), "meetings_booked", v) for i, v in enumerate(values)
    ]


def test_too_little_data_is_said_with_no_figure() -> None:
    rows = weekly("ana", [3, 4, 5]) + weekly("ben", [2, 2, 3])
    practice = {"ana": [datetime(2026, 1, 6, tzinfo=UTC)]}
    e = effect("meetings_booked", "higher", rows, practice, {})
    assert e.rho is None and e.interval is None
    assert e.reading.startswith("Too little data for a correlation: 2 rep(s)")
    assert "at least 5 reps and 4 periods" in e.reading


def test_before_and_after_practice_started_per_rep() -> None:
    start = datetime(2026, 1, 21, 10, tzinfo=UTC)  # a Wednesday in the third week
    rows = weekly("ana", [3, 4, 6, 7, 8])
    e = effect("meetings_booked", "higher", rows, {"ana": [start]}, {"ana": start})
    [ba] = e.before_after
    assert ba.started == date(2026, 1, 19)  # the Monday of that week
    assert (ba.before, ba.periods_before) == (3.5, 2)
    assert (ba.after, ba.periods_after) == (7.0, 3)
    assert ba.change() == 3.5


def test_a_clear_association_reads_in_plain_words() -> None:
    rng = np.random.default_rng(5)
    rows: list[Outcome] = []
    practice: dict[str, list[datetime]] = {}
    t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for r in range(8):
        rep = f"rep{r}"
        practice[rep] = []
        values = []
        for w in range(12):
            n = int(rng.integers(0, 6))
            practice[rep] += [t0 + timedelta(weeks=w, days=1, hours=k) for k in range(n)]
            values.append(10 + 2 * n + float(rng.normal(0, 1)))
        # the outcome of week w+1 follows the practice of week w (four-week window)
        rows += weekly(rep, [10.0, *values[:-1]])
    e = effect("meetings_booked", "higher", rows, practice, {})
    assert e.reps == 8 and e.periods == 12 and e.pairs == 96
    assert e.rho is not None and e.rho > 0.2
    assert "weeks after more practice tend to have better results" in e.reading
    assert e.reading.endswith("Association, not proof.")
    lower = effect("meetings_booked", "lower", rows, practice, {})
    assert "tend to have worse results" in lower.reading
