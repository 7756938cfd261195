"""Issue 15: the questions found and the score of one call, from its stereo and its mono file.

Makes the two ~2-minute call files of bench/real_call_files.py (same call: stereo, and its
mono mix), scores each with `roleplay score` (offline rule-based judge, rubric discovery) with
each source tree, and prints per file and tree: the overall score, the questions found (open,
closed), the '?' in the rep's transcript lines, and the CPU seconds the whole `score` command
took per audio minute (transcription, telling the voices apart and judging; CPU time of the
child process, steadier than wall time on a shared machine).

Usage: PYTHONPATH=src python bench/real_call_questions.py [--before OLD/src] [--dir DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIDES = {"stereo": ["--rep-channel", "left"], "mono": ["--rep-speaker", "A"]}


def score(src: Path, call: Path, side: list[str], home: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src), "ROLEPLAY_HOME": str(home)}
    args = ["--transcript", str(call), "--rubric", "discovery", "--rep", "Kari", *side]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "roleplay", "score", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = done.stdout
    overall = re.search(r"Overall (\d+(?:\.\d+)?) / 5", out)
    asked = re.search(r"questions (\d+) open, (\d+) closed", out)
    if overall is None or asked is None:
        raise SystemExit(f"cannot read the scorecard of {call}:\n{out}\n{done.stderr}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "overall": float(overall.group(1)),
        "open": int(asked.group(1)),
        "closed": int(asked.group(2)),
        "cpu": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="the src folder of the tree to compare")
    parser.add_argument("--dir", type=Path, help="where the call files are (made if missing)")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = opts.dir or Path(tmp)
        if not (folder / "mono-call.wav").exists():
            env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "real_call_files.py"), str(folder)],
                env=env,
                check=True,
            )
        from faster_whisper import decode_audio

        minutes = len(decode_audio(str(folder / "mono-call.wav"))) / 16000 / 60
        trees = {"after": ROOT / "src"}
        if opts.before:
            trees = {"before": opts.before, **trees}
        print(f"call: {minutes:.2f} min; load: {os.getloadavg()[0]:.1f}")
        print(f"{'tree':7} {'file':7} {'overall':>7} {'open':>5} {'closed':>6} {'cpu s/min':>9}")
        for tree, src in trees.items():
            for name, side in SIDES.items():
                got = score(src, folder / f"{name}-call.wav", side, Path(tmp) / tree / name)
                print(
                    f"{tree:7} {name:7} {got['overall']:7.1f} {got['open']:5d} "
                    f"{got['closed']:6d} {got['cpu'] / minutes:9.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
