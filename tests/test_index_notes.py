"""What a command says when the index could not be updated is what is actually wrong (trust
round, item 2): `practice` on a read-only local index said "The team index is not reachable"
(there was no team, and waiting would never help). It now names the read-only file and what to
do, and the session is in its folder and in the index once it can be written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile import roleplay_process
from tests.test_hostile_storage import _unshare


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROLEPLAY_REP", "tester")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    return tmp_path / "home"


def _practice(ws: Path, wrap: list[str] | None = None) -> tuple[int, str, str]:
    done = roleplay_process(
        "--workspace", str(ws), "practice", "mini", "--seed", "1",
        stdin="Hello, what matters most to you?\n/end\n", wrap=wrap,
    )  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def test_practice_on_a_read_only_index_says_so_and_what_to_do(
    mini_workspace: Path, home: Path
) -> None:
    assert _practice(mini_workspace)[0] == 0  # the index exists, and is in use
    index = home / "data" / "index.sqlite"
    assert index.is_file()
    wrap = _unshare(f"mount --bind {index} {index} && mount -o remount,ro,bind {index}")
    code, out, err = _practice(mini_workspace, wrap)
    assert code == 0, err
    assert "Traceback" not in err
    assert "not reachable" not in out + err and "team index" not in out + err
    [line] = [x for x in out.splitlines() if x.startswith("(Not in the index yet")]
    assert "the index database cannot be written" in line
    assert f"{index} cannot be written" in line and "the file is read-only" in line
    assert "chmod u+w" in line and "ROLEPLAY_DATABASE_URL" in line
    # Nothing lost: both sessions are in their folders, and in the index once it can be
    # written (the next command, without the read-only mount).
    assert len(list((mini_workspace / "recordings").glob("*/scorecard.json"))) == 2
    done = roleplay_process("--workspace", str(mini_workspace), "review", "list", "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 2
