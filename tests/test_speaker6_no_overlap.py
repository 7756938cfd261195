"""The customer never talks over themself: clips queued back to back on the speaker are heard
one after the other, never on top of each other, even when the machine stalls while one plays.

Recorded from PulseAudio's null sink (its monitor, in real time), each clip a tone of its own.
A starved CPU is made certain: the playing process is frozen for 0.4 s (SIGSTOP) while the first
clip plays, and the device underruns. The old speaker queued the next clip to start on the
stream's clock where the one before should end; the underrun moved that clock and not the
samples, so the next clip started 0.3 s before the first had been heard to its end."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from roleplay.adapters.audio_sounddevice import Microphone
from tests.pulse import pulse_daemon, pulse_sink

__all__ = ["pulse_daemon", "pulse_sink"]
pytestmark = pytest.mark.slow

RATE = 16000  # the null sink's
WINDOW = 160  # 10 ms: the recording is judged window by window
FRAME = 320  # each window is read through the 20 ms around it, Hann-tapered
# Tones of the clips, two by two. None is a multiple of another (or near one) and none is within
# 200 Hz of another. They were 400-1400 Hz in steps of 200, read over a bare 10 ms window: where
# a few samples of one clip's sound were lost on the way to the sink (after the stall; the sound
# stays as loud and goes on up to half a period later; in 6 of 37 runs, with the old speaker
# too) that window read up to 0.052-0.057 on the tone 200 Hz away (threshold 0.05, a tone alone
# reads 0.15), and a clip still to come was "heard" in the middle of the one before. Such a jump
# now reads 0.027 at most on another tone (0.022 recorded), and a tone counts only where it
# sounds for 30 ms (a jump touches two frames).
PAIRS = [(480, 1320), (810, 1530), (1120, 1780)]
PRIMER = 3000  # the tone that shows the stream runs: far from every clip's
HEARD = 0.05  # a tone reads half its amplitude: a clip's (0.3) reads 0.15 where it sounds alone
SUSTAINED = 3  # windows in a row
CHILD = r"""
import json, sys, time
import numpy as np
from roleplay.adapters.audio_speaker import SoundDeviceSpeaker
from roleplay.services.ports import Clip

rate = 16000
PAIRS = json.loads(sys.argv[2])

def tone(hz, seconds):
    t = np.arange(int(seconds * rate)) / rate
    return Clip((0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32), rate)

def until(check, what, limit=60):
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)

speaker = SoundDeviceSpeaker("pulse")
assert speaker.play(tone(int(sys.argv[3]), 0.1)).wait(60)  # the stream runs
played = []
late = False
for n, (a, b) in enumerate(PAIRS):
    if n == len(PAIRS) - 1 and sys.argv[1] == "barge-in":
        third = speaker.play(tone(a, 0.5))  # the customer's next reply
        assert third.wait(60)
        played.append(third)
        break
    length = 1.0 if n < 2 else 0.5
    streams = speaker.streams_opened
    first = speaker.play(tone(a, length))
    second = speaker.play(tone(b, length))  # queued behind the first, at once
    if n < 2:
        # (heard for 0.2 s: its first sample reached the device that long ago)
        until(lambda: first.started is not None and time.monotonic() > first.started + 0.2,
              "it never played")
        print("playing", flush=True)  # frozen from now on for a moment (the device underruns)
        if n == 1 and sys.argv[1] == "barge-in":  # the rep speaks near its end
            until(lambda: first.played >= 0.8, "it stalled")
            late = first.played >= length  # (a starved thread: the first had ended by now)
            speaker.stop()
    assert first.wait(60) and second.wait(60)
    played += [first, second]
    # The underrun swaps in a stream with a larger buffer once nothing plays: the next pair
    # plays on it (waited for a while; if none comes, it plays on the same one).
    deadline = time.monotonic() + (20 if n < 2 else 0)
    while speaker.streams_opened == streams and time.monotonic() < deadline:
        time.sleep(0.05)
report = {"played": [p.played for p in played], "late": late}
speaker.close()
print(json.dumps(report), flush=True)
"""


def _sounding(hz: float, recorded: np.ndarray) -> np.ndarray:
    """Per 10 ms window: `hz` sounds there (read over the 20 ms around it)."""
    count = len(recorded) // WINDOW
    padded = np.concatenate([np.zeros(WINDOW // 2), recorded, np.zeros(FRAME)])
    frames = np.lib.stride_tricks.sliding_window_view(padded, FRAME)[::WINDOW][:count]
    taper = np.hanning(FRAME + 2)[1:-1]
    t = np.arange(FRAME) / RATE
    level = np.abs(frames @ (taper * np.exp(-2j * np.pi * hz * t))) / taper.sum()
    return np.asarray(level > HEARD)


def _heard(hz: float, recorded: np.ndarray) -> np.ndarray:
    """Per 10 ms window: `hz` sounds there, as part of 30 ms at least. A skip or a click in
    another tone's sound spreads over every frequency, in the two frames that hold it; a clip
    playing on top of another lasts far longer. (A starved stream plays a clip in bits of 10-20
    ms: these count as that clip being heard, `_sounding`, not here.)"""
    loud = _sounding(hz, recorded)
    # Runs shorter than SUSTAINED windows are dropped (an opening, then a closing).
    keep = np.convolve(loud, np.ones(SUSTAINED), "valid") == SUSTAINED
    return np.convolve(keep, np.ones(SUSTAINED), "full") > 0


@pytest.fixture
def monitor(pulse_sink: dict[str, str]) -> Iterator[tuple[Microphone, list[np.ndarray]]]:
    """The null sink's monitor, recording from before anything plays."""
    mic = Microphone("pulse")
    blocks: list[np.ndarray] = []

    def run() -> None:
        for block in mic.blocks():
            blocks.append(block.samples)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while len(blocks) < 8 and time.monotonic() < deadline:
        time.sleep(0.02)  # it records
    yield mic, blocks
    mic.close()
    thread.join(timeout=5)


