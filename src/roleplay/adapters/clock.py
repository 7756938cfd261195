"""Clocks: the real one, and a manual one for tests and simulations (years in milliseconds)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """Time moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        self._mono += seconds


class SwitchableClock:
    """The system clock, until a recording is read faster than real time: `follow_audio()`
    stops it there and hands back a manual clock the call moves, so turn times, talk ratio and
    pace come out as if spoken. Every service holds this one object (the composition root
    gives it to each), so they all see the same time after the switch."""

    def __init__(self, real: SystemClock | None = None) -> None:
        self._real = real or SystemClock()
        self._manual: ManualClock | None = None

    def now(self) -> datetime:
        return self._manual.now() if self._manual else self._real.now()

    def monotonic(self) -> float:
        return self._manual.monotonic() if self._manual else self._real.monotonic()

    def follow_audio(self) -> ManualClock:
        """From now on, time moves only when the call moves it (one call per process)."""
        if self._manual is None:
            self._manual = ManualClock(start=self._real.now())
        return self._manual
