"""Start-up of the terminal app: from process start to the first frame, and to "ready to talk"
(the speech model loaded), p50 over N runs, as a ratio to a minimal Textual app (one Static)
started the same way in the same run.

Each run is a fresh Python process that imports what `roleplay` (no command) imports and runs
the app headless on a workspace seeded with the bundled scenarios, the services built as the
entry point builds them (after the first frame where the app supports it, before it in older
trees). The
time counts from just before the process is spawned (so interpreter start-up is in it). This
machine has no microphone, so a WAV file stands in for one (the app then loads tiny.en exactly
as it would for a microphone). Two source trees are timed in the same run, alternating:
`--before` (default /work/main/src) and `--after` (this checkout's src).

Both trees run compiled, as an installed roleplay does (Textual, like every installed package,
is): bytecode is written to a folder of this run (PYTHONPYCACHEPREFIX, whatever
PYTHONDONTWRITEBYTECODE says) by one untimed run of each. Without it the ~80 KB of roleplay's
source that the first frame imports was compiled again on every run (~85M instructions, ~5% of
the first frame) and the minimal app, all Textual, compiled nothing. `--source` times them as
before (compiled on every run), for figures comparable with older ones.

`--instructions` also counts the instructions each one executes up to its first frame
(valgrind's callgrind, once each, ~30 s each; the services are not built, as they are not
before the first frame): unlike times, the count does not move with the machine's load.

    python3 bench/app_startup_bench.py [--runs 10] [--before PATH] [--after PATH]
                                       [--instructions] [--source]

Stop 30 (instructions up to the first frame, millions, compiled; the minimal app ~890):
main 2cd6b94 1590 (1.78x), stop 27's 6c6c098 1602: nothing was added to the first frame
between them (the modules it loads differ by tui/background.py and concurrent.futures.thread;
1.56x then 1.73x were the machine's load). Where main's 700 over the minimal app went: Today's
footer 350 (Textual's Footer built its 9 keys three times, two style passes each), app.tcss
125 (every screen's rules), the two tables 60, the assignments' wording 19, roleplay's other
imports ~50, the app itself ~60. Now 1279 (1.43x): the footer built once (-187), its keys
styled once (-43), the assignments' wording when there are some (-18), only Today's rules
(-67). Wall, same run, load ~15: 1.71x -> 1.38x compiled, 1.87x -> 1.53x with --source.
Left: the footer is still ~120 (its nested CSS and 10 widgets), the tables ~65.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import bench_files  # python3 bench/X.py: bench/ is first on the import path
from bench_files import REPO

MINIMAL = """
import os, sys, time
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self._drawn)

    def _drawn(self):
        print(f"FIRST_FRAME {time.time():.6f}", flush=True)
        if sys.argv[1:] == ["count"]:
            os._exit(0)
        print(f"READY {time.time():.6f}", flush=True)
        self.exit()

Minimal().run(headless=True, size=(100, 30))
"""

CHILD = """
import os, sys, time
from pathlib import Path
from roleplay.cli import main  # what the `roleplay` entry point loads before it runs
import roleplay.tui.app as tui
from roleplay.tui.app import RoleplayApp

class FirstFrame(RoleplayApp):
    CSS_PATH = str(Path(tui.__file__).with_name("app.tcss"))

    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self._drawn)

    def _drawn(self):
        print(f"FIRST_FRAME {time.time():.6f}", flush=True)
        if COUNT:  # the instructions up to here
            os._exit(0)
        self.set_interval(0.005, self._check_ready)

    def _check_ready(self):
        if self.ready_to_talk:
            print(f"READY {time.time():.6f}", flush=True)
            self.exit()

def services():
    from roleplay.composition import build  # as cli/start.py does: after the first frame

    return build(Path(sys.argv[1]))

# A tree from before the app built its services after the first frame gets them built first,
# as its entry point did.
later = hasattr(RoleplayApp, "services_ready")
COUNT = sys.argv[3:] == ["count"]
if COUNT and later:  # counted up to the first frame: the build after it never starts
    FirstFrame.build_services = lambda self: None
