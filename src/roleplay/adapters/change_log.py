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
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Collection
from pathlib import Path

from roleplay.atomic import write_atomic

Seen = tuple[int, int]  # (the log's inode, the offset read up to)
LOG = "changes"

log = logging.getLogger(__name__)


def append(meta: Path, ids: Collection[str], writer: str = "") -> tuple[int, int, int] | None:
    """Note these sessions as changed (and indexed by the caller), each line naming the
    `writer` (which home: its own schedule already has the change); (inode, start, end) of
    what was appended, None when nothing was."""
    if not ids:
        return None
    data = "".join(f"{i} {writer}\n" for i in sorted(ids)).encode("utf-8")
    fd = os.open(meta / LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)  # one short write with O_APPEND: never interleaved with another
        end = os.lseek(fd, 0, os.SEEK_CUR)
        inode = os.fstat(fd).st_ino
    finally:
        os.close(fd)
    return inode, end - len(data), end


def unread(meta: Path, seen: Seen | None) -> bool:
    """Whether the log holds lines past `seen` (one stat: every read command asks)."""
    try:
        info = os.stat(meta / LOG)  # noqa: PTH116
    except OSError:
        return False  # no log yet: nothing was changed by anyone since it would have been
    return seen is None or seen[0] != info.st_ino or seen[1] != info.st_size


def read(
    meta: Path, seen: Seen | None, not_from: str | None = None
) -> tuple[set[str], Seen | None]:
    """The sessions named past `seen` (all of them when the log was replaced), but those
    `not_from` that writer, and how far that read (a line still being written is left for
    the next read)."""
    try:
        fd = os.open(meta / LOG, os.O_RDONLY)
    except OSError:
        return set(), seen
    try:
        info = os.fstat(fd)
        same = seen is not None and seen[0] == info.st_ino and seen[1] <= info.st_size
        start = seen[1] if same and seen is not None else 0
        os.lseek(fd, start, os.SEEK_SET)
        data = b""
        while chunk := os.read(fd, 1 << 20):
            data += chunk
    finally:
        os.close(fd)
    whole = data[: data.rfind(b"\n") + 1]
    lines = (line.partition(" ") for line in whole.decode("utf-8", "replace").split("\n"))
    ids = {i for i, _, writer in lines if i and (not_from is None or writer != not_from)}
    return ids, (info.st_ino, start + len(whole))


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
