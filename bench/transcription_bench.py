"""Speech-to-text: load time, real-time factor, word error rate, peak memory.

On the real recordings in ../shared/data/speech/ (JFK; the English half of the licence
reading) and on sales lines synthesised with espeak-ng, for:
- `live`: what a call uses at the end of each utterance (short window, greedy; see
  adapters/stt_whisper.py), one utterance at a time, with its latency;
- `window30`: faster-whisper's own `transcribe` (30 s window, beam 5), for comparison;
- `file`: `roleplay transcribe` (VAD filter, word times, beam 5) on the recordings.

Usage: python bench/transcription_bench.py [--model tiny.en|base|NAME]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src")]

from roleplay.adapters.stt_whisper import WhisperSpeech  # noqa: E402
from tests.speech import JFK, SHARED_SPEECH, say, wer  # noqa: E402
from tests.test_speech_models import LICENCE  # noqa: E402

SALES_LINES = [
    "Hi Dana, thanks for taking the time to talk with me today.",
    "How does a typical morning look for your dispatch team?",
    "What happens when an order comes in late?",
    "That sounds painful. What budget have you set aside for fixing that?",
    "Could I send you an invite for next week to look at it with your team?",
    "So if I understand correctly, your drivers wait for paperwork every morning.",
    "Who else would be involved in a decision like this?",
    "What have you tried before, and what happened?",
    "I hear you. Many of our customers felt the same way before they switched.",
    "How much time does your team spend on manual scheduling each week?",
    "Let me make sure I got that right: you lose about two hours a day.",
    "What would it mean for you if that problem went away?",
    "Right.",
    "Tell me more.",
    "Who decides?",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="tiny.en")
    args = parser.parse_args()
    from faster_whisper import decode_audio

    stt = WhisperSpeech(args.model, models_dir=Path(tempfile.mkdtemp()) / "models")
    t = time.perf_counter()
    stt.load()
    load = time.perf_counter() - t
    print(f"Model {args.model} (int8, 2 threads): loaded in {load:.2f} s")

    print(f"Synthesising {len(SALES_LINES)} sales lines with espeak-ng...")
    lines = [(text, say(text)) for text in SALES_LINES]
    stt.transcribe(lines[0][1], "en")  # warm-up

    print(f"\n{'utterances':<34}{'WER':>7}{'RTF':>7}{'p50 ms':>8}{'p95 ms':>8}")
    runs: tuple[tuple[str, Callable[[np.ndarray], str]], ...] = (
        ("espeak sales lines, live", lambda a: stt.transcribe(a, "en")),
        ("espeak sales lines, window30", lambda a: window30(stt, a)),
    )
    for name, run in runs:
        errors, times, audio_seconds = [], [], 0.0
        for text, audio in lines:
            t = time.perf_counter()
            heard = run(audio)
            times.append(time.perf_counter() - t)
            errors.append(wer(text, heard))
            audio_seconds += len(audio) / 16000
        ms = sorted(x * 1000 for x in times)
        print(
            f"{name:<34}{statistics.mean(errors):>7.3f}{sum(times) / audio_seconds:>7.3f}"
            f"{statistics.median(ms):>8.0f}{ms[int(0.95 * (len(ms) - 1))]:>8.0f}"
        )
    if not (SHARED_SPEECH / "jfk.flac").is_file():
        print(f"\n(real recordings not found in {SHARED_SPEECH}: skipped)")
    else:
        jfk = decode_audio(str(SHARED_SPEECH / "jfk.flac"), sampling_rate=16000)
        for name, run in (
            ("jfk.flac (11 s), live", lambda a: stt.transcribe(a, "en")),
            ("jfk.flac (11 s), window30", lambda a: window30(stt, a)),
        ):
            t = time.perf_counter()
            heard = run(jfk)
            took = time.perf_counter() - t
            print(f"{name:<34}{wer(JFK, heard):>7.3f}{took / 11.0:>7.3f}{took * 1000:>8.0f}")
        print(f"\n{'recordings (roleplay transcribe)':<34}{'WER':>7}{'RTF':>7}{'s':>8}")
        for file, reference, english_until in (
            ("jfk.flac", JFK, None),
            ("multilingual.mp3", LICENCE, 30.0),
        ):
            t = time.perf_counter()
            result = stt.transcribe_file(SHARED_SPEECH / file, "en")
            took = time.perf_counter() - t
            said = " ".join(
                s.text for s in result.segments if english_until is None or s.start < english_until
            )
            part = "" if english_until is None else " (English part)"
            print(
                f"{file + part:<34}{wer(reference, said):>7.3f}{took / result.duration:>7.3f}"
                f"{took:>8.2f}"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak memory (RSS) of this process: {peak:.0f} MB")


def window30(stt: WhisperSpeech, audio) -> str:  # type: ignore[no-untyped-def]
    """faster-whisper's own transcribe: the encoder always sees a 30 s window."""
    segments, _info = stt._model.transcribe(audio, language="en", beam_size=5)
    return " ".join(s.text.strip() for s in segments)


if __name__ == "__main__":
    main()
