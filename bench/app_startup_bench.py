"""Start-up of the terminal app: from process start to the first frame, and to "ready to talk"
(the speech model loaded), p50 over N runs.

Each run is a fresh Python process that imports the CLI, builds the services on a workspace
seeded with the bundled scenarios, and runs the app headless. The time counts from just before
the process is spawned (so interpreter start-up is in it). This machine has no microphone, so a
WAV file stands in for one (the app then loads tiny.en exactly as it would for a microphone).

    python3 bench/app_startup_bench.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = """
import sys, time
from pathlib import Path
import roleplay.cli  # the same imports as `roleplay`
import roleplay.tui.app as tui
from roleplay.composition import build
from roleplay.tui.app import RoleplayApp

class FirstFrame(RoleplayApp):
    CSS_PATH = str(Path(tui.__file__).with_name("app.tcss"))

    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self._drawn)

    def _drawn(self):
        print(f"FIRST_FRAME {time.time():.6f}", flush=True)
        self.set_interval(0.005, self._check_ready)

    def _check_ready(self):
        if self.ready_to_talk:
            print(f"READY {time.time():.6f}", flush=True)
            self.exit()

FirstFrame(build(Path(sys.argv[1])), audio_in=Path(sys.argv[2])).run(
    headless=True, size=(100, 30))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    ws = tmp / "ws"
    shutil.copytree(REPO / "scenarios", ws / "scenarios")
    shutil.copytree(REPO / "rubrics", ws / "rubrics")
    (ws / "recordings").mkdir()
    env = {**os.environ, "ROLEPLAY_HOME": str(tmp / "home")}
    child = tmp / "first_frame.py"
    child.write_text(CHILD)
    silence = tmp / "silence.wav"
    with wave.open(str(silence), "wb") as w:  # a stand-in microphone
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 16000)
    times: list[float] = []
    ready: list[float] = []
    for n in range(args.runs):
        started = time.time()
        out = subprocess.run(
            [sys.executable, str(child), str(ws), str(silence)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        marks = dict(
            x.split() for x in out.stdout.splitlines() if x.startswith(("FIRST_FRAME", "READY"))
        )
        if set(marks) != {"FIRST_FRAME", "READY"}:
            raise SystemExit(f"run {n + 1} failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
        times.append(float(marks["FIRST_FRAME"]) - started)
        ready.append(float(marks["READY"]) - started)
        print(
            f"  run {n + 1}/{args.runs}: first frame {times[-1] * 1000:.0f} ms, "
            f"ready to talk {ready[-1] * 1000:.0f} ms",
            flush=True,
        )
    print(
        f"process start to first frame: p50 {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms (target: under 500 ms)"
    )
    print(
        f"process start to ready to talk (tiny.en loaded): p50 "
        f"{statistics.median(ready) * 1000:.0f} ms, min {min(ready) * 1000:.0f} ms, "
        f"max {max(ready) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
