"""A long spoken call keeps no more audio in memory than a short one, and still saves it whole.

Each call runs in a child process on a WAV file standing in for the microphone: the rep talks
without handing over (phrases that trail off, "...and", with short pauses between them), so the
whole file is one turn. What the child's Python heap and numpy arrays hold at their peak during
the call (tracemalloc's count of bytes, not time) is compared between a 1-minute and a
10-minute call. Before, the file was decoded whole and kept for the call (38 MB for 10 minutes,
~3x that while decoding) and the turn's buffer kept every sample since the turn began.
"""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

from tests.speech import write_wav

RATE = 16_000
PHRASE = "we went through the numbers and"  # trails off: the rep is not done

CHILD = r"""
import json, shutil, sys, tracemalloc, wave
from pathlib import Path
import numpy as np
from roleplay.adapters.audio_file import FileAudioSource, NullSpeaker, WavRecorder
from roleplay.adapters.memory_speech import TaughtSpeech
from roleplay.adapters.tts_silent import SilentSpeech
from roleplay.adapters.vad import EnergyVad
from roleplay.composition import build
from roleplay.config import Settings
from roleplay.services.voice_call import VoiceCall, VoiceParts

wav, burst_wav, ws, text = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4]
with wave.open(burst_wav, "rb") as w:
    burst = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768
stt = TaughtSpeech()
stt.teach(burst, text)
scenario = ws / "scenarios" / "mini.yaml"
scenario.write_text(scenario.read_text().replace("time_limit: 3m", "time_limit: 30m"))
services = build(ws, settings=Settings(rep="tester"))
call = services.practice.begin("mini", services.profile(), seed=1, mode="voice")
parts = VoiceParts(
    source=FileAudioSource(wav), speaker=NullSpeaker(), stt=stt, tts=SilentSpeech(),
    vad=EnergyVad(), recorder=WavRecorder(ws / "recordings"),
)
voice = VoiceCall(call, parts)
voice.prepare()
tracemalloc.start()
voice.run()
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
rep = [t for t in call.turns if t.speaker == "rep"]
tracks = sorted((ws / "recordings" / call.record.id / "audio").glob("rep-*.wav"))
frames = []
for path in tracks:
    with wave.open(str(path), "rb") as w:
        frames.append(w.getnframes())
print(json.dumps({"peak": peak, "rep_turns": len(rep), "words": [t.text for t in rep],
                  "tracks": frames}))
"""


def _monologue(tmp: Path, minutes: float) -> tuple[Path, Path, int]:
    """Phrases of 2 s of noise (the same one each time) with 0.3 s pauses, for `minutes`,
    after 1 s of silence; returns the file, the phrase's own file, and how many phrases."""
    rng = np.random.default_rng(7)
    burst = (0.3 * rng.standard_normal(2 * RATE)).clip(-0.9, 0.9).astype(np.float32)
    pause = np.zeros(int(0.3 * RATE), np.float32)
    count = int(minutes * 60 / 2.3)
    audio = np.concatenate([np.zeros(RATE, np.float32), *([burst, pause] * count)])
    audio = np.concatenate([audio, np.zeros(2 * RATE, np.float32)])
    return (
        write_wav(tmp / f"rep-{minutes:g}min.wav", audio),
        write_wav(tmp / "phrase.wav", burst),
        count,
    )


def _call(tmp: Path, workspace: Path, minutes: float) -> tuple[dict[str, object], int]:
    import shutil

    wav, burst, phrases = _monologue(tmp, minutes)
    ws = tmp / f"ws-{minutes:g}"
    shutil.copytree(workspace, ws)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(wav), str(burst), str(ws), PHRASE],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), phrases


def test_a_ten_minute_call_holds_no_more_audio_than_a_one_minute_one_and_records_it_all(
    tmp_path: Path, mini_workspace: Path
) -> None:
    short, _ = _call(tmp_path, mini_workspace, 1)
    long, phrases = _call(tmp_path, mini_workspace, 10)
    # The rep never handed over: one turn, every phrase heard and on disk, in order.
    assert long["rep_turns"] == 1
    words = str(long["words"][0]).split()  # type: ignore[index]
    assert words == PHRASE.split() * phrases
    tracks = long["tracks"]
    assert isinstance(tracks, list) and len(tracks) == 1
    spoken = phrases * 2.3 * RATE  # the turn's recording: every phrase and pause
    assert spoken - 0.3 * RATE <= tracks[0] <= spoken + 2 * RATE
    # Nine more minutes of audio (34.6 MB as float32 samples) cost next to nothing more.
    grown = int(long["peak"]) - int(short["peak"])  # type: ignore[call-overload]
    assert grown < 4_000_000, f"{grown / 1e6:.1f} MB more for a 10-minute call"


def test_the_file_source_decodes_as_it_goes_the_same_samples(tmp_path: Path) -> None:
    """Read block by block, a file (here 44.1 kHz stereo, resampled) gives the samples that
    decoding it whole gives, and `check` reads only its start."""
    from faster_whisper import decode_audio

    from roleplay.adapters.audio_file import FileAudioSource

    rng = np.random.default_rng(3)
    stereo = (0.1 * rng.standard_normal((44_100 * 7 + 123, 2))).astype(np.float32)
    path = write_wav(tmp_path / "stereo.wav", stereo, 44_100)
    whole = decode_audio(str(path), sampling_rate=RATE)
    source = FileAudioSource(path)
    blocks = np.concatenate([b.samples for b in source.blocks()])
    usable = len(whole) - len(whole) % 256
    assert np.array_equal(blocks, whole[:usable])
    assert np.array_equal(source.audio(), whole)
    source.check()
    with wave.open(str(path), "rb") as w:
        assert w.getnframes() == len(stereo)
