"""How a customer reply reached the rep, for calls where the customer is heard, not read.

The engine records a customer turn when the customer's stream ends. A voice call knows more:
which sentences were actually played before the rep barged in, when the first sample left the
speaker, where the audio was saved. It passes a `Delivery` to the engine, which asks it once,
as the turn closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Delivered:
    text: str  # the sentences the rep heard (at least in part)
    start: float | None = None  # seconds since the session started: first audio out
    end: float | None = None  # when the last audio ended, or was cut off
    interrupted: bool = False  # the rep barged in
    audio: str | None = None  # relative to the session folder
    timings: dict[str, float] = field(default_factory=dict)


class Delivery(Protocol):
    def finish(self, said: Sequence[str], complete: bool) -> Delivered:
        """Called as the customer's turn closes, with everything the customer produced and
        whether the stream completed. May block until playback has ended."""
        ...
