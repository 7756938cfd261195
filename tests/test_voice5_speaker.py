"""The speaker's takeover at an underrun, on a stand-in for rtmixer's Mixer: what a loaded
machine does to a new stream (its probes start late, or never) without needing one."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from roleplay.adapters import audio_speaker
from roleplay.adapters.audio_speaker import LATENCIES, SoundDeviceSpeaker


class _Action:
    def __init__(self, actual_time: float) -> None:
        self.actual_time = actual_time
        self.done_frames = 0


class FakeMixer:
    """A stream whose clips start `delay` seconds after they are queued (None: never)."""

    def __init__(self, delay: float | None) -> None:
        self.delay = delay
        self.time = 100.0
        self.actions: set[_Action] = set()
        self.closed = False
        self.probes = 0

    def play_buffer(self, samples: Any, channels: int, start: float = 0.0) -> _Action:
        self.probes += 1
        return _Action(0.0 if self.delay is None else self.time + self.delay)

    def stop(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def _speaker(monkeypatch: pytest.MonkeyPatch, spare: FakeMixer) -> tuple[SoundDeviceSpeaker, Any]:
    monkeypatch.setattr(audio_speaker, "TAKEOVER_WAIT", 0.3)
    monkeypatch.setattr(audio_speaker, "PROBE_WAIT", 0.05)
    speaker = SoundDeviceSpeaker("fake")
    old = FakeMixer(0.01)
    speaker._mixer = old
    speaker._spare = (spare, _Action(1.0), 1)
    monkeypatch.setattr(speaker, "_open_spare", lambda: None)  # no device behind it
    return speaker, old


def _grow(speaker: SoundDeviceSpeaker) -> None:
    done = threading.Event()

    def run() -> None:
        speaker._grow()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    # The old code probed forever; generous: a bound of 0.3 s, waited for up to a minute.
    if not done.wait(60):
        speaker._closed.set()  # lets the old loop go
        pytest.fail("the takeover never gave up waiting for the new stream")


def test_a_new_stream_that_never_starts_a_probe_is_given_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At a load of ~14 the swapped-in stream's probe never started: the swap waited forever
    (and the watch on the stream in use with it). Now the stream in use plays on and the new
    one is closed."""
    stuck = FakeMixer(None)
    speaker, old = _speaker(monkeypatch, stuck)
    _grow(speaker)
    assert speaker._mixer is old and speaker.latency == LATENCIES[0]
    assert stuck.closed and stuck.probes >= 1


def test_a_new_stream_that_starts_clips_late_still_takes_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Probes that start, but later than the buffer: past the wait the larger stream takes
    over (its clips come late; the one in use runs dry)."""
    late = FakeMixer(1.0)
    speaker, _old = _speaker(monkeypatch, late)
    _grow(speaker)
    assert speaker._mixer is late and speaker.latency == LATENCIES[1]
    assert speaker.grown == 1 and not late.closed


def test_a_prompt_new_stream_takes_over_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    prompt = FakeMixer(0.01)
    speaker, _old = _speaker(monkeypatch, prompt)
    _grow(speaker)
    assert speaker._mixer is prompt and prompt.probes == 1


def test_probe_reports_when_a_clip_would_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio_speaker, "PROBE_WAIT", 0.05)
    speaker = SoundDeviceSpeaker("fake")
    assert speaker._probe(FakeMixer(0.25)) == pytest.approx(0.25)
    assert speaker._probe(FakeMixer(None)) is None
