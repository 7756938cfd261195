"""Which trainer files a workspace has, and their bytes: what the catalog is loaded from and
what its summary is found by (services/catalog_summary.py), without the catalog's types."""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import os
import stat
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from roleplay.services.catalog import Catalog

Kind = Literal["scenario", "rubric"]

# A trainer file is a few tens of kilobytes; anything far larger is a mistake (or hostile),
# and reading it whole would cost memory for nothing.
MAX_FILE_BYTES = 1024 * 1024

# `-w /etc/passwd`: what validate, new and doctor say (message, what to do).
WORKSPACE_IS_A_FILE = (
    "the workspace is a file, not a folder",
    "give --workspace (-w) or ROLEPLAY_WORKSPACE a folder: the one that holds scenarios/ and "
    "rubrics/, or a new one for `roleplay -w FOLDER new scenario NAME` to start",
)


def display_path(path: Path) -> str:
    """Relative to the current folder when inside it, so editors can jump to file:line."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def same_file(path: Path) -> str:
    """A key for "the same file" that never raises (Path.resolve does on a symlink loop)."""
    return os.path.realpath(path)


def trainer_files(
    scenario_dirs: Iterable[Path], rubric_dirs: Iterable[Path], extra_files: Iterable[Path] = ()
) -> list[tuple[Path, Kind | None]]:
    """The files load_catalog reads, in its order, each with its kind (None: by its text)."""
    files: list[tuple[Path, Kind | None]] = []
    for folder in scenario_dirs:
        files += [(p, "scenario") for p in sorted(folder.glob("*.y*ml"))]
    for folder in rubric_dirs:
        files += [(p, "rubric") for p in sorted(folder.glob("*.y*ml"))]
    seen = {same_file(p) for p, _ in files}
    files += [(p, None) for p in extra_files if same_file(p) not in seen]
    return files


def file_digest(path: Path) -> str:
    """The SHA-256 of a trainer file's bytes (what parsed files are found by), or why it
    cannot be read (what a load says of it)."""
    try:
        return hashlib.sha256(read_trainer_file(path)).hexdigest()
    except Unreadable as exc:
        return f"unreadable: {exc.message}"


Stamp = tuple[tuple[str, int, int, int], ...]


def folder_stamp(folders: Iterable[Path]) -> Stamp:
    """What the trainer files in `folders` look like on disk: each *.yaml/*.yml file's path,
    size, modification time and inode. A few stat calls, so it can be checked before every
    use; an editor that saves in place changes the time and usually the size, one that saves
    by renaming changes the inode, and a file added or removed changes the list."""
    found: list[tuple[str, int, int, int]] = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:  # no such folder (yet): an empty catalog, re-checked next time
            continue
        for entry in entries:
            if not fnmatch.fnmatch(entry.name, "*.y*ml"):  # what load_catalog globs
                continue
            try:
                info = entry.stat()  # follows a link: its target is what gets read
            except OSError:  # a dangling link: loading names the problem; stamp its name
                found.append((entry.path, -1, -1, -1))
                continue
            found.append((entry.path, info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(sorted(found))


class WatchedCatalog:
    """The workspace's catalog, parsed once per process and parsed again only when a trainer
    file changed on disk (a trainer edits a scenario while the app runs: the next call sees
    the edit). Safe to use from the app's worker threads."""

    def __init__(
        self,
        scenario_dirs: Iterable[Path],
        rubric_dirs: Iterable[Path],
        load: Callable[[list[Path], list[Path]], Catalog] | None = None,
    ) -> None:
        self._scenario_dirs = list(scenario_dirs)
        self._rubric_dirs = list(rubric_dirs)
        self._load = load or _load_catalog
        self._lock = threading.Lock()
        self._stamp: Stamp | None = None
        self._catalog: Catalog | None = None

    def __call__(self) -> Catalog:
        """The catalog as the files are now. Callers must not change it: it is shared."""
        stamp = folder_stamp([*self._scenario_dirs, *self._rubric_dirs])
        with self._lock:
            if self._catalog is None or stamp != self._stamp:
                self._catalog = self._load(self._scenario_dirs, self._rubric_dirs)
                # The stamp taken *before* reading: a file changed while it was read is
                # read again next time, never kept stale.
                self._stamp = stamp
            return self._catalog

    def forget(self) -> None:
        """Read the files again on next use (e.g. after writing one of them)."""
        with self._lock:
            self._catalog = None


class Unreadable(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message, self.hint = message, hint


def read_trainer_file(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES. Never blocks: a FIFO, a device or
    a folder named *.yaml is refused instead of read, and a symlink loop is named as one."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unreadable(
                "a symbolic link that loops (it points back to itself)",
                "point the link at a real file or delete it",
            ) from None
        if exc.errno == errno.ENOENT:
            raise Unreadable(
                "no such file (a link to a file that is gone?)", "fix or delete the link"
            ) from None
        raise Unreadable(f"cannot read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            kind = "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
            raise Unreadable(f"is {kind}, not a regular file", "trainer files are plain files")
        if info.st_size > MAX_FILE_BYTES:
            raise Unreadable(
                f"is {info.st_size:,} bytes; trainer files are at most {MAX_FILE_BYTES:,}",
                "split it, or move what is not a scenario or rubric out of the folder",
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:  # it grew while we read it
            raise Unreadable(f"is larger than {MAX_FILE_BYTES:,} bytes")
        return raw
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


def _load_catalog(scenario_dirs: list[Path], rubric_dirs: list[Path]) -> Catalog:
    from roleplay.services.catalog import load_catalog  # the models load with the files

    return load_catalog(scenario_dirs, rubric_dirs)
