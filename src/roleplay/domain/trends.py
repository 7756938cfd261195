"""Trends over time: values grouped by day or week, one series per rep, skill or KPI."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean
from typing import Literal

Bucket = Literal["day", "week"]


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[date, float], ...]  # (first day of the bucket, mean value)
    count: int  # values behind the points


def bucket_for(first: datetime, last: datetime) -> Bucket:
    """Days for up to three weeks of data, weeks beyond: enough points, not too many."""
    return "day" if last - first <= timedelta(days=21) else "week"


def bucket_start(when: datetime, by: Bucket) -> date:
    day = when.date()
    return day if by == "day" else day - timedelta(days=day.weekday())  # Monday


def trend(values: Iterable[tuple[str, datetime, float | None]], by: Bucket) -> list[Series]:
    """Mean value per (name, bucket); missing values are skipped; series sorted by name."""
    return bucketed((name, bucket_start(when, by), value) for name, when, value in values)


def bucketed(values: Iterable[tuple[str, date, float | None]]) -> list[Series]:
    """As `trend`, for values whose bucket (its first day) is already known: a report works
    out each session's bucket once for all its charts."""
    grouped: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    for name, day, value in values:
        if value is not None:
            grouped[name][day].append(value)
    return [
        Series(
            name=name,
            points=tuple((day, round(fmean(vs), 3)) for day, vs in sorted(buckets.items())),
            count=sum(len(vs) for vs in buckets.values()),
        )
        for name, buckets in sorted(grouped.items())
    ]
