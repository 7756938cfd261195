"""The Clock contract, run against the system clock and the manual clock tests and fast
recordings use: UTC wall time that never goes back, and durations that agree with it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC

import pytest

from roleplay.adapters.clock import ManualClock, SystemClock
from roleplay.services.ports import Clock


def _system() -> tuple[Clock, Callable[[], None]]:
    return SystemClock(), lambda: time.sleep(0.02)


def _manual() -> tuple[Clock, Callable[[], None]]:
    clock = ManualClock()
    return clock, lambda: clock.advance(0.02)


@pytest.fixture(params=["system", "manual"])
def clock(request: pytest.FixtureRequest) -> tuple[Clock, Callable[[], None]]:
    return _system() if request.param == "system" else _manual()


def test_wall_time_is_timezone_aware_utc(clock: tuple[Clock, Callable[[], None]]) -> None:
    now = clock[0].now()
    assert now.tzinfo is not None and now.utcoffset() == UTC.utcoffset(now)


def test_time_moves_forward_and_durations_agree(clock: tuple[Clock, Callable[[], None]]) -> None:
    c, let_time_pass = clock
    wall, mono = c.now(), c.monotonic()
    let_time_pass()
    elapsed_wall = (c.now() - wall).total_seconds()
    elapsed = c.monotonic() - mono
    assert elapsed > 0 and elapsed_wall > 0
    assert elapsed == pytest.approx(elapsed_wall, abs=0.5)  # a turn's length reads the same
