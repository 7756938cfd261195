"""`roleplay doctor` on a data folder it cannot write lists that as its finding.

On a fresh machine whose data folder is read-only (a locked-down home, a read-only mount),
`roleplay doctor` stopped with the same `error: cannot write .../data (Read-only file
system)` line as every other command, and checked nothing: the one command meant to say what
to fix gave up. It now lists the config, the data folder as a FAIL with what to do, and the
sound system, exit 1, as it does for a config file it cannot read.
"""

from __future__ import annotations

from roleplay.places import data_dir
from tests.hostile import roleplay_process
from tests.test_hostile_storage import _unshare


def test_a_read_only_data_folder_is_the_doctors_finding() -> None:
    d = data_dir()
    d.mkdir(parents=True)
    wrap = _unshare(f"mount --bind {d} {d} && mount -o remount,ro,bind {d}")
    done = roleplay_process("doctor", env={"ROLEPLAY_HOME": str(d.parent)}, wrap=wrap)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "error:" not in done.stderr and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("[ok  ] config:") for line in lines), done.stdout
    (found,) = [line for line in lines if line.startswith("[FAIL] data folder:")]
    assert f"cannot write {d}" in found and "(Read-only file system)" in found
    assert "-> the file system is read-only" in found
    assert any(line.startswith(("[ok  ] audio:", "[FAIL] audio:")) for line in lines)
    assert lines[-1].startswith("[note] other checks:"), lines[-1]
