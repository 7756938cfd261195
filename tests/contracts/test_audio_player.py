"""The AudioPlayer contract (a reviewer plays a recorded turn), run against the sound device
(PulseAudio's null sink) and the in-memory player. Playing never fails: it plays, or says why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from roleplay.adapters.audio_player import SoundDevicePlayer
from roleplay.adapters.memory_audio import MemoryPlayer
from roleplay.services.ports import SAMPLE_RATE, AudioPlayer
from tests.pulse import pulse_daemon, pulse_sink
from tests.speech import write_wav

__all__ = ["pulse_daemon", "pulse_sink"]


def _device(request: pytest.FixtureRequest) -> AudioPlayer:
    request.getfixturevalue("pulse_sink")
    return SoundDevicePlayer()


PLAYERS: dict[str, Callable[[pytest.FixtureRequest], AudioPlayer]] = {
    "device": _device,
    "memory": lambda _: MemoryPlayer(),
}


@pytest.fixture(params=[pytest.param("device", marks=pytest.mark.slow), "memory"])
def player(request: pytest.FixtureRequest) -> AudioPlayer:
    return PLAYERS[request.param](request)


def test_a_recorded_turn_plays(player: AudioPlayer, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "turn-0001.wav", np.zeros(SAMPLE_RATE // 4, np.float32))
    result = player.play(wav)
    assert result.played and result.path == wav and result.reason is None


def test_another_format_is_refused_with_the_reason(player: AudioPlayer, tmp_path: Path) -> None:
    flac = tmp_path / "turn-0001.flac"
    flac.write_bytes(b"fLaC")
    result = player.play(flac)
    assert not result.played and result.reason and ".flac" in result.reason


def test_a_damaged_file_is_refused_with_the_reason(player: AudioPlayer, tmp_path: Path) -> None:
    broken = tmp_path / "turn-0002.wav"
    broken.write_bytes(b"RIFF\x00\x00not a wave at all")
    result = player.play(broken)
    assert not result.played and result.reason and "not a playable WAV" in result.reason
