"""A real PortAudio device: PulseAudio's null sink, recorded from its monitor in real time."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from roleplay.adapters.audio_sounddevice import Microphone, SoundDeviceSpeaker, list_devices
from tests.pulse import SINK, pulse_daemon, pulse_sink
from tests.speech import JFK, needs_espeak, speech_dir, wer, write_wav

__all__ = ["pulse_daemon", "pulse_sink", "speech_dir"]
pytestmark = pytest.mark.slow


def _record(mic: Microphone, into: list[np.ndarray]) -> threading.Thread:
    def run() -> None:
        for block in mic.blocks():
            into.append(block.samples)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.5)  # record before you play: the stream is open and running
    return thread


def test_speech_played_into_the_device_is_recorded_and_transcribed(
    pulse_sink: dict[str, str], speech_dir: Path, tmp_path: Path
) -> None:
    from faster_whisper import decode_audio

    from roleplay.adapters.stt_whisper import WhisperSpeech

    assert any(d.name == "pulse" and d.inputs and d.outputs for d in list_devices())
    jfk = decode_audio(str(speech_dir / "jfk.flac"), sampling_rate=16000)
    wav = write_wav(tmp_path / "jfk.wav", jfk)  # paplay plays WAV at its true rate
    mic = Microphone("pulse")
    blocks: list[np.ndarray] = []
    thread = _record(mic, blocks)
    subprocess.run(["paplay", "-d", SINK, str(wav)], env=pulse_sink, check=True)
    time.sleep(0.3)
    mic.close()
    thread.join(timeout=5)
    recorded = np.concatenate(blocks)
    assert 11 < len(recorded) / 16000 < 15  # real time: 11 s played, with what was around it
    stt = WhisperSpeech(models_dir=tmp_path)
    assert wer(JFK, stt.transcribe(recorded, "en")) < 0.2


@needs_espeak
def test_the_customer_is_heard_through_the_speaker(
    pulse_sink: dict[str, str], tmp_path: Path
) -> None:
    from roleplay.adapters.stt_whisper import WhisperSpeech
    from roleplay.adapters.tts_pyttsx3 import Pyttsx3Speech
    from roleplay.domain.scenario import Voice

    clip = Pyttsx3Speech().synthesise("What budget have you set aside for this?", Voice(), "en")
    mic = Microphone("pulse")
    blocks: list[np.ndarray] = []
    thread = _record(mic, blocks)
    speaker = SoundDeviceSpeaker("pulse")
    playback = speaker.play(clip)
    assert playback.wait(20)
    assert playback.started is not None  # (how fast is measured by bench/, not asserted here)
    assert playback.played == pytest.approx(clip.duration, abs=0.01)
    first_part = len(blocks)  # blocks recorded while the whole clip played
    cut = speaker.play(clip)
    # A loaded machine can make PulseAudio start a stream late (its ALSA plugin re-buffers
    # after an underrun): wait for the clip to be really playing before cutting it off.
    deadline = time.monotonic() + 30
    while cut.played < 0.3 and time.monotonic() < deadline:
        time.sleep(0.02)
    speaker.stop()  # barge-in: silence at once
    # Stopped part-way: what was played is less than the clip (how soon is bench/'s question).
    assert cut.wait(30) and 0.3 <= cut.played < clip.duration - 0.5
    time.sleep(0.3)
    mic.close()
    thread.join(timeout=5)
    speaker.close()
    heard = WhisperSpeech(models_dir=tmp_path).transcribe(np.concatenate(blocks[:first_part]), "en")
    # espeak-ng's voice, resampled twice and recorded back: most words survive.
    assert wer("What budget have you set aside for this?", heard) < 0.4
