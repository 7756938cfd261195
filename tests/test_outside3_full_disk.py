"""A disk that fills up during a call.

On a nearly full disk write() takes what fits and returns its count. The transcript's append
took that short write for the whole turn (the call went on as if the turn were saved), and
when the next write failed the rep read "error: cannot write (No space left on device)",
without the file. Now the turn is written whole or the error names transcript.jsonl; the
turns before it stay readable.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from roleplay.adapters.file_store import FileSessionStore
from roleplay.domain.session import Turn
from tests.hostile import LINES, Recorded, copy_workspace, record_sessions


@pytest.fixture
def rec(tmp_path: Path) -> Recorded:
    return record_sessions(copy_workspace(tmp_path / "ws"), [LINES])


def test_a_short_write_then_a_full_disk_names_the_transcript(
    rec: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileSessionStore(rec.recordings)
    before = store.load(rec.ids[0]).turns
    real_write = os.write
    calls = []

    def nearly_full(fd: int, data: bytes | memoryview) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:10]))  # what fits
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", nearly_full)
    turn = Turn(
        index=len(before), speaker="rep", text="What does an hour of downtime cost?", start=1, end=2
    )
    with pytest.raises(OSError) as caught:
        store.append_turn(rec.ids[0], turn)
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(rec.folder(0) / "transcript.jsonl")
    monkeypatch.setattr(os, "write", real_write)
    assert store.load(rec.ids[0]).turns == before  # the torn tail is skipped, nothing else


def test_a_write_that_takes_a_little_at_a_time_saves_the_whole_turn(
    rec: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileSessionStore(rec.recordings)
    before = store.load(rec.ids[0]).turns
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))
    said = "So an hour of downtime costs you about 5,000?"
    store.append_turn(rec.ids[0], Turn(index=len(before), speaker="rep", text=said, start=1, end=2))
    monkeypatch.setattr(os, "write", real_write)
    assert [t.text for t in store.load(rec.ids[0]).turns] == [*(t.text for t in before), said]
