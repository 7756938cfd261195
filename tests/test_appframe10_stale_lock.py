"""A stale JACK lock in /dev/shm, left by a process that died holding it, for real.

PortAudio probes JACK as it initialises (`import sounddevice`), and JACK opens its metadata
database in /dev/shm/jack_db-UID, whose Berkeley DB regions hold process-shared mutexes. A
program killed while holding one leaves it held by a pid that no longer exists, and from then
on every `import sounddevice` on the machine waits for it forever (docs: FINDINGS.md). The
app asks the sound system in a child process it gives up on (adapters/audio_sounddevice.py);
tests/test_audio_probe.py swaps that child for one that sleeps. Here nothing is swapped: in a
/dev/shm of its own (unshare), a child takes JACK's real mutexes with pthread_mutex_lock and
is killed (SIGKILL) holding them; a plain `import sounddevice` is shown to hang on what it
left; then the app starts with voice on, the real probe and all, and must stay responsive,
say why there is no microphone (naming the lock files), and let the rep practise by typing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Run in the private /dev/shm: JACK's database made by a healthy PortAudio start, then a child
# that takes every mutex in it (as a program does while it uses JACK) and is killed holding
# them. Prints the dead child's pid and how many mutexes it left held.
LEAVE_A_STALE_LOCK = r"""
import ctypes, glob, json, mmap, os, signal, struct, subprocess, sys

subprocess.run([sys.executable, "-c", "import sounddevice"], check=True, timeout=120)
regions = sorted(glob.glob(f"/dev/shm/jack_db-{os.getuid()}/__db.*"))
assert regions, "PortAudio made no JACK database in /dev/shm"
read, write = os.pipe()
pid = os.fork()
if pid == 0:  # the program that dies holding the lock
    libc = ctypes.CDLL(None)
    held, keep = 0, []
    for path in regions:
        fd = os.open(path, os.O_RDWR)
        size = os.fstat(fd).st_size
        region = mmap.mmap(fd, size, mmap.MAP_SHARED)
        keep.append(region)
        for at in range(0, size - 40, 4):  # an idle process-shared pthread mutex (x86-64)
            if struct.unpack_from("<iIiIi", region, at) == (0, 0, 0, 0, 128):
                address = ctypes.addressof(ctypes.c_char.from_buffer(region, at))
                if libc.pthread_mutex_trylock(ctypes.c_void_p(address)) == 0:
                    held += 1
    os.write(write, str(held).encode())
    os.kill(os.getpid(), signal.SIGKILL)  # killed while holding them
os.close(write)
held = int(os.read(read, 32) or b"0")
_, status = os.waitpid(pid, 0)
killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
print(json.dumps({"dead_pid": pid, "killed": killed, "held": held, "regions": regions}))
"""

# Then, in the same /dev/shm: does PortAudio hang on it, and does the app?
APP_STARTS = r"""
import asyncio, json, subprocess, sys, time
from pathlib import Path

from tests.app_helpers import make_app, make_workspace, settle

try:
    subprocess.run([sys.executable, "-c", "import sounddevice"], timeout=15)
    portaudio_hangs = False
except subprocess.TimeoutExpired:  # the child is killed by run()
    portaudio_hangs = True


async def main() -> dict:
    app = make_app(make_workspace(Path(sys.argv[1])), voice=True)  # the real probe
    out = {"portaudio_hangs": portaudio_hangs}
    started = time.monotonic()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        out["probing_at_first"] = app.microphone is None
        await pilot.press("f2")  # the UI answers keys while the sound system is asked
        await pilot.pause()
        out["mode_while_probing"] = app.current_mode
        while app.microphone is None and time.monotonic() - started < 120:
            await pilot.pause(0.1)
        await settle(pilot)
        out["microphone"] = app.microphone
        out["notes"] = [str(n.message) for n in app._notifications]
        app.start_practice("cold-call-gatekeeper", seed=1)
        await settle(pilot)
        out["typing"] = bool(app.screen.query_one("#say").display)
        await pilot.press("ctrl+q")
    return out


print(json.dumps(asyncio.run(main())))
"""


@pytest.mark.skipif(
    shutil.which("unshare") is None or os.geteuid() != 0 or sys.platform != "linux",
    reason="needs Linux, unshare and root for a private /dev/shm",
)
def test_a_stale_jack_lock_of_a_dead_process_neither_freezes_nor_blocks_the_app(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "ROLEPLAY_HOME": str(tmp_path / "home"),
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
    }
    both = 'mount -t tmpfs -o mode=1777 tmpfs /dev/shm && "$0" -c "$1" && exec "$0" -c "$2" "$3"'
    out = subprocess.run(
        [
            *("unshare", "-m", "sh", "-c", both),
            *(sys.executable, LEAVE_A_STALE_LOCK, APP_STARTS, str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    left, app = lines[0], lines[-1]
    assert left["held"] > 0, "no JACK mutex was found to hold"
    assert left["killed"]  # it died holding them: the lock's owner is a dead pid
    # The lock is real: PortAudio itself waits on it for good.
    assert app["portaudio_hangs"], "PortAudio started despite the stale lock: nothing tested"
    # The app is not: it drew, took keys while asking, gave up on the sound system, said why.
    assert app["probing_at_first"] and app["mode_while_probing"] == "library"
    assert app["microphone"] is False
    said = " ".join(app["notes"])
    assert "did not answer within" in said and "/dev/shm/jack_db-" in said, app["notes"]
    assert app["typing"]  # the rep practises by typing meanwhile
