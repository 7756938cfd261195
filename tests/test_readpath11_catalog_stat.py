"""The read commands find the catalog's kept summary without hashing every trainer file
(issue 18: ~5 ms of `show`, `today`, `progress`, `scenarios`): a file whose stat is what it
was when it was hashed is not read again. A trainer's edit is still always seen: an edit in
place that keeps the size and sets the modification time back (`cp -p`, `touch -r`), a file
replaced by a rename (editors, `git checkout`), and an edit within the same tick of a coarse
file system clock, which stat cannot tell from the write before it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from roleplay.composition import build
from roleplay.config import Settings
from roleplay.services import catalog_summary, trainer_files
from roleplay.services.catalog_summary import CatalogSummary

SCENARIO = "discovery-spin"
TITLE = "SPIN discovery: unplanned downtime at a bakery plant"
EDITED = "SPIN Discovery: unplanned downtime at a bakery plant"  # the same size


def summary(ws: Path) -> CatalogSummary:
    """What `show` (and every read command) reads of the catalog, from a new process's
    services (only the files kept in the user's cache folder carry over)."""
    return build(ws, settings=Settings(rep="ana", timezone="UTC")).catalog_summary()


def title(ws: Path) -> str:
    return summary(ws).scenarios[SCENARIO].scenario.title


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands run a minute after the files were written (their stats are trusted)."""
    now = catalog_summary.now_ns
    monkeypatch.setattr(catalog_summary, "now_ns", lambda: now() + 60_000_000_000)


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The trainer files the summary's key hashes (reads whole)."""
    found: list[Path] = []
    digest = trainer_files.file_digest

    def counted(path: Path) -> str:
        found.append(path)
        return digest(path)

    monkeypatch.setattr(catalog_summary, "file_digest", counted)
    return found


def edit_keeping_size_and_times(path: Path, old: str, new: str) -> None:
    """An edit in place that keeps the size and sets the modification time back."""
    info = path.stat()
    text = path.read_text()
    assert len(new.encode()) == len(old.encode()) and old in text
    path.write_text(text.replace(old, new, 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size


def replace_by_rename(path: Path, old: str, new: str) -> None:
    """Another file of the same size and times renamed over it (an editor's save, a checkout)."""
    info = path.stat()
    fresh = path.with_suffix(".tmp")
    fresh.write_text(path.read_text().replace(old, new, 1))
    os.utime(fresh, ns=(info.st_atime_ns, info.st_mtime_ns))
    fresh.replace(path)


def test_unchanged_files_are_not_read_again(
    workspace: Path, isolated_user_dirs: Path, later: None, hashed: list[Path]
) -> None:
    first = summary(workspace)  # loads the catalog and keeps its summary
    assert hashed  # each file hashed, its stat kept beside its hash
    hashed.clear()
    again = summary(workspace)
    assert hashed == []
    assert again == first


def test_files_changed_too_recently_are_hashed_every_time(
    workspace: Path, isolated_user_dirs: Path, hashed: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within a few seconds of a write, the next edit may leave the same stat: hashed; once
    the files are older, their stats are kept (the summary is kept again) and trusted."""
    now = catalog_summary.now_ns()  # the files were just copied in; the clock stands still
    monkeypatch.setattr(catalog_summary, "now_ns", lambda: now)
    summary(workspace)
    hashed.clear()
    summary(workspace)
    assert len(hashed) == len(list(workspace.glob("*/*.y*ml")))
    monkeypatch.setattr(catalog_summary, "now_ns", lambda: now + 60_000_000_000)
    summary(workspace)  # hashed once more, now old enough: their stats are kept with them
    hashed.clear()
    summary(workspace)
    assert hashed == []


@pytest.mark.parametrize("edit", [edit_keeping_size_and_times, replace_by_rename])
def test_an_edit_that_keeps_size_and_modification_time_is_seen(
    workspace: Path,
    isolated_user_dirs: Path,
    later: None,
    edit: Callable[[Path, str, str], None],
) -> None:
    assert title(workspace) == TITLE
    assert title(workspace) == TITLE  # from the kept summary, the stats trusted
    edit(workspace / "scenarios" / f"{SCENARIO}.yaml", TITLE, EDITED)
    assert title(workspace) == EDITED


def test_an_edit_in_the_same_clock_tick_is_seen(
    workspace: Path, isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system whose clock ticks coarsely: a write and the edit after it, within one
    tick, leave the very same stat (size, both times, inode). A stat taken in that tick is
    never trusted. (The clock stands still: everything here happens within the tick.)"""
    path = workspace / "scenarios" / f"{SCENARIO}.yaml"
    info = path.stat()
    now = catalog_summary.now_ns()
    same = (info.st_size, now, now, info.st_ino, info.st_dev)
    monkeypatch.setattr(catalog_summary, "now_ns", lambda: now)
    monkeypatch.setattr(catalog_summary, "signature", lambda p: same)
    assert title(workspace) == TITLE
    assert title(workspace) == TITLE
    path.write_text(path.read_text().replace(TITLE, EDITED, 1))
    assert title(workspace) == EDITED
