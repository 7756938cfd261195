"""Which sessions changed, for every index of one recordings folder, not only the writer's.

A pending mark (`.index/pending/<session>`) is cleared once *an* index holds the session. Two
people (two ROLEPLAY_HOMEs, each with its own local index) sharing one workspace's recordings
then missed each other's edits of a session both indexes already held (a commitment, a
comment, a re-score): the mark was gone by the time the other one looked, and its folder list
had not changed, so its index was "in step" and kept the old session for good.

So whoever clears a mark after indexing also appends the session's id to
`.index/changes` (one line each, appended in one write), and each index notes how far into
that log it has read (`SeenChanges`, in the user's data folder beside the index: the log's
inode and the offset read up to). An index that has not read to the end is not in step: it
re-reads the sessions named since, and the next command sees the other's change. A writer that
appended right at the end of what its own index had read moves its note along with it, so
its own writes cost its next command nothing.

The log would only grow (a line per write, for good, re-read in full by every new reader), so
a writer that finds it past `COMPACT_AT` and twice its size after the last compaction rewrites
it (`compact`): one line per session, where it was last written, in that order, naming its
writer, or `*` when several homes wrote it (every home reads that as another's: at worst a
home reads its own change again, never misses another's), each noting where it stood in the
log it replaces, under a header naming the new log's generation and the one it replaces. The
file then holds a line per session (~35 bytes, beside a folder of many KB), not a line per
write. A reader's note names the generation it read (`Seen`: a headerless log's is its inode)
and the offset: in the generation replaced, the lines it had not read are exactly those noted
at or past that offset, so it reads on from there without losing a line or re-reading the
rest; a reader older than that reads the whole log, which still names every session, so no
change is lost either. Appenders share a lock on the file (`flock`); the compactor holds it
alone while it reads the log and renames the new one over it (atomic.write_atomic), so a line
is appended to the old file before it is read or to the new file after; a compactor killed
half-way leaves the old log as it was.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import NamedTuple

from roleplay.atomic import write_atomic

Seen = tuple[int, int]  # (the log's generation, the offset read up to)
LOG = "changes"
# Bytes a log may reach before a writer compacts it (and twice its size after the last
# compaction): a few thousand writes, read in a millisecond; compacting costs one read of it.
COMPACT_AT = 256 * 1024
# A compacted log's first line: "#changes <generation> <the one replaced> <its lines' size>".
HEADER = b"#changes "
_HEAD_MAX = 96
SEVERAL = "*"  # the writer of a compacted line when several homes wrote the session

log = logging.getLogger(__name__)


class Head(NamedTuple):
    """A compacted log's header: its generation, the one it replaced, the size of its lines
    when it was made."""

    generation: int
    replaced: int
    size: int


def _head(fd: int) -> Head | None:
    """The header of the log open at `fd` (None: a log never compacted)."""
    first = os.pread(fd, _HEAD_MAX, 0)
    if not first.startswith(HEADER) or b"\n" not in first:
        return None
    fields = first[len(HEADER) : first.index(b"\n")].split()
    try:
        generation, replaced, size = (int(f) for f in fields)
    except ValueError:
        return None
    return Head(generation, replaced, size)


def _generation(fd: int, info: os.stat_result) -> tuple[int, Head | None]:
    head = _head(fd)
    return (info.st_ino if head is None else head.generation), head


def _due(size: int, head: Head | None, compact_at: int) -> bool:
    return size > max(compact_at, 2 * (head.size if head is not None else 0))


def _current(fd: int, path: Path) -> bool:
    """Whether `fd` is still the log at `path` (not replaced by a compaction meanwhile)."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino  # noqa: PTH116
    except FileNotFoundError:
        return False


def append(
    meta: Path, ids: Collection[str], writer: str = "", compact_at: int | None = None
) -> tuple[int, int, int] | None:
    """Note these sessions as changed (and indexed by the caller), each line naming the
    `writer` (which home: its own schedule already has the change); (generation, start, end)
    of what was appended, None when nothing was. A log past `compact_at` (default
    COMPACT_AT) is compacted first."""
    if not ids:
        return None
    limit = COMPACT_AT if compact_at is None else compact_at
    data = "".join(f"{i} {writer}\n" for i in sorted(ids)).encode("utf-8")
    path = meta / LOG
    compacted = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)  # reads the header
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)  # shared with other appenders, not a compactor
            if not _current(fd, path):
                continue  # compacted while this waited: append to the new log
            info = os.fstat(fd)
            generation, head = _generation(fd, info)
            if not compacted and _due(info.st_size, head, limit):
                compacted = True
                os.close(fd)  # the lock too: the compactor takes it alone
                fd = -1
                compact(meta, limit)
                continue
            os.write(fd, data)  # one short write with O_APPEND: never interleaved with another
            end = os.lseek(fd, 0, os.SEEK_CUR)
        finally:
            if fd >= 0:
                os.close(fd)
        return generation, end - len(data), end


