"""Does the judge agree with people? Exact and within-one agreement and weighted Cohen's kappa
per criterion, from pairs of (human level, judge level) on the same session and criterion."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from roleplay.errors import optional_import

LEVELS = [1, 2, 3, 4, 5]


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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class CalibrationInputError(ValueError):
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
    return Agreement(criterion, n, round(exact, 3), round(within, 3), _kappa(pairs), round(diff, 2))


def _kappa(pairs: list[tuple[int, int]]) -> float | None:
    humans = [h for h, _ in pairs]
    judges = [j for _, j in pairs]
    if len(pairs) < 2 or len(set(humans) | set(judges)) < 2:
        return None  # kappa is undefined when everyone used one level
    metrics = optional_import("sklearn.metrics", "calibrate", "roleplay calibrate")
    value = float(metrics.cohen_kappa_score(humans, judges, labels=LEVELS, weights="quadratic"))
    return None if value != value else round(value, 3)  # NaN -> undefined
