"""Child processes that a test kills get a /dev/shm of their own.

PortAudio probes JACK, whose registry lock lives in /dev/shm; a process killed while it holds
that lock leaves it held, and from then on every `import sounddevice` on the machine hangs
(FINDINGS.md). A test that kills a process that may touch audio runs it under `private_shm()`,
so even an unlucky kill cannot block the tests after it. Needs root and `unshare` (as in CI);
elsewhere the command runs as it is (scripts/test gives the whole run a private /dev/shm too).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess


@functools.cache
def _can_unshare() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


def private_shm(command: list[str]) -> list[str]:
    """`command`, run with an empty /dev/shm of its own where this machine allows it."""
    if not _can_unshare():
        return command
    script = 'mount -t tmpfs -o mode=1777 tmpfs /dev/shm && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, "sh", *command]