def compact(meta: Path, compact_at: int | None = None) -> bool:
    """Rewrite the log as one line per session (the last), when it is due; whether
    it was. Raises OSError (the old log is then left as it was)."""
    limit = COMPACT_AT if compact_at is None else compact_at
    path = meta / LOG
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # no line is being appended while it is read
        if not _current(fd, path):
            return False  # another writer compacted it meanwhile
        info = os.fstat(fd)
        generation, head = _generation(fd, info)
        if not _due(info.st_size, head, limit):
            return False
        data = _read_from(fd, 0)
        last: dict[str, tuple[str, int]] = {}
        for at, session, writer, _ in _lines(data[: data.rfind(b"\n") + 1]):
            before = last.pop(session, None)  # re-inserted: the dict keeps the write order
            last[session] = (SEVERAL if before and before[0] != writer else writer, at)
        body = "".join(f"{s} {w} {at}\n" for s, (w, at) in last.items()).encode("utf-8")
        new = int.from_bytes(os.urandom(7), "big") | (1 << 60)  # never an inode number
        head_line = b"%s%d %d %d\n" % (HEADER, new, generation, len(body))
        _remove_leftovers(meta)
        write_atomic(path, head_line + body)
        return True
    finally:
        os.close(fd)


def _remove_leftovers(meta: Path) -> None:
    """Temporary files of a compactor killed half-way (none can be at work: the lock is
    held)."""
    for tmp in meta.glob(f".{LOG}.*.tmp"):
        tmp.unlink(missing_ok=True)


def _read_from(fd: int, start: int) -> bytes:
    os.lseek(fd, start, os.SEEK_SET)
    data = b""
    while chunk := os.read(fd, 1 << 20):
        data += chunk
    return data


def _lines(whole: bytes, start: int = 0) -> Iterator[tuple[int, str, str, int | None]]:
    """(offset, session, writer, offset in the log replaced or None) of each line of `whole`
    (whole lines, read from `start`); the header is not a line."""
    at = start
    for raw in whole.split(b"\n")[:-1]:
        line_at, at = at, at + len(raw) + 1
        if not raw or raw.startswith(b"#"):
            continue
        fields = raw.decode("utf-8", "replace").split(" ")
        was: int | None = None
        if len(fields) > 2 and fields[2].isdigit():
            was = int(fields[2])
        yield line_at, fields[0], fields[1] if len(fields) > 1 else "", was


def unread(meta: Path, seen: Seen | None) -> bool:
    """Whether the log holds lines past `seen` (a stat, and a look at its header when it is
    as long as it was: every read command asks)."""
    try:
        info = os.stat(meta / LOG)  # noqa: PTH116
    except OSError:
        return False  # no log yet: nothing was changed by anyone since it would have been
    if seen is None or seen[1] != info.st_size:
        return True
    try:
        fd = os.open(meta / LOG, os.O_RDONLY)
    except OSError:
        return True
    try:
        return _generation(fd, os.fstat(fd))[0] != seen[0]
    finally:
        os.close(fd)


def read(
    meta: Path, seen: Seen | None, not_from: str | None = None
) -> tuple[set[str], Seen | None]:
    """The sessions named past `seen` (in the generation it replaced: those noted past it;
    all of them when the log is older or was replaced otherwise), but those `not_from` that
    writer, and how far that read (a line still being written is left for the next read)."""
    try:
        fd = os.open(meta / LOG, os.O_RDONLY)
    except OSError:
        return set(), seen
    try:
        info = os.fstat(fd)
        generation, head = _generation(fd, info)
        if seen is not None and seen[0] == generation and seen[1] <= info.st_size:
            start = seen[1]
            data = _read_from(fd, start)
        else:
            start = 0
            data = _read_from(fd, 0)
            if seen is not None and head is not None and head.replaced == seen[0]:
                start = _mapped(data, seen[1])
                data = data[start:]
    finally:
        os.close(fd)
    whole = data[: data.rfind(b"\n") + 1]
    ids = {s for _, s, writer, _ in _lines(whole, start) if not_from is None or writer != not_from}
    return ids, (generation, start + len(whole))


def _mapped(data: bytes, offset: int) -> int:
    """Where, in a compacted log, a reader of the log it replaced that had read to `offset`
    reads on: at the first line written at or past it there (or appended since)."""
    whole = data[: data.rfind(b"\n") + 1]
    for at, _, _, was in _lines(whole):
        if was is None or was >= offset:
            return at
    return len(whole)


class SeenChanges:
    """How far one index has read each recordings folder's log: a small JSON file in the
    user's data folder, beside the index (a per-home note about a per-workspace log)."""

    def __init__(self, path: Path, index: str) -> None:
        self._path = path
        self._index = index  # which index database the note is about

    def get(self, origin: str) -> Seen | None:
        try:
            found = json.loads(self._path.read_bytes()).get(f"{self._index} {origin}")
        except (OSError, ValueError, AttributeError):
            return None
        if isinstance(found, list) and len(found) == 2 and all(isinstance(n, int) for n in found):
            return found[0], found[1]
        return None

    def put(self, origin: str, seen: Seen) -> None:
        try:
            notes = json.loads(self._path.read_bytes())
        except (OSError, ValueError):
            notes = {}
        if not isinstance(notes, dict):
            notes = {}
        notes[f"{self._index} {origin}"] = list(seen)
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomic(self._path, json.dumps(notes))
        except OSError as exc:  # not kept: the next command reads the same lines again
            log.info("cannot keep how far the change log was read (%s)", exc)
