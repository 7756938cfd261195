"""Audio kept in memory: the offline AudioRecorder/AudioTrack (a session's audio as arrays,
optionally handed to MemoryRecordings as WAV bytes when a track closes) and an AudioPlayer
that plays into a list. For tests and anything that must not touch the disk or a sound card;
tests/contracts/ holds them to the same contracts as the WAV files and the sound device.
"""

from __future__ import annotations

import io
import threading
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay.services.ports import Playback

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from roleplay.adapters.memory_store import MemoryRecordings


class MemoryTrack:
    def __init__(self, recorder: MemoryRecorder, session_id: str, relative: str, rate: int) -> None:
        self.path = relative
        self.rate = rate
        self._recorder = recorder
        self._session = session_id
        self._parts: list[NDArray[np.float32]] = []
        self._closed = False

    def write(self, samples: NDArray[np.float32]) -> None:
        import numpy as np

        if self._closed or not len(samples):
            return
        self._parts.append(np.clip(samples, -1.0, 1.0).astype(np.float32, copy=True))
        self._recorder._keep(self)

    def samples(self) -> NDArray[np.float32]:
        import numpy as np

        return np.concatenate(self._parts) if self._parts else np.zeros(0, np.float32)

    def wav(self) -> bytes:
        """The track as the 16-bit WAV file the disk recorder would have written."""

        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.rate)
            wav.writeframes((self.samples() * 32767).astype("<i2").tobytes())
        return out.getvalue()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._recorder._closed(self)

    def discard(self) -> None:
        self._closed = True
        self._recorder._drop(self)


class MemoryRecorder:
    """Tracks by (session id, path). Given MemoryRecordings, a closed track becomes that
    session's audio file there, as a WAV track on disk becomes a file in the session folder."""

    def __init__(self, recordings: MemoryRecordings | None = None) -> None:
        self.tracks: dict[tuple[str, str], MemoryTrack] = {}
        self._recordings = recordings
        self._lock = threading.Lock()

    def open(self, session_id: str, name: str, rate: int) -> MemoryTrack:
        track = MemoryTrack(self, session_id, f"audio/{name}.wav", rate)
        self._keep(track)
        return track

    def _keep(self, track: MemoryTrack) -> None:
        with self._lock:
            self.tracks[(track._session, track.path)] = track

    def _closed(self, track: MemoryTrack) -> None:
        if self._recordings is not None:
            self._recordings.save_audio(track._session, track.path, track.wav())

    def _drop(self, track: MemoryTrack) -> None:
        with self._lock:
            self.tracks.pop((track._session, track.path), None)


class MemoryPlayer:
    """Plays a WAV file into `played` (no sound card): refuses what the real player refuses."""

    def __init__(self) -> None:
        self.played: list[Path] = []

    def play(self, path: Path) -> Playback:
        if path.suffix.lower() != ".wav":
            return Playback(path, False, f"only WAV files are played here, not {path.suffix}")
        try:
            with wave.open(str(path), "rb") as wav:
                wav.readframes(wav.getnframes())
        except FileNotFoundError:
            return Playback(path, False, "the file is gone")
        except (wave.Error, EOFError) as exc:
            return Playback(path, False, f"not a playable WAV file ({exc})")
        self.played.append(path)
        return Playback(path, True)
