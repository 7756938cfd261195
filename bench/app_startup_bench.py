"""Start-up of the terminal app: from process start to the first frame, p50 over N runs.

Each run is a fresh Python process that imports the CLI, builds the services on a workspace
seeded with the bundled scenarios, and runs the app headless until its first frame is drawn.
The time counts from just before the process is spawned (so interpreter start-up is in it).

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
        self.exit()

FirstFrame(build(Path(sys.argv[1]))).run(headless=True, size=(100, 30))
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
    times: list[float] = []
    for n in range(args.runs):
        started = time.time()
        out = subprocess.run(
            [sys.executable, str(child), str(ws)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        line = next((x for x in out.stdout.splitlines() if x.startswith("FIRST_FRAME")), None)
        if line is None:
            raise SystemExit(f"run {n + 1} failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
        times.append(float(line.split()[1]) - started)
        print(f"  run {n + 1}/{args.runs}: {times[-1] * 1000:.0f} ms", flush=True)
    print(
        f"process start to first frame: p50 {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
        f"(target: under 500 ms)"
    )


if __name__ == "__main__":
    main()
