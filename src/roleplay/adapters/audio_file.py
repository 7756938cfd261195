"""Audio without a sound card: a file as the microphone, a speaker that plays to no one,
and the recorder that saves a session's audio as WAV files while it is spoken."""

from __future__ import annotations

import itertools
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roleplay.services.ports import SAMPLE_RATE, AudioBlock, AudioUnavailable, Clip

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

BLOCK = 256  # 16 ms at 16 kHz, the VAD's step


class FileAudioSource:
    """A WAV/FLAC/MP3 file standing in for the microphone: paced as if spoken (`realtime`),
    or read as fast as the call can take it.

    `blocks` decodes the file as it goes, a few seconds at a time, as a microphone hears it:
    a call keeps no more of the file than its current turn, however long the file (decoded
    whole first, a 10-minute file held 38 MB of samples for the whole call, and ~3x that
    while it was decoded). The samples are the same as decoding it whole (`audio`)."""

    def __init__(self, path: Path, *, realtime: bool = False) -> None:
        self.path = path
        self.realtime = realtime
        self._closed = threading.Event()

    @property
    def description(self) -> str:
        return f"{self.path.name} ({'real time' if self.realtime else 'fast'})"

    @property
    def duration(self) -> float:
        return len(self.audio()) / SAMPLE_RATE

    def audio(self) -> NDArray[np.float32]:
        """The whole file at 16 kHz mono (decoded now, not kept)."""
        import numpy as np

        chunks = list(self._decoded())
        return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)

    def check(self) -> None:
        """Raises AudioUnavailable, naming the file, unless its first second decodes."""
        for _chunk in self._decoded(stop_after=SAMPLE_RATE):
            return

    def _decoded(self, stop_after: int | None = None) -> Iterator[NDArray[np.float32]]:
        """The file at 16 kHz mono, in chunks of ~2 s, as faster-whisper's `decode_audio`
        reads it (PyAV: WAV, FLAC, MP3, OGG...; damaged frames skipped)."""
        import av  # faster-whisper's dependency

        if not self.path.is_file():
            raise AudioUnavailable(f"{self.path}: no such file")
        done = 0
        try:
            with av.open(str(self.path), mode="r", metadata_errors="ignore") as container:
                resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
                fifo = av.AudioFifo()
                frames = _valid_frames(container.decode(audio=0))
                for frame in itertools.chain(frames, [None]):
                    if frame is not None:
                        frame.pts = None  # (as decode_audio: no timestamp checks)
                        fifo.write(frame)
                        if fifo.samples < DECODE_CHUNK:
                            continue
                    grouped = fifo.read() if fifo.samples else None
                    for out in resampler.resample(grouped) if grouped is not None else ():
                        done += out.samples
                        yield _float(out.to_ndarray())
                    if frame is None:
                        for out in resampler.resample(None):
                            yield _float(out.to_ndarray())
                    elif stop_after is not None and done >= stop_after:
                        return
        except (OSError, ValueError) as exc:  # PyAV's errors derive from these
            raise AudioUnavailable(
                f"{self.path}: cannot read it as audio ({exc}); use a WAV or FLAC file"
            ) from None

    def blocks(self) -> Iterator[AudioBlock]:
        import numpy as np

        t0 = time.monotonic()
        pending = np.zeros(0, np.float32)
        position = 0
        for chunk in self._decoded():
            pending = np.concatenate([pending, chunk]) if len(pending) else chunk
            usable = len(pending) - len(pending) % BLOCK
            for i in range(0, usable, BLOCK):
                if self._closed.is_set():
                    return
                block = AudioBlock(pending[i : i + BLOCK], (position + i) / SAMPLE_RATE)
                if self.realtime:  # a block is ready when its last sample has been "spoken"
                    wait = t0 + block.end - time.monotonic()
                    if wait > 0 and self._closed.wait(wait):
                        return
                yield block
            position += usable
            pending = pending[usable:].copy()

    def close(self) -> None:
        self._closed.set()


DECODE_CHUNK = 1 << 15  # input frames per resampling step (~2 s at 16 kHz, 0.7 s at 48)


def _valid_frames(frames: Iterator[Any]) -> Iterator[Any]:
    """Decoded frames, damaged ones skipped (as faster-whisper's decode_audio does)."""
    import av

    while True:
        try:
            yield next(frames)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue


def _float(pcm: NDArray[Any]) -> NDArray[np.float32]:
    import numpy as np

    return pcm.reshape(-1).astype(np.float32) / np.float32(32768.0)


class _SilentPlayback:
    def __init__(self, clip: Clip, start: float, realtime: bool) -> None:
        self._duration = clip.duration
        self._start = start
        self._realtime = realtime
        self._stopped_at: float | None = None
        self._stopped = threading.Event()

    @property
    def started(self) -> float | None:
        return self._start

    @property
    def played(self) -> float:
        if not self._realtime:
            return 0.0 if self._stopped_at is not None else self._duration
        end = time.monotonic() if self._stopped_at is None else self._stopped_at
        return max(0.0, min(self._duration, end - self._start))

    @property
    def finished(self) -> bool:
        return self._stopped_at is not None or self.played >= self._duration

    def wait(self, timeout: float | None = None) -> bool:
        if not self._realtime:
            return True
        remaining = self._start + self._duration - time.monotonic()
        if remaining <= 0:
            return True
        if timeout is not None and timeout < remaining:
            return self._stopped.wait(timeout)
        self._stopped.wait(remaining)
        return True

    def stop(self) -> None:
        if self._stopped_at is None and not self.finished:
            self._stopped_at = time.monotonic()
        self._stopped.set()


class NullSpeaker:
    """Plays to no one. In real time a clip takes as long as it lasts (so barge-in and
    timings behave as with a speaker); otherwise it is done at once."""

    def __init__(self, *, realtime: bool = False) -> None:
        self.realtime = realtime
        self._queue: list[_SilentPlayback] = []
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Nothing to start."""

    def play(self, clip: Clip) -> _SilentPlayback:
        with self._lock:
            now = time.monotonic()
            last = self._queue[-1] if self._queue else None
            start = now
            if self.realtime and last is not None and not last.finished:
                start = max(now, last._start + last._duration)
            playback = _SilentPlayback(clip, start, self.realtime)
            self._queue = [p for p in self._queue if not p.finished] + [playback]
            return playback

    def stop(self) -> None:
        with self._lock:
            for p in self._queue:
                p.stop()
            self._queue = []

    def close(self) -> None:
        self.stop()


class WavTrack:
    """A 16-bit WAV file written as audio arrives. The header is rewritten after every
    write and the data flushed, so a killed process leaves a valid file up to that moment."""

    def __init__(self, folder: Path, relative: str, rate: int) -> None:
        self.path = relative
        self._file = folder / relative
        self._file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._raw = self._file.open("wb")
        self._file.chmod(0o600)
        self._wav = wave.open(self._raw, "wb")  # noqa: SIM115 - open while recording
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)
        self._closed = False

    def write(self, samples: NDArray[np.float32]) -> None:
        import numpy as np

        if self._closed or not len(samples):
            return
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
        self._wav.writeframes(pcm.tobytes())  # patches the header's lengths too
        self._raw.flush()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._wav.close()
            self._raw.close()

    def discard(self) -> None:
        self.close()
        self._file.unlink(missing_ok=True)


class WavRecorder:
    """Session audio as `recordings/<session>/audio/<name>.wav`."""

    def __init__(self, recordings: Path) -> None:
        self.recordings = recordings

    def open(self, session_id: str, name: str, rate: int) -> WavTrack:
        return WavTrack(self.recordings / session_id, f"audio/{name}.wav", rate)
