"""Mono calls: the rep's backchannel recovered, missed or made up (calls11, stop 34).

24 calls (tests/test_calls10_mono_backchannels.py `backchannel_call`: the rep's espeak-ng
questions, the customer's real recordings, JFK's answer cut at its comma with a pause): four
backchannels ("Yeah.", "Okay.", "Right.", "Mm-hm.") at six places in or around JFK's
"...fellow Americans, / ask not...": over the middle of "fellow" (0.9 s before the pause) and
of "Americans" (0.45 s before), over the end of "Americans" (0.2 s before, into a 0.8 s
pause), and in pauses of 0.4, 0.8 and 1.0 s. Beside them, calls with no backchannel: the same
call with each pause, clean and through a phone line with noise (15 dB), and a 2-minute noisy
phone-band call of `tests/calls.py make_call` (reader vs espeak-ng, 15 dB). Every word the
recovery adds that is not the backchannel, near its time and given to the rep, is made up.

The main pass (transcribe, diarize, sentence tails; the same in every variant) is cached by
the audio's hash (--cache), so variants of the recovery are judged on the same words.

"before" is main's recovery (mono_missed of --before, /work/wt/before35/src), "after" this
tree's (islands_joined, squeezed_back, mono_missed). Figures (calls11, stop 34, tiny.en):

  before: Whisper wrote 10 near their time; at the right time with the rep's voice 11, missed
          13; made up 0; backchannel words elsewhere 3; 0.15 s CPU a minute after the main pass
  after:  right 12, missed 12 (all 8 over the middle of a word among them); made up 0;
          elsewhere 1; 0.18 s CPU a minute

"Elsewhere" 1 in both is the rep's own "right" of "if I heard you right" on the 2-minute call
(not a backchannel; the bench counts any such word); main's other 2 were "Okay." timed with the
customer's next sentence and a "Yes." left there beside the "Yeah." read alone. Nothing said
over the middle of a word is found (see call_audio's module notes for what was tried).

Usage: python bench/mono_backchannel_bench.py [--cache DIR] [--only before|after] [--before SRC]
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.calls import READER, make_call, phone_line, real_utterances  # noqa: E402
from tests.speech import JFK, RATE  # noqa: E402
from tests.test_calls10_mono_backchannels import backchannel_call  # noqa: E402

WORDS = ("Yeah.", "Okay.", "Right.", "Mm-hm.")
PLACES = (  # name, pause, at (seconds from the pause's start; negative: over the word before)
    ("mid 'fellow'", 0.8, -0.9),
    ("mid 'Americans'", 0.8, -0.45),
    ("end of word", 0.8, -0.2),
    ("pause 0.4", 0.4, 0.05),
    ("pause 0.8", 0.8, 0.15),
    ("pause 1.0", 1.0, 0.3),
)
BACKCHANNELS = {"yeah", "yes", "okay", "ok", "right", "mmhm", "mhm", "mm", "hmm", "mmhmm", "uhhuh"}
BEFORE = Path("/work/wt/before35/src")
SPEECH = ROOT.parent.parent / "shared" / "data" / "speech"


def plain(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def noisy_phone(mix: np.ndarray, seed: int = 0) -> np.ndarray:
    band = phone_line(mix)
    power = float(np.mean(band[np.abs(band) > 0.005] ** 2))
    noise = np.random.default_rng(seed).normal(0, np.sqrt(power / 10**1.5), len(band))
    out = band + noise.astype(np.float32)
    return (out / max(1.0, float(np.abs(out).max()) / 0.9)).astype(np.float32)


def calls() -> list[tuple[str, np.ndarray, tuple[float, float] | None]]:
    made: list[tuple[str, np.ndarray, tuple[float, float] | None]] = []
    for name, pause, at in PLACES:
        for word in WORDS:
            mix, truth = backchannel_call(SPEECH, word, pause=pause, at=at)
            made.append((f"{word:7} {name}", mix, truth))
    for pause in (0.4, 0.8, 1.0):
        mix, _ = backchannel_call(SPEECH, None, pause=pause)
        made.append((f"none, pause {pause}", mix, None))
        made.append((f"none, pause {pause}, phone 15 dB", noisy_phone(mix, int(pause * 10)), None))
    reader = real_utterances(SPEECH / "multilingual.mp3")
    long = make_call(reader, READER, turns=14, phone=True, snr_db=15, overlap=-0.3)
    made.append(("none, 2-min reader/espeak phone 15 dB", long.mix.astype(np.float32), None))
    jfk = real_utterances(SPEECH / "jfk.flac")
    other = make_call(jfk, JFK, turns=6, phone=True, snr_db=10, overlap=-0.3, seed=1)
    made.append(("none, JFK/espeak phone 10 dB", other.mix.astype(np.float32), None))
    return made


def main_pass(stt, audio: np.ndarray, cache: Path):  # type: ignore[no-untyped-def]
    """The words with speakers before any recovery, cached; and the CPU seconds spent."""
    key = hashlib.sha1(audio.tobytes() + stt.model_name.encode()).hexdigest()[:16]
    path = cache / f"{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes()), None
    from roleplay.adapters import call_audio
    from roleplay.adapters.call_audio import CallTranscriber
    from tests.test_calls10_mono_backchannels import write_mono

    wav = cache / f"{key}.wav"
    write_mono(wav, audio)
    was, joined = call_audio.MONO_GAPS, getattr(call_audio, "islands_joined", None)
    call_audio.MONO_GAPS = False
    setattr(call_audio, "islands_joined", list)  # noqa: B010  # stop 33's main pass
    t0 = time.process_time()
    try:
        found = CallTranscriber(stt).transcribe(wav, "en", "auto")
    finally:
        call_audio.MONO_GAPS = was
        if joined is not None:
            setattr(call_audio, "islands_joined", joined)  # noqa: B010
    spent = time.process_time() - t0
    words = list(found.words)
    path.write_bytes(pickle.dumps(words))
    return words, spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path("/tmp/mono_backchannel_cache"))
    parser.add_argument("--only", choices=("before", "after"))
    parser.add_argument("--before", type=Path, default=Path("/work/wt/before35/src"))
    args = parser.parse_args()
    global BEFORE
    BEFORE = args.before
    args.cache.mkdir(parents=True, exist_ok=True)
    from roleplay.adapters.stt_whisper import WhisperSpeech

    stt = WhisperSpeech("tiny.en", models_dir=Path("unused"), cpu_threads=1)
    stt.load()
    made = calls()
    recover = {"before": before_tree(stt), "after": after_tree}
    modes = [args.only] if args.only else ["before", "after"]
    totals = {
        m: {
            "whisper": 0,
            "right": 0,
            "missed": 0,
            "made up": 0,
            "misplaced": 0,
            "relabelled": 0,
            "cpu": 0.0,
        }
        for m in modes
    }
    audio_s = 0.0
    for name, mix, truth in made:
        words, _spent = main_pass(stt, mix, args.cache)
        audio_s += len(mix) / RATE
        early = [w.speaker for w in words if w.start < 3.0]  # the rep's greeting
        rep = max(set(early), key=early.count)
        near = (
            [w for w in words if truth[0] - 0.3 < w.start and w.end < truth[1] + 0.3]
            if truth
            else []
        )
        wrote = any(plain(w.text) in BACKCHANNELS for w in near)
        row = [f"{name:44}", "whisper" if wrote else "-      "]
        for mode in modes:
            t0 = time.process_time()
            final = recover[mode](words, mix, stt)
            totals[mode]["cpu"] += time.process_time() - t0
            t = totals[mode]
            good = [
                w
                for w in final
                if truth
                and plain(w.text) in BACKCHANNELS
                and w.speaker == rep
                and truth[0] - 0.3 < w.start
                and w.end < truth[1] + 0.3
            ]
            added = [  # words whose text the main pass has nowhere near: read alone
                w
                for w in final
                if not any(x.text == w.text and abs(x.start - w.start) < 1.5 for x in words)
            ]
            t["relabelled"] += sum(
                1
                for w in final
                if any(
                    x.text == w.text and x.start == w.start and x.speaker != w.speaker
                    for x in words
                )
            )
            t["made up"] += len([w for w in added if w not in good])
            elsewhere = [w for w in final if plain(w.text) in BACKCHANNELS and w not in good]
            t["misplaced"] += len(elsewhere)
            if truth:
                t["whisper"] += wrote
                t["right" if good else "missed"] += 1
            said = " ".join(f"{w.text}@{w.start:.2f}/{w.speaker}" for w in added) or "."
            wrong = " ".join(f"{w.text}@{w.start:.2f}/{w.speaker}" for w in elsewhere)
            row.append(f"{mode}: {'OK' if good else '--' if truth else '  '} +{said}")
            if wrong:
                row.append(f"elsewhere {wrong}")
        if truth:
            row.append(f"(said {truth[0]:.2f}-{truth[1]:.2f}, rep {rep})")
        print("  ".join(row), flush=True)
    for mode, t in totals.items():
        print(
            f"{mode}: of {len(WORDS) * len(PLACES)} backchannels Whisper wrote {t['whisper']} "
            f"near their time; at the right time with the rep's voice {t['right']}, missed "
            f"{t['missed']}; words made up {t['made up']}; backchannel words elsewhere (wrong "
            f"time or voice) {t['misplaced']}; words given the other voice {t['relabelled']}; "
            f"after the main pass {t['cpu']:.1f} s CPU over "
            f"{audio_s / 60:.1f} audio minutes ({t['cpu'] / (audio_s / 60):.2f} s a minute)"
        )


def before_tree(stt: Any) -> Any:
    """main's recovery (stop 33): mono_missed of /work/wt/before34 (or --before DIR)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "before_call_audio", BEFORE / "roleplay" / "adapters" / "call_audio.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def run(words, mix, stt):  # type: ignore[no-untyped-def]
        return sorted(words + module.mono_missed(words, mix, stt, "en"), key=lambda w: w.start)

    return run


def after_tree(words, mix, stt):  # type: ignore[no-untyped-def]
    from roleplay.adapters import call_audio
    from roleplay.domain.call import islands_joined

    words = call_audio.squeezed_back(islands_joined(words), mix)
    return sorted(words + call_audio.mono_missed(words, mix, stt, "en"), key=lambda w: w.start)


if __name__ == "__main__":
    main()
