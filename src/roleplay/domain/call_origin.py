"""Where a session came from, in words: a scored real call (the file, how the voices were
split, how long) or practice. Its own pydantic-free module: `roleplay show` prints it from a
plain view of session.json (issue 18); services/export.py words exports with it too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

OUTSIDE_CALL = "outside-call"  # the scenario id of a scored real call (not practice)


class _Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str | None: ...


class _Recorded(Protocol):
    @property
    def scenario(self) -> _Named: ...
    @property
    def settings(self) -> Mapping[str, str | int | float | bool | None]: ...


def _clock(seconds: float) -> str:
    s = max(0, round(seconds))
    return f"{s // 60}:{s % 60:02d}"


def real_call(record: _Recorded) -> str | None:
    """What a scored real call was made from, in words ("a real call, scored from call.wav,
    split by channel, the rep on the left, 1:58 long"); None for practice. A real call has
    no scenario variation to show, and its start is when it was scored, not when it was held."""
    if record.scenario.id != OUTSIDE_CALL:
        return None
    s = record.settings
    parts = [f"a real call, scored from {s.get('source') or record.scenario.title or 'a file'}"]
    side = s.get("rep_side")
    if s.get("split") == "stereo" and side:
        parts.append(f"split by channel, the rep on the {side}")
    elif s.get("split") == "mono" and side:
        parts.append(f"voices told apart, the rep is speaker {side}")
    duration = s.get("duration")
    if isinstance(duration, int | float) and not isinstance(duration, bool):
        parts.append(f"{_clock(duration)} long")
    return ", ".join(parts)
