"""Contract tests for the voice ports, run against every implementation that works here."""

from __future__ import annotations

import time
import wave
from pathlib import Path

import numpy as np
import pytest

from roleplay.adapters.audio_file import FileAudioSource, NullSpeaker, WavRecorder
from roleplay.adapters.tts_pyttsx3 import Pyttsx3Speech, espeak_voice
from roleplay.adapters.tts_silent import SilentSpeech
from roleplay.adapters.vad import EnergyVad, SileroVad
from roleplay.domain.scenario import Voice
from roleplay.services.ports import SAMPLE_RATE, AudioUnavailable, Clip
from tests.speech import needs_espeak, say, write_wav

# --- voice activity -------------------------------------------------------------------------


@needs_espeak
@pytest.mark.parametrize("make", [SileroVad, EnergyVad], ids=["silero", "energy"])
def test_voice_activity_tells_speech_from_silence(make) -> None:
    vad = make()
    speech = say("How does a typical morning look for your dispatch team?")
    audio = np.concatenate([np.zeros(SAMPLE_RATE, np.float32), speech, np.zeros(SAMPLE_RATE)])
    n = vad.block_size
    probs = [vad.probability(audio[i : i + n]) for i in range(0, len(audio) - n + 1, n)]
    first_second = probs[: SAMPLE_RATE // n - 1]
    middle = probs[len(probs) // 2 - 5 : len(probs) // 2 + 5]
    assert max(first_second) < 0.5 and np.mean(middle) > 0.5
    vad.reset()


# --- text to speech -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [pytest.param(Pyttsx3Speech, marks=needs_espeak), SilentSpeech],
    ids=["espeak", "silent"],
)
def test_speech_lasts_as_long_as_the_sentence(make) -> None:
    tts = make()
    short = tts.synthesise("Okay.", Voice(), "en")
    long = tts.synthesise("We re-plan every route by hand, every single morning.", Voice(), "en")
    assert isinstance(short, Clip) and short.samples.dtype == np.float32
    assert 0.2 < short.duration < long.duration < 6


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
    assert blocks[1].start == pytest.approx(512 / SAMPLE_RATE) and len(blocks) == 62
    paced = FileAudioSource(wav, realtime=True)
    t = time.monotonic()
    assert len(list(paced.blocks())) == 62
    # A lower bound only: a busy machine can make it slower, never faster than the audio.
    assert time.monotonic() - t >= 1.95


def test_an_unreadable_file_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "x.wav"
    bad.write_text("hello")
    with pytest.raises(AudioUnavailable, match="cannot read it as audio"):
        list(FileAudioSource(bad).blocks())
    with pytest.raises(AudioUnavailable, match="no such file"):
        list(FileAudioSource(tmp_path / "nope.flac").blocks())


# --- speakers ---------------------------------------------------------------------------------


def test_a_silent_speaker_in_real_time_plays_for_as_long_and_stops_at_once() -> None:
    speaker = NullSpeaker(realtime=True)
    clip = Clip(np.zeros(SAMPLE_RATE, np.float32), SAMPLE_RATE)
    first, second = speaker.play(clip), speaker.play(clip)
    assert not first.wait(0.2)
    speaker.stop()
    assert first.wait(0.1) and second.wait(0.1)
    assert 0.15 < first.played < 0.5 and second.played == 0


# --- recording ---------------------------------------------------------------------------------


def test_a_track_is_a_valid_wav_after_every_write(tmp_path: Path) -> None:
    track = WavRecorder(tmp_path).open("session-1", "rep-001", SAMPLE_RATE)
    for _ in range(3):
        track.write(np.full(1600, 0.25, np.float32))
        with wave.open(str(tmp_path / "session-1" / track.path)) as w:  # readable mid-turn
            frames = w.getnframes()
    assert frames == 4800
    track.close()
    other = WavRecorder(tmp_path).open("session-1", "rep-002", SAMPLE_RATE)
    other.discard()
    assert not (tmp_path / "session-1" / "audio" / "rep-002.wav").exists()
