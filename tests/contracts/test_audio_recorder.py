"""The AudioRecorder/AudioTrack contract (a session's audio, written while it is spoken), run
against the WAV files on disk and the in-memory recorder."""

from __future__ import annotations

import io
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from roleplay.adapters.audio_file import WavRecorder
from roleplay.adapters.memory_audio import MemoryRecorder
from roleplay.adapters.memory_store import MemoryRecordings, MemorySessionStore
from roleplay.services.ports import SAMPLE_RATE, AudioRecorder
from tests.index_data import make_session


@dataclass
class Recorder:
    recorder: AudioRecorder
    read: Callable[[str, str], bytes | None]  # the track's WAV bytes as they are now, or None


def _files(root: Path) -> Recorder:
    def read(session_id: str, path: str) -> bytes | None:
        file = root / session_id / path
        return file.read_bytes() if file.is_file() else None

    return Recorder(WavRecorder(root), read)


def _memory(root: Path) -> Recorder:
    recorder = MemoryRecorder()

    def read(session_id: str, path: str) -> bytes | None:
        track = recorder.tracks.get((session_id, path))
        return track.wav() if track else None

    return Recorder(recorder, read)


RECORDERS = {"wav-files": _files, "memory": _memory}


@pytest.fixture(params=sorted(RECORDERS))
def rec(request: pytest.FixtureRequest, tmp_path: Path) -> Recorder:
    return RECORDERS[request.param](tmp_path)


def _samples(wav_bytes: bytes | None) -> np.ndarray:
    assert wav_bytes is not None
    with wave.open(io.BytesIO(wav_bytes), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE)
        return np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.float32) / 32767


def _tone(seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def test_what_is_written_is_what_plays_back(rec: Recorder) -> None:
    track = rec.recorder.open("s1", "rep-001", SAMPLE_RATE)
    assert not Path(track.path).is_absolute() and track.path.endswith(".wav")
    parts = [_tone(0.2), _tone(0.1, 0.2)]
    for part in parts:
        track.write(part)
    track.close()
    assert np.allclose(_samples(rec.read("s1", track.path)), np.concatenate(parts), atol=1e-4)


def test_a_track_is_whole_after_every_write_before_it_is_closed(rec: Recorder) -> None:
    track = rec.recorder.open("s1", "rep-002", SAMPLE_RATE)
    for n in range(1, 4):
        track.write(_tone(0.1))
        assert len(_samples(rec.read("s1", track.path))) == n * SAMPLE_RATE // 10  # a crash here
    track.close()


def test_loud_audio_is_clipped_not_wrapped(rec: Recorder) -> None:
    track = rec.recorder.open("s1", "rep-003", SAMPLE_RATE)
    track.write(np.array([1.7, -3.0, 0.5], np.float32))
    track.close()
    assert np.allclose(_samples(rec.read("s1", track.path)), [1.0, -1.0, 0.5], atol=1e-4)


def test_a_discarded_track_is_gone_and_others_stay(rec: Recorder) -> None:
    noise = rec.recorder.open("s1", "rep-004", SAMPLE_RATE)
    kept = rec.recorder.open("s1", "rep-005", SAMPLE_RATE)
    noise.write(_tone(0.1))
    kept.write(_tone(0.1))
    noise.discard()
    kept.close()
    assert rec.read("s1", noise.path) is None
    assert rec.read("s1", kept.path) is not None


def test_writing_after_close_changes_nothing(rec: Recorder) -> None:
    track = rec.recorder.open("s1", "rep-006", SAMPLE_RATE)
    track.write(_tone(0.1))
    track.close()
    track.write(_tone(0.5))
    track.close()  # twice: harmless
    assert len(_samples(rec.read("s1", track.path))) == SAMPLE_RATE // 10


def test_the_memory_recorder_hands_closed_tracks_to_the_memory_recordings() -> None:
    store = MemorySessionStore()
    recordings = MemoryRecordings(store)
    made = make_session(1)
    assert made.transcript is not None
    store.create(made.transcript.record)
    track = MemoryRecorder(recordings).open(made.session_id, "rep-001", SAMPLE_RATE)
    track.write(_tone(0.1))
    assert recordings.audio_file(made.session_id, track.path) is None  # still recording
    track.close()
    assert recordings.audio_file(made.session_id, track.path) is not None
