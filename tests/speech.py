"""Speech for tests and benchmarks: rep lines spoken by espeak-ng, WAV files, word error rate.

espeak-ng speech is cleaner than any microphone; tests also use the real recordings in
../shared/data/speech/ (see `speech_dir`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

RATE = 16_000
REPO = Path(__file__).resolve().parents[1]
SHARED_SPEECH = REPO.parent / "shared" / "data" / "speech"

# What the real recordings say (from their README).
JFK = (
    "And so my fellow Americans, ask not what your country can do for you, ask what you can "
    "do for your country."
)


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


needs_espeak = pytest.mark.skipif(
    not espeak_available(), reason="espeak-ng is not installed (scripts/test installs it)"
)


@pytest.fixture(scope="session")
def speech_dir() -> Path:
    """The real speech recordings; skips only when the shared folder is absent."""
    folder = Path(os.environ.get("ROLEPLAY_SPEECH_DIR", SHARED_SPEECH))
    if not (folder / "jfk.flac").is_file():
        pytest.skip(f"real speech recordings not found in {folder} (CI has them in ../shared)")
    return folder


def say(text: str, voice: str = "en-us", rate: int = 165) -> np.ndarray:
    """One line spoken by espeak-ng, as 16 kHz mono float32."""
    import soxr

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "line.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text],
            check=True,
            capture_output=True,
        )
        audio, rate_in = read_wav(path)
    return np.asarray(soxr.resample(audio, rate_in, RATE), dtype=np.float32)


@dataclass(frozen=True)
class Spoken:
    audio: np.ndarray  # 16 kHz
    starts: list[float]  # seconds: where each line's speech starts
    ends: list[float]  # ...and truly ends (last sample above the noise floor)


def conversation(
    lines: list[str], gap: float = 2.5, lead: float = 0.8, voice: str = "en-us", rate: int = 165
) -> Spoken:
    """The rep's side of a call: each line, then `gap` seconds of silence for the customer."""
    parts = [np.zeros(int(lead * RATE), np.float32)]
    starts, ends = [], []
    position = len(parts[0])
    for line in lines:
        audio = say(line, voice, rate)
        loud = np.flatnonzero(np.abs(audio) > 0.01)
        starts.append((position + (loud[0] if len(loud) else 0)) / RATE)
        ends.append((position + (loud[-1] + 1 if len(loud) else 0)) / RATE)
        parts += [audio, np.zeros(int(gap * RATE), np.float32)]
        position += len(audio) + int(gap * RATE)
    return Spoken(np.concatenate(parts), starts, ends)


def write_wav(path: Path, audio: np.ndarray, rate: int = RATE) -> Path:
    """`audio` (one channel, or frames x channels) as a 16-bit WAV file."""
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1 if pcm.ndim == 1 else pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return data.astype(np.float32) / 32768, rate


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    return " ".join(re.sub(r"[^\w' ]", " ", text).split())


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


def cer(reference: str, hypothesis: str) -> float:
    import jiwer

    return float(jiwer.cer(normalise(reference), normalise(hypothesis)))
