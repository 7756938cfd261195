"""The AudioSource contract (the rep's side of the call), run against a file read fast, a file
paced as if spoken, and the real microphone (PortAudio recording PulseAudio's null sink while
the file is played into it)."""

from __future__ import annotations

import itertools
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from roleplay.adapters.audio_file import FileAudioSource
from roleplay.services.ports import SAMPLE_RATE, AudioBlock, AudioSource
from tests.pulse import SINK, pulse_daemon, pulse_sink
from tests.speech import write_wav

__all__ = ["pulse_daemon", "pulse_sink"]


@dataclass
class Source:
    source: AudioSource
    audio: np.ndarray  # what is spoken into it
    start: threading.Event  # set when the rep starts speaking (a device needs it played)


def _tone_file(folder: Path) -> tuple[Path, np.ndarray]:
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    audio = (0.4 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    return write_wav(folder / "rep.wav", audio), audio


@pytest.fixture(
    params=["file-fast", "file-realtime", pytest.param("microphone", marks=pytest.mark.slow)]
)
def src(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Source]:
    path, audio = _tone_file(tmp_path)
    start = threading.Event()
    if request.param == "microphone":
        env = request.getfixturevalue("pulse_sink")
        from roleplay.adapters.audio_sounddevice import Microphone

        mic = Microphone("pulse")

        def speak() -> None:
            start.wait(30)
            subprocess.run(["paplay", "-d", SINK, str(path)], env=env, check=True)

        player = threading.Thread(target=speak, daemon=True)
        player.start()
        yield Source(mic, audio, start)
        mic.close()
        start.set()
        player.join(30)
        return
    made = FileAudioSource(path, realtime=request.param == "file-realtime")
    yield Source(made, audio, start)
    made.close()


def _read(src: Source, seconds: float) -> list[AudioBlock]:
    """Blocks covering `seconds` of audio, then the source is closed."""
    got: list[AudioBlock] = []
    for block in src.source.blocks():
        if not got:
            src.start.set()
        got.append(block)
        if block.end >= seconds:
            src.source.close()
    return got


def test_blocks_follow_each_other_without_gaps(src: Source) -> None:
    blocks = _read(src, 0.9)
    assert blocks and src.source.description
    assert blocks[0].start == 0.0
    for before, after in itertools.pairwise(blocks):
        assert after.start == pytest.approx(before.end)  # counted in samples: no drift
    for b in blocks:
        assert b.samples.dtype == np.float32 and b.samples.ndim == 1 and len(b.samples) > 0
        assert float(np.max(np.abs(b.samples))) <= 1.0


def test_what_is_spoken_arrives(src: Source) -> None:
    blocks = _read(src, 3.0 if src.source.realtime else 0.99)
    heard = np.concatenate([b.samples for b in blocks])
    loudest = max(float(np.sqrt(np.mean(b.samples**2))) for b in blocks)
    assert loudest == pytest.approx(0.4 / np.sqrt(2), rel=0.2)  # the tone's loudness
    if isinstance(src.source, FileAudioSource):  # a file is heard sample for sample
        half = len(src.audio) // 2
        assert np.allclose(heard[:half], src.audio[:half], atol=1e-3)


def test_close_ends_the_blocks_from_another_thread(src: Source) -> None:
    got: list[AudioBlock] = []
    done = threading.Event()

    def listen() -> None:
        for block in src.source.blocks():
            got.append(block)
            src.start.set()
        done.set()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert src.start.wait(30)
    src.source.close()  # the call ended while the rep was still speaking
    assert done.wait(30)
