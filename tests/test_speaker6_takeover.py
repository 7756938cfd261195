"""The stream that takes over at an underrun, on a stand-in for rtmixer's Mixer: its first clip
is timed after what the stream it replaces still holds in its buffer, not on top of it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from roleplay.adapters import audio_speaker
from roleplay.adapters.audio_speaker import SoundDeviceSpeaker
from roleplay.services.ports import Clip


class _Action:
    def __init__(self, actual_time: float) -> None:
        self.actual_time = actual_time
        self.done_frames = 0


class FakeMixer:
    """A stream whose probes start at once and whose ring actions never run (kept queued)."""

    def __init__(self, now: float, latency: float) -> None:
        self.time = now
        self.latency = latency
        self.actions: set[Any] = set()
        self.closed = False
        self.rings: list[float] = []  # start= of each ring action

    def play_buffer(self, samples: Any, channels: int, start: float = 0.0) -> _Action:
        return _Action(self.time + 0.001)

    def play_ringbuffer(self, ring: Any, channels: int, start: float = 0.0) -> _Action:
        self.rings.append(start)
        action = _Action(0.0)
        self.actions.add(action)
        return action

    def stop(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def test_the_first_clip_on_a_stream_that_took_over_waits_for_the_old_ones_buffer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(audio_speaker, "PROBE_WAIT", 0.05)
    speaker = SoundDeviceSpeaker("fake")
    old, new = FakeMixer(100.0, 0.25), FakeMixer(100.0, 0.04)
    speaker._mixer, speaker._rate = old, 16000
    speaker._spare = (new, _Action(1.0), 1)
    speaker._ready.set()
    monkeypatch.setattr(speaker, "_open_spare", lambda: None)  # no device behind it
    speaker._grow()
    assert speaker._mixer is new
    speaker.play(Clip(np.zeros(1600, np.float32), 16000))
    # The old stream's last samples are heard up to its buffer (0.25 s) after it let go.
    assert new.rings == [pytest.approx(100.25)]
    assert old.closed
