"""How the speaker hands clips to the C callback, on a stand-in for rtmixer's Mixer that reads
the speaker's ring buffer as its callback does (in blocks; a ring action that finds the ring
short plays what is there and ends). Whatever the timing, what comes out is each clip whole, in
the order queued, one after the other: never two at once."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from roleplay.adapters import audio_speaker
from roleplay.adapters.audio_speaker import SoundDeviceSpeaker
from roleplay.services.ports import Clip

RATE = 16000
BLOCK = 256


class _Action:
    def __init__(self, ring: Any, start: float) -> None:
        self.ring = ring
        self.requested_time = start
        self.actual_time = -1.0
        self.cancelled = False


class RingMixer:
    """Plays ring actions one block at a time (`run`), as rtmixer's callback does."""

    def __init__(self) -> None:
        self.time = 10.0
        self.latency = 0.02
        self.actions: set[_Action] = set()
        self.closed = False
        self.out: list[np.ndarray] = []  # each block's mix

    def play_ringbuffer(self, ring: Any, channels: int, start: float = 0.0) -> _Action:
        action = _Action(ring, start)
        self.actions.add(action)
        return action

    def cancel(self, action: _Action) -> None:
        action.cancelled = True

    def run(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            mix = np.zeros(BLOCK, np.float32)
            for action in list(self.actions):
                if action.cancelled:
                    self.actions.discard(action)
                    continue
                if action.actual_time < 0:
                    action.actual_time = max(self.time, action.requested_time)
                got = np.frombuffer(action.ring.read(BLOCK), np.float32)
                mix[: len(got)] += got
                if len(got) < BLOCK:  # the ring ran short: the action ends
                    self.actions.discard(action)
            self.out.append(mix)
            self.time += BLOCK / RATE

    def stop(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def speaker(monkeypatch: pytest.MonkeyPatch) -> SoundDeviceSpeaker:
    monkeypatch.setattr(audio_speaker, "RING_FRAMES", 1024)  # clips longer than the ring
    made = SoundDeviceSpeaker("fake")
    made._mixer, made._rate = RingMixer(), RATE
    made._ready.set()  # no stream to wait for
    return made


def _clip(value: float, frames: int) -> Clip:
    return Clip(np.full(frames, value, np.float32), RATE)


def _heard(mixer: RingMixer) -> np.ndarray:
    out = np.concatenate(mixer.out)
    return np.asarray(out[out != 0])


def _play_out(speaker: SoundDeviceSpeaker, playbacks: list[Any]) -> None:
    mixer = speaker._mixer
    for _ in range(1000):
        if all(speaker._finished(p) for p in playbacks):  # (writes what waited for room)
            return
        mixer.run()
    raise AssertionError("the clips never finished")


def test_clips_longer_than_the_ring_play_whole_and_in_order(speaker: SoundDeviceSpeaker) -> None:
    a, b = speaker.play(_clip(1.0, 3000)), speaker.play(_clip(2.0, 500))
    _play_out(speaker, [a, b])
    heard = _heard(speaker._mixer)
    assert heard.tolist() == [1.0] * 3000 + [2.0] * 500  # (a 3.0 would be both at once)
    assert a.played == 3000 / RATE and b.played == 500 / RATE
    assert a.started is not None and b.started is not None
    assert b.started == pytest.approx(a.started + 3000 / RATE)


def test_a_clip_queued_as_the_ring_runs_dry_plays_after_the_one_before(
    speaker: SoundDeviceSpeaker,
) -> None:
    mixer = speaker._mixer
    a = speaker.play(_clip(1.0, 300))
    mixer.run(2)  # the ring ran dry: its action ended
    assert not mixer.actions
    b = speaker.play(_clip(2.0, 300))
    _play_out(speaker, [a, b])
    assert _heard(mixer).tolist() == [1.0] * 300 + [2.0] * 300
    assert b.started is not None and a.started is not None and b.started > a.started


def test_a_barge_in_drops_what_is_queued_and_the_next_clip_plays_alone(
    speaker: SoundDeviceSpeaker,
) -> None:
    mixer = speaker._mixer
    a, b = speaker.play(_clip(1.0, 2000)), speaker.play(_clip(2.0, 500))
    mixer.run(2)
    speaker.stop()
    mixer.run(2)
    assert speaker._finished(a) and speaker._finished(b)
    assert a.played == 512 / RATE and b.played == 0 and b.started is None
    c = speaker.play(_clip(4.0, 300))
    _play_out(speaker, [c])
    assert _heard(mixer).tolist() == [1.0] * 512 + [4.0] * 300
    assert c.played == 300 / RATE
