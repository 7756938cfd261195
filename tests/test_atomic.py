"""The one atomic write: a reader sees the old file or the new one, owner-only, nothing left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from roleplay.atomic import write_atomic


def test_a_file_is_replaced_whole_and_readable_by_the_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    path = folder / "session.json"
    path.write_text("old")
    path.chmod(0o644)
    write_atomic(path, "new ø")
    assert path.read_text("utf-8") == "new ø"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["session.json"]  # no temporary file left


def test_a_link_is_replaced_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("someone else's file")
    link = tmp_path / "export.html"
    link.symlink_to(target)
    write_atomic(link, b"<html>")
    assert not link.is_symlink() and link.read_bytes() == b"<html>"
    assert target.read_text() == "someone else's file"


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    path = folder / "config.toml"
    path.write_text("kept")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # fails after the temporary file was written
    with pytest.raises(OSError, match="No space"):
        write_atomic(path, "x" * 10_000)
    assert path.read_text() == "kept"
    assert [p.name for p in folder.iterdir()] == ["config.toml"]


def test_a_full_disk_names_the_file_it_could_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # session.json, scorecard.json, the schedule: a full disk said "cannot write (No space
    # left on device)" with no file (the OSError of a write carries none).
    folder = tmp_path / "session"
    folder.mkdir()
    path = folder / "scorecard.json"

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError) as caught:
        write_atomic(path, "{}")
    assert caught.value.errno == 28 and caught.value.filename == str(path)
    assert str(path) in str(caught.value)
    assert not path.exists() and list(folder.iterdir()) == []
