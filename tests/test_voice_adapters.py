"""What the voice adapters do beyond their ports' contracts (those run against every
implementation in tests/contracts/): espeak-ng's voices and quiet terminal, file sources."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from roleplay.adapters.audio_file import FileAudioSource
from roleplay.adapters.tts_pyttsx3 import Pyttsx3Speech, espeak_voice
from roleplay.domain.scenario import Voice
from roleplay.services.ports import SAMPLE_RATE, AudioUnavailable
from tests.speech import needs_espeak, write_wav

# --- text to speech -------------------------------------------------------------------------


@needs_espeak
def test_espeak_keeps_the_terminal_clean_and_follows_the_persona(
    capfd: pytest.CaptureFixture[str],
) -> None:
    tts = Pyttsx3Speech()
    slow = tts.synthesise(
        "Send me an invite for next week.", Voice(gender="female", rate=120), "en"
    )
    fast = tts.synthesise(
        "Send me an invite for next week.", Voice(gender="female", rate=220), "en"
    )
    norsk = tts.synthesise("Send meg en invitasjon til neste uke.", Voice(accent="nb"), "nb")
    tts.close()
    out, _err = capfd.readouterr()
    assert "Audio saved" not in out and out == ""
    assert slow.duration > fast.duration * 1.4  # the persona's rate is used
    assert np.abs(norsk.samples).max() > 0.05
    assert espeak_voice(Voice(gender="female", accent="en-gb"), "en") == "en-gb+f3"
    assert espeak_voice(Voice(), "nb") == "nb"


@needs_espeak
def test_every_sentence_is_spoken_whole(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Each clip is as long as espeak-ng's own rendering of the sentence, every time: through
    pyttsx3's engine a short one ("Okay.") came back empty now and then, and was synthesised
    again while the rep waited."""
    import subprocess

    from tests.speech import read_wav

    tts = Pyttsx3Speech()
    for text in ("Okay.", "Right. Can you tell me more about that?"):
        wav = tmp_path / "cli.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(wav), text], check=True)
        audio, rate = read_wav(wav)
        for _ in range(25):
            clip = tts.synthesise(text, Voice(), "en")
            assert clip.duration == pytest.approx(len(audio) / rate, abs=0.005), text
    assert "no audio" not in caplog.text


# --- audio sources ----------------------------------------------------------------------------


def test_a_file_source_paced_in_real_time_takes_as_long_as_the_audio(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "a.wav", np.zeros(2 * SAMPLE_RATE, np.float32))
    fast = FileAudioSource(wav, realtime=False)
    waits: list[float | None] = []
    real_wait = fast._closed.wait

    def wait(timeout: float | None = None) -> bool:
        waits.append(timeout)
        return real_wait(0)

    fast._closed.wait = wait  # type: ignore[method-assign]
    blocks = list(fast.blocks())
    assert waits == []  # fast: never waits for the audio to be "spoken"
    assert blocks[1].start == pytest.approx(256 / SAMPLE_RATE) and len(blocks) == 125
    paced = FileAudioSource(wav, realtime=True)
    t = time.monotonic()
    assert len(list(paced.blocks())) == 125
    # A lower bound only: a busy machine can make it slower, never faster than the audio.
    assert time.monotonic() - t >= 1.95


def test_an_unreadable_file_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "x.wav"
    bad.write_text("hello")
    with pytest.raises(AudioUnavailable, match="cannot read it as audio"):
        list(FileAudioSource(bad).blocks())
    with pytest.raises(AudioUnavailable, match="no such file"):
        list(FileAudioSource(tmp_path / "nope.flac").blocks())
