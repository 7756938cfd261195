"""Response latency of one call read mono and stereo, beside the truth (monocall13, stop 36).

The call is bench/real_call_files.py's: ~2 minutes, the rep espeak-ng, the customer the real
reader, a 0.5 s pause before every turn, a phone line with hiss 25 dB below the speech. It
is saved stereo (one side a channel) and as its mono mix; each is transcribed with tiny.en
by the tree given (this one, or `--before` another tree's src, in its own process), made
into turns as `score --transcript` makes them, and the KPI "response latency" (customer's
end to the rep's start, averaged) is printed beside the truth: the same gaps read from the
clean tracks.

Usage: PYTHONPATH=src python bench/mono_latency_bench.py [--before /work/wt/before36/src]
       [--turns 14] [--keep DIR] [--mono-only]

Figures (monocall13, stop 36; tiny.en, load ~5-6 on 2 cores; Whisper's words vary a little
from run to run under load, the stereo figure 0.87-0.92 s):
  truth   0.52 s over 13 replies (0.48-0.61 each)
  mono    before 0.06 s (9 of 12 replies 0.0: the turns touched), mean error 0.46 s a reply
          after  0.55 s (0.51-0.64 each), mean error 0.04 s a reply
  stereo  0.88 s, mean error 0.36-0.41 s a reply, unchanged: on 8 of 13 replies the gap is
          read from words Whisper left out or timed late at a turn's edge (the customer's
          "...rights to use" ends at "rights,", "merge" is missing after "modify,"; the
          rep's "What" starts 0.3 s into its speech)
The mono call finds 12 of the 13 replies: one rep turn is given the customer's voice.
Stereo (lead, stop 36: a channel's words stretched over the speech beside them that no word
was read from, call_edges._onto_unread_speech; load ~2.4):
  stereo  0.88 -> 0.57 s, mean error 0.36-0.41 -> 0.05 s a reply (11 of 13 within 0.02 s;
          0.75 and 0.85 s for 0.50 and 0.49)
  mono    0.62 s, 13 of 13 replies found, mean error 0.10 s (with punct13's re-reading merged)
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
SPEECH = ROOT.parent.parent / "shared" / "data" / "speech"

_MEASURE = """
import json, sys
from pathlib import Path
from roleplay.adapters.call_audio import CallTranscriber
from roleplay.adapters.stt_whisper import WhisperSpeech
from roleplay.domain.call import to_turns, utterances
from roleplay.domain.kpis import OVERLAP, compute, floor

path, split, rep = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
stt = WhisperSpeech("tiny.en", models_dir=Path("unused"), cpu_threads=2)
call = CallTranscriber(stt).transcribe(path, "en", split)
names = {label: ("Kari" if label == rep else "Customer") for label in call.labels}
turns = to_turns(utterances(list(call.words)), rep, names)
k = compute(turns, timed=True)
held = floor(turns)
gaps = [
    (round(a.end, 2), round(b.start, 2))
    for a, b in zip(held, held[1:])
    if a.speaker == "customer" and b.speaker == "rep"
]
print(json.dumps({
    "latency": k.avg_response_latency, "interruptions": k.interruptions, "gaps": gaps,
    "turns": len(held), "overlaps": sum(1 for t in turns if OVERLAP in t.tags),
}))
"""


def truth(turns: int) -> list[tuple[float, float]]:
    """The replies of the clean tracks: (the customer's end, the rep's start)."""
    from tests.calls import READER, make_call
    from tests.test_calls12_noisy_turns import _reader_turns, _spans

    clean = make_call(_reader_turns(SPEECH), READER, turns=turns, overlap=-0.5, phone=True)
    rep, customer = _spans(clean.rep), _spans(clean.customer)
    return [(float(c[1]), float(r[0])) for c, r in zip(customer, rep[1:], strict=False)]


def matched(replies: list[tuple[float, float]], found: list[list[float]]) -> str:
    """Each true reply beside the measured one whose rep's start is within 1 s of it."""
    errors, missing = [], 0
    for end, start in replies:
        near = [b - a for a, b in found if abs(b - start) < 1.0]
        if near:
            errors.append(near[0] - (start - end))
        else:
            missing += 1
    mean = sum(abs(e) for e in errors) / len(errors) if errors else float("nan")
    return f"{len(errors)} replies found, {missing} not; mean |error| {mean:.2f} s"


def files(folder: Path, turns: int) -> tuple[Path, Path]:
    import numpy as np

    from tests.calls import READER, make_call, write_stereo
    from tests.speech import write_wav
    from tests.test_calls12_noisy_turns import _reader_turns

    call = make_call(
        _reader_turns(SPEECH), READER, turns=turns, overlap=-0.5, phone=True, snr_db=25
    )
    stereo = write_stereo(folder / "stereo-call.wav", call.rep, call.customer)
    mono = write_wav(folder / "mono-call.wav", call.mix.astype(np.float32))
    return stereo, mono


def measure(src: Path, path: Path, split: str, rep: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), split, rep],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="another tree's src, measured beside")
    parser.add_argument("--turns", type=int, default=14)
    parser.add_argument("--keep", type=Path, help="write the call files here")
    parser.add_argument("--mono-only", action="store_true", help="leave the stereo file out")
    args = parser.parse_args()
    replies = truth(args.turns)
    gaps = [round(b - a, 2) for a, b in replies]
    print(f"truth  latency {sum(gaps) / len(gaps):.2f} s over {len(gaps)} replies; gaps {gaps}")
    trees = [("after", ROOT / "src")] + ([("before", args.before)] if args.before else [])
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        stereo, mono = files(folder, args.turns)
        for (name, src), (kind, path, split, rep) in itertools.product(
            trees, [("stereo", stereo, "stereo", "left"), ("mono", mono, "mono", "A")]
        ):
            if args.mono_only and kind == "stereo":
                continue
            r = measure(src, path, split, rep)
            found = r["gaps"]
            assert isinstance(found, list)
            print(
                f"{name:6} {kind:6} latency {r['latency']} s, interruptions "
                f"{r['interruptions']}, turns {r['turns']} (+{r['overlaps']} over); "
                f"gaps {[round(b - a, 2) for a, b in found]}\n"
                f"{'':14}against the truth: {matched(replies, found)}"
            )


if __name__ == "__main__":
    main()
