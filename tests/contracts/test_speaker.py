"""The Speaker/ClipPlayback contract (where the customer's voice goes), run against the real
sound device (PortAudio through PulseAudio's null sink, in real time) and the speaker that plays
to no one, in real time and fast. Playing takes as long as the clip when `realtime` is True."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from roleplay.adapters.audio_file import NullSpeaker
from roleplay.services.ports import SAMPLE_RATE, Clip, Speaker
from tests.pulse import pulse_daemon, pulse_sink

__all__ = ["pulse_daemon", "pulse_sink"]


def _device(request: pytest.FixtureRequest) -> Speaker:
    request.getfixturevalue("pulse_sink")
    from roleplay.adapters.audio_speaker import SoundDeviceSpeaker

    return SoundDeviceSpeaker("pulse")


SPEAKERS: dict[str, Callable[[pytest.FixtureRequest], Speaker]] = {
    "device": _device,
    "none-realtime": lambda _: NullSpeaker(realtime=True),
    "none-fast": lambda _: NullSpeaker(realtime=False),
}


@pytest.fixture(
    params=[
        pytest.param("device", marks=pytest.mark.slow),
        "none-realtime",
        "none-fast",
    ]
)
def speaker(request: pytest.FixtureRequest) -> Iterator[Speaker]:
    made = SPEAKERS[request.param](request)
    yield made
    made.close()


@pytest.fixture(params=[pytest.param("device", marks=pytest.mark.slow), "none-realtime"])
def realtime_speaker(request: pytest.FixtureRequest) -> Iterator[Speaker]:
    """The speakers a rep can barge in on: a fast one has played everything before a stop."""
    made = SPEAKERS[request.param](request)
    yield made
    made.close()


def _clip(seconds: float, rate: int = SAMPLE_RATE) -> Clip:
    t = np.arange(int(seconds * rate)) / rate
    return Clip((0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), rate)


def test_a_clip_plays_to_the_end(speaker: Speaker) -> None:
    clip = _clip(0.4)
    playback = speaker.play(clip)
    assert playback.wait(30)
    assert playback.started is not None
    assert playback.played == pytest.approx(clip.duration, abs=0.01)


def test_clips_play_one_after_the_other_in_the_order_queued(speaker: Speaker) -> None:
    first, second = _clip(0.3), _clip(0.2)
    a, b = speaker.play(first), speaker.play(second)
    assert a.wait(30) and b.wait(30)
    assert a.started is not None and b.started is not None
    assert a.played == pytest.approx(first.duration, abs=0.01)
    assert b.played == pytest.approx(second.duration, abs=0.01)
    if speaker.realtime:  # the second starts when the first has been heard
        assert b.started >= a.started + first.duration - 0.05


def test_a_clip_at_another_rate_lasts_as_long(speaker: Speaker) -> None:
    clip = _clip(0.3, rate=22_050)  # espeak-ng's rate
    playback = speaker.play(clip)
    assert playback.wait(30)
    assert playback.played == pytest.approx(0.3, abs=0.01)


def test_stop_silences_at_once_and_drops_what_is_queued(realtime_speaker: Speaker) -> None:
    speaker = realtime_speaker
    assert speaker.realtime
    long, queued = _clip(3.0), _clip(1.0)
    first, second = speaker.play(long), speaker.play(queued)
    deadline = time.monotonic() + 30  # a loaded machine may start the stream late
    while first.started is None or first.played < 0.2:
        assert time.monotonic() < deadline, "the clip never started playing"
        time.sleep(0.02)
    speaker.stop()  # the rep barged in
    assert first.wait(5) and second.wait(5)
    assert 0.1 < first.played < long.duration - 0.5
    assert second.played == 0
