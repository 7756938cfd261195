"""The issue-15 "must show" call files: a ~2-minute call saved stereo and as its mono mix.

The rep is espeak-ng (en-us, tests/calls.py REP_LINES), the customer the real reader
(../shared/data/speech/multilingual.mp3, its English half, two pieces a turn); 14 turns each
way with a 0.5 s pause before every turn (no interruption anywhere), through a phone line
(300-3400 Hz) with hiss 25 dB below the speech. Then, for example:

  roleplay score --transcript DIR/stereo-call.wav --rubric discovery --rep Kari --rep-channel left
  roleplay score --transcript DIR/mono-call.wav --rubric discovery --rep Kari --rep-speaker A

Usage: PYTHONPATH=src python bench/real_call_files.py [DIR]   (default: ./calls)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.calls import READER, make_call, write_stereo  # noqa: E402
from tests.speech import RATE, write_wav  # noqa: E402
from tests.test_calls12_noisy_turns import _reader_turns  # noqa: E402

SPEECH = ROOT.parent.parent / "shared" / "data" / "speech"


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "calls")
    out.mkdir(parents=True, exist_ok=True)
    call = make_call(_reader_turns(SPEECH), READER, turns=14, overlap=-0.5, phone=True, snr_db=25)
    write_stereo(out / "stereo-call.wav", call.rep, call.customer)
    write_wav(out / "mono-call.wav", call.mix.astype(np.float32))
    print(f"{out}/stereo-call.wav and {out}/mono-call.wav: {len(call.mix) / RATE:.1f} s")


if __name__ == "__main__":
    main()
