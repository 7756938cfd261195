"""Ages and dates typed by people: `90d`, `2w`, `12h`, `2026-01-31`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from roleplay.errors import RoleplayError

_AGE = re.compile(r"^\s*(\d+)\s*(h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


class PeriodError(RoleplayError, ValueError):
    """The text is neither an age like 30d nor a date like 2026-01-31."""


def parse_age(text: str) -> timedelta:
    """'90d' -> 90 days; units h (hours), d (days), w (weeks)."""
    match = _AGE.match(text)
    if not match:
        raise PeriodError(
            f"'{text}' is not an age; expected a number and a unit, like 90d, 12w or 24h"
        )
    unit = match.group(2).lower()
    try:
        return timedelta(**{_UNITS[unit]: int(match.group(1))})
    except (OverflowError, ValueError):  # ValueError: more digits than int() accepts
        raise PeriodError(
            f"'{text.strip()[:40]}' is longer than any calendar allows; use an age up to "
            "999999d (about 2,700 years)"
        ) from None


def parse_since(text: str, now: datetime) -> datetime:
    """An age counted back from `now` ('30d'), or a calendar date ('2026-01-31', UTC midnight)."""
    if _AGE.match(text):
        return before(now, parse_age(text))
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(
            f"'{text}' is neither an age (like 30d, 2w, 24h) nor a date (like 2026-01-31)"
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def before(now: datetime, age: timedelta) -> datetime:
    """`now - age`, or the earliest moment there is when that is before year 1."""
    try:
        return now - age
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)