FirstFrame(services if later else services(), audio_in=Path(sys.argv[2])).run(
    headless=True, size=(100, 30))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--before", type=Path, default=Path("/work/main/src"))
    parser.add_argument("--after", type=Path, default=REPO / "src")
    parser.add_argument("--instructions", action="store_true", help="count them (valgrind)")
    parser.add_argument("--source", action="store_true", help="compile on every run, as before")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    atexit.register(shutil.rmtree, tmp, True)  # the workspace and the bytecode of this run
    ws = bench_files.workspace(tmp)
    env = {**os.environ, "ROLEPLAY_HOME": str(tmp / "home")}
    if not args.source:  # compiled once, as installed
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    child = tmp / "first_frame.py"
    child.write_text(CHILD)
    minimal = tmp / "minimal.py"
    minimal.write_text(MINIMAL)
    silence = tmp / "silence.wav"
    with wave.open(str(silence), "wb") as w:  # a stand-in microphone
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 16000)
    runs = {
        "minimal Textual app": ([sys.executable, str(minimal)], env),
        "before": (
            [sys.executable, str(child), str(ws), str(silence)],
            {**env, "PYTHONPATH": str(args.before.resolve())},
        ),
        "after": (
            [sys.executable, str(child), str(ws), str(silence)],
            {**env, "PYTHONPATH": str(args.after.resolve())},
        ),
    }
    if not args.source:
        for cmd, run_env in runs.values():  # untimed: writes the bytecode
            subprocess.run(cmd, capture_output=True, env=run_env, timeout=120, check=True)
    counts: dict[str, float] = {}
    if args.instructions:  # before the timed runs, which it does not disturb
        counts = {name: instructions([*cmd, "count"], e) for name, (cmd, e) in runs.items()}
    first: dict[str, list[float]] = {name: [] for name in runs}
    ready: dict[str, list[float]] = {name: [] for name in runs}
    for n in range(args.runs):
        for name, (cmd, run_env) in runs.items():  # alternating, so load hits all alike
            started = time.time()
            out = subprocess.run(cmd, capture_output=True, text=True, env=run_env, timeout=120)
            marks = dict(
                x.split() for x in out.stdout.splitlines() if x.startswith(("FIRST_FRAME", "READY"))
            )
            if set(marks) != {"FIRST_FRAME", "READY"}:
                raise SystemExit(
                    f"{name} run {n + 1} failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}"
                )
            first[name].append(float(marks["FIRST_FRAME"]) - started)
            ready[name].append(float(marks["READY"]) - started)
        print(
            f"  run {n + 1}/{args.runs}: "
            + ", ".join(f"{k} {first[k][-1] * 1000:.0f} ms" for k in runs),
            flush=True,
        )
    base = statistics.median(first["minimal Textual app"])
    print("machine: shared and loaded by other work; compare the ratios within this run")
    print(f"{'':<20} {'first frame p50':>16} {'x minimal':>10} {'ready to talk p50':>18}")
    for name in runs:
        f50, r50 = statistics.median(first[name]), statistics.median(ready[name])
        ready_text = f"{r50 * 1000:.0f} ms" if name != "minimal Textual app" else "-"
        print(f"{name:<20} {f50 * 1000:>13.0f} ms {f50 / base:>10.2f} {ready_text:>18}")
    if counts:
        floor = counts["minimal Textual app"]
        print("instructions up to the first frame (millions, valgrind):")
        for name, count in counts.items():
            print(f"  {name:<20} {count:8.1f}  {count / floor:5.2f}x minimal")


def instructions(cmd: list[str], env: dict[str, str]) -> float:
    """Millions of instructions a run executes up to its first frame (where `count` makes it
    stop)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind")
    count = bench_files.instructions(cmd, env)
    if count is None:
        raise SystemExit(f"{' '.join(cmd)} failed under valgrind")
    return count


if __name__ == "__main__":
    main()
