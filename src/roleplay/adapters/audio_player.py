"""Playing a turn's audio file: through sounddevice (imported on first play), or not at all.

With no output device (servers, CI, a container) the real player does not fail: it says why it
did not play, and the caller shows the file's path instead.
"""

from __future__ import annotations

import wave
from pathlib import Path

from roleplay.services.ports import Playback

_DTYPES = {1: "uint8", 2: "int16", 4: "int32"}


class SoundDevicePlayer:
    def play(self, path: Path) -> Playback:
        if path.suffix.lower() != ".wav":
            return Playback(path, False, f"only WAV files are played here, not {path.suffix}")
        from roleplay.adapters.audio_sounddevice import probe

        checked = probe()  # in a child process: importing sounddevice can hang (JACK lock)
        if checked.problem is not None:
            return Playback(path, False, checked.problem)
        try:
            import sounddevice as sd
        except OSError:  # the PortAudio library itself is missing
            return Playback(path, False, "no audio output (the PortAudio library is missing)")
        try:
            sd.query_devices(kind="output")
        except (sd.PortAudioError, ValueError):
            return Playback(path, False, "no audio output device on this machine")
        try:
            with wave.open(str(path), "rb") as wav:
                width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
                frames = wav.readframes(wav.getnframes())
        except (wave.Error, EOFError) as exc:
            return Playback(path, False, f"not a playable WAV file ({exc})")
        if width not in _DTYPES:
            return Playback(path, False, f"{8 * width}-bit WAV files are not played here")
        import numpy as np

        samples = np.frombuffer(frames, dtype=_DTYPES[width]).reshape(-1, channels)
        try:
            sd.play(samples, samplerate=rate, blocking=True)
        except sd.PortAudioError as exc:
            return Playback(path, False, f"the audio device refused to play ({exc})")
        return Playback(path, True)


class SilentPlayer:
    """For tests and headless use: never plays, always says so."""

    def play(self, path: Path) -> Playback:
        return Playback(path, False, "audio playback is off")
