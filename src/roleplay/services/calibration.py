"""Does the judge agree with people? Exact and within-one agreement, quadratic-weighted Cohen's
kappa with a bootstrap 95% interval, and bias per criterion, from pairs of (human level, judge
level) on the same session (or gold call) and criterion.

Figures from a handful of pairs swing widely: below RELIABLE_PAIRS the output says so."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from roleplay.errors import RoleplayError

LEVELS = [1, 2, 3, 4, 5]
RELIABLE_PAIRS = 30  # fewer pairs than this: the figures are not yet reliable
BOOTSTRAP = 1000


@dataclass(frozen=True)
class HumanScore:
    session: str
    criterion: str
    level: int


@dataclass(frozen=True)
class Agreement:
    criterion: str
    pairs: int
    exact: float | None  # share of pairs with the same level
    within_one: float | None  # share within one level
    kappa: float | None  # quadratic-weighted Cohen's kappa; None when undefined
    mean_difference: float | None  # judge minus human: >0 means the judge is generous
    kappa_low: float | None = None  # bootstrap 95% interval of kappa
    kappa_high: float | None = None

    @property
    def reliable(self) -> bool:
        return self.pairs >= RELIABLE_PAIRS

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "reliable": self.reliable}


class CalibrationInputError(RoleplayError, ValueError):
    """A human-scores file that cannot be used; the message names the line and the fix."""


def read_human_csv(text: str, file: str) -> list[HumanScore]:
    """CSV with a header: session, criterion, level (extra columns are ignored)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    need = {"session", "criterion", "level"}
    header = {h.strip().lower() for h in (reader.fieldnames or [])}
    if not need <= header:
        raise CalibrationInputError(
            f"{file}:1: the header must name the columns session, criterion, level "
            f"(found: {', '.join(sorted(header)) or 'nothing'})"
        )
    rows: list[HumanScore] = []
    for number, row in enumerate(reader, 2):
        clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        try:
            level = int(clean["level"])
        except ValueError:
            raise CalibrationInputError(
                f"{file}:{number}: level must be a whole number 1-5, got {clean['level']!r}"
            ) from None
        if level not in LEVELS:
            raise CalibrationInputError(f"{file}:{number}: level must be 1-5, got {level}")
        rows.append(HumanScore(clean["session"], clean["criterion"], level))
    return rows


def agreement(criterion: str, pairs: Iterable[tuple[int, int]]) -> Agreement:
    """`pairs` are (human, judge) levels."""
    pairs = list(pairs)
    n = len(pairs)
    if not n:
        return Agreement(criterion, 0, None, None, None, None)
    exact = sum(h == j for h, j in pairs) / n
    within = sum(abs(h - j) <= 1 for h, j in pairs) / n
    diff = sum(j - h for h, j in pairs) / n
    kappa = quadratic_kappa(pairs)
    low, high = bootstrap_interval(pairs) if kappa is not None else (None, None)
    return Agreement(
        criterion,
        n,
        round(exact, 3),
        round(within, 3),
        None if kappa is None else round(kappa, 3),
        round(diff, 2),
        low,
        high,
    )


def quadratic_kappa(pairs: list[tuple[int, int]]) -> float | None:
    """Cohen's kappa with quadratic weights over the levels 1-5 (as sklearn's
    `cohen_kappa_score(weights="quadratic")`); None when it is undefined (everyone used one
    level, or fewer than two pairs)."""
    n = len(pairs)
    if n < 2:
        return None
    k = len(LEVELS)
    observed = [[0.0] * k for _ in range(k)]
    for h, j in pairs:
        observed[h - 1][j - 1] += 1
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][c] for i in range(k)) for c in range(k)]
    disagree = expected = 0.0
    for a in range(k):
        for b in range(k):
            w = (a - b) ** 2 / (k - 1) ** 2
            disagree += w * observed[a][b]
            expected += w * rows[a] * cols[b] / n
    if expected == 0:
        return None
    return 1 - disagree / expected


def bootstrap_interval(
    pairs: list[tuple[int, int]], rounds: int = BOOTSTRAP, seed: int = 13
) -> tuple[float | None, float | None]:
    """A 95% percentile interval of kappa over resamples of the pairs (seeded: the same pairs
    always give the same interval)."""
    rng = random.Random(seed)
    values = sorted(
        v
        for _ in range(rounds)
        if (v := quadratic_kappa([rng.choice(pairs) for _ in pairs])) is not None
    )
    if len(values) < rounds // 2:
        return None, None
    low = values[int(0.025 * (len(values) - 1))]
    high = values[int(0.975 * (len(values) - 1))]
    return round(low, 3), round(high, 3)