def _play_frozen(pulse_sink: dict[str, str], mode: str) -> dict[str, Any]:
    """Run the child: freeze it for 0.4 s while the first clip of each pair plays; its
    report."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, json.dumps(PAIRS), str(PRIMER)],
        stdout=subprocess.PIPE,
        text=True,
        env={**pulse_sink, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert child.stdout is not None
        while (line := child.stdout.readline().strip()) == "playing":
            os.kill(child.pid, signal.SIGSTOP)  # the callback cannot run: the device runs dry
            time.sleep(0.4)
            os.kill(child.pid, signal.SIGCONT)
        report: dict[str, Any] = json.loads(line)
        assert child.wait(60) == 0
    finally:
        child.kill()
    return report


def _recording(mic: Microphone, blocks: list[np.ndarray]) -> np.ndarray:
    """What the sink received, once what was still in its buffers has reached the monitor."""
    time.sleep(0.5)
    upto = len(blocks) + 8  # (0.5 s more, read by a recording thread that may be behind)
    deadline = time.monotonic() + 30
    while len(blocks) < upto and time.monotonic() < deadline:
        time.sleep(0.02)
    if mic.overflows:  # (PortAudio said so: on an idle machine it does not happen)
        pytest.skip(
            f"the monitor recording itself dropped audio ({mic.overflows} overflow(s)) on a "
            "starved machine: what was heard when cannot be measured"
        )
    return np.concatenate(blocks)


def _one_voice_at_a_time(recorded: np.ndarray, tones: list[int]) -> list[np.ndarray]:
    """Asserts that no two clips sound together and that each starts after the one before
    it ends; returns where each was heard. Where one clip ends and the next begins one 10 ms
    window may hold both (it is cut at an arbitrary sample)."""
    heard = [_heard(hz, recorded) for hz in tones]
    together = np.count_nonzero(np.sum(heard, axis=0) >= 2)
    assert together <= len(tones) - 1, (
        f"two clips sounded together for {together * 10} ms "
        f"(heard: {[round(np.count_nonzero(h) / 100, 2) for h in heard]} s)"
    )
    for before, after in itertools.pairwise(heard):
        if before.any() and after.any():
            first, last = np.flatnonzero(after)[0], np.flatnonzero(before)[-1]
            spans = [[int(w) for w in np.flatnonzero(h)[[0, -1]]] for h in heard if h.any()]
            assert first >= last - 1, (
                f"a clip was heard from window {first}, the one before it until {last} "
                f"(first and last window of each: {spans})"
            )
    return heard


def test_clips_queued_back_to_back_never_overlap_even_when_the_machine_stalls(
    monitor: tuple[Microphone, list[np.ndarray]], pulse_sink: dict[str, str]
) -> None:
    """Two clips queued at once, the machine stalling while the first plays: the second is
    heard after the first, whole, never on top of it. The stall may make the speaker swap in a
    stream with a larger buffer: the two clips queued after that are heard one after the
    other too, and after what the old stream still held."""
    mic, blocks = monitor
    report = _play_frozen(pulse_sink, "queue")
    recorded = _recording(mic, blocks)
    tones = [hz for pair in PAIRS for hz in pair]
    _one_voice_at_a_time(recorded, tones)
    lengths = [1.0, 1.0, 1.0, 1.0, 0.5, 0.5]
    assert report["played"] == pytest.approx(lengths, abs=0.01)
    # Each was heard. (Not always whole: on a starved machine the sound server itself loses
    # some of what a stream gave it as it restarts; that is not the speaker's to fix.)
    sounded = [np.count_nonzero(_sounding(hz, recorded)) for hz in tones]
    assert all(n >= 25 for n in sounded), sounded


def test_a_barge_in_drops_the_clip_queued_behind_even_when_the_machine_stalled(
    monitor: tuple[Microphone, list[np.ndarray]], pulse_sink: dict[str, str]
) -> None:
    """The rep speaks near the end of the customer's first clip, after a stall: the clip queued
    behind it was never heard (it had not started: the first had not ended), and the
    customer's next reply is heard alone."""
    mic, blocks = monitor
    report = _play_frozen(pulse_sink, "barge-in")
    recorded = _recording(mic, blocks)
    if report["late"]:
        pytest.skip("the test's thread was starved: it barged in after the first clip ended")
    assert report["played"][:2] == pytest.approx([1.0, 1.0], abs=0.01)
    first, second, third = report["played"][2:]
    assert 0.5 < first < 1.0 and second == 0 and third == pytest.approx(0.5, abs=0.01)
    tones = [*PAIRS[0], *PAIRS[1], PAIRS[2][0]]
    heard = _one_voice_at_a_time(recorded, tones)
    assert not heard[3].any(), f"the dropped clip was heard for {heard[3].sum() * 10} ms"
    assert np.count_nonzero(_sounding(tones[4], recorded)) >= 25
