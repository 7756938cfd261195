"""The two processes `turn_latency_bench.py --memory` compares, each started fresh and
importing only what it needs: its peak RSS (`ru_maxrss`, MiB) is its last line of output.

    whisper  faster-whisper alone: the speech model (the app's adapter, so the same model,
             loading and decoding) transcribes each of the rep's lines, read one by one
             from the WAV file; nothing of the app's call, no test helpers imported.
    call     a whole voice call on that WAV file (fast, silent speaker, offline customer).

Both read the same file and line times, which the parent wrote (synthesising the lines
imports the test helpers, pytest among them, ~15 MiB that neither child should carry).

Usage: python bench/call_memory.py whisper|call WAV TIMES.json [SRC]
(SRC: the tree measured, this one's src by default; --before trees work the same way)
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RATE = 16_000


def whisper(wav: Path, times: list[tuple[float, float]]) -> None:
    import numpy as np

    from roleplay.adapters.stt_whisper import WhisperSpeech

    stt = WhisperSpeech(models_dir=Path(tempfile.mkdtemp(prefix="roleplay-mem-")) / "models")
    stt.load()
    with wave.open(str(wav), "rb") as w:
        for start, end in times:
            w.setpos(int(start * RATE))
            pcm = w.readframes(int(end * RATE) + 1600 - int(start * RATE))
            stt.transcribe(np.frombuffer(pcm, "<i2").astype(np.float32) / np.float32(32768), "en")


def call(wav: Path) -> None:
    import shutil
    from datetime import UTC, datetime

    from roleplay.adapters.audio_file import FileAudioSource, NullSpeaker, WavRecorder
    from roleplay.adapters.clock import ManualClock
    from roleplay.adapters.stt_whisper import WhisperSpeech
    from roleplay.adapters.tts_pyttsx3 import Pyttsx3Speech
    from roleplay.adapters.vad import SileroVad
    from roleplay.composition import build
    from roleplay.config import Settings
    from roleplay.services.voice_call import VoiceCall, VoiceParts

    tmp = Path(tempfile.mkdtemp(prefix="roleplay-mem-"))
    ws = tmp / "ws"
    shutil.copytree(REPO / "tests" / "data" / "valid", ws)
    (ws / "recordings").mkdir()
    clock = ManualClock(start=datetime.now(UTC))
    services = build(ws, settings=Settings(rep="bench"), clock=clock)
    call = services.practice.begin("mini", services.profile(), seed=1, mode="voice")
    parts = VoiceParts(  # made as `roleplay practice --voice` makes them, before the model
        source=FileAudioSource(wav),
        speaker=NullSpeaker(),
        stt=WhisperSpeech(models_dir=tmp / "models"),
        tts=Pyttsx3Speech(),
        vad=SileroVad(),
        recorder=WavRecorder(ws / "recordings"),
    )
    voice = VoiceCall(call, parts, timeline=clock)
    voice.prepare()
    voice.run()


def main() -> None:
    kind, wav, times = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    sys.path[:0] = [sys.argv[4] if len(sys.argv) > 4 else str(REPO / "src")]
    if kind == "whisper":
        whisper(wav, [tuple(t) for t in json.loads(times.read_text())])
    else:
        call(wav)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()
