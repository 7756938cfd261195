"""Whether the index is in step with the recordings folder, told from a few stat calls and a
read-only look at the index (no database layer loaded, no catch-up), and kept across this
process's own writes: what lets a read command at 8,000 sessions skip listing every folder."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Collection, Container, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from roleplay.services.index.opening import Opening
from roleplay.services.index.ports import Reads, Snapshot
from roleplay.services.ports import BrokenRecording, IndexDamaged, IndexUnavailable, SessionNotFound

if TYPE_CHECKING:
    from roleplay.services.ports.sessions import SessionLine

log = logging.getLogger(__name__)

FEW_UNREADABLE = 20  # damaged folders read again on each command instead of opening the index
_T = TypeVar("_T")


class InStep(Opening):
    """The in-step checks kept beside the index, and the reads they answer."""

    def close(self) -> None:
        """Let go of the index database now (its connections and engines), not whenever the
        collector gets to them: a connection closed late checkpoints its log into a file that
        may have been replaced meanwhile. Idempotent. Any use afterwards raises IndexClosed
        (never a silent reopen, never a silent read of the folders instead)."""
        with self._opening:
            self._closed = True
            index, self._index = self._index, None
        if index is not None:
            index.close()  # a local index writes its log into the file now: stamps after it
            self._carry()

    @property
    def closed(self) -> bool:
        return self._closed

    def _unread(self, origin: str) -> bool:
        """Whether the change log names sessions this index has not read again since."""
        if self._seen is None or self._marks is None:
            return False
        return self._marks.unread(self._seen.get(origin))

    def lines_in_step(self) -> list[tuple[SessionLine, float | None]] | None:
        """As `lines`, but only when the local index is found in step with the folders
        without opening it (a few stat calls and one read-only query, no database layer);
        None otherwise: the caller reads the folders, as a catch-up would cost more than a
        small folder's files. A damaged or busy index is left to the next ordinary use."""
        self._ensure_open()
        if self._index is not None or self.problem is not None:
            return None
        origin = self.files.origin
        try:
            with self._opening:
                found = self._in_step(lambda index: index.lines(origin))
        except IndexUnavailable:  # damaged (IndexDamaged): repaired where the index is opened
            return None
        return None if found is None else found[0]

    def steady(self) -> str | None:
        """A name of the list the read commands get now, the same in every process while the
        list is the same (None: it cannot be told without reading it): while the index is
        found in step by what was kept beside it, nothing the list is made of changed (the
        index file, the folder list, pending marks, the files of the folders it cannot hold)."""
        self._ensure_open()
        if self._index is not None or self._marks is None or self.problem is not None:
            return None
        with self._opening:
            snapshot = self._peek()
            if snapshot is None:
                return None
            with snapshot:
                origin = self.files.origin
                kept = self._still_kept(snapshot, origin)
        if kept is None:
            return None
        assert self._marks is not None  # kept only with marks
        files = [self._marks.stamp(str(i)) for i in kept["unreadable"]]  # edited in place
        return _named(origin, kept, files)

    def _still_kept(self, snapshot: Snapshot, origin: str) -> dict[str, Any] | None:
        """What was kept when the index was last found in step, while nothing changed since
        (the folders it cannot hold are read again: still unreadable)."""
        kept = snapshot.kept(origin) if self._marks is not None else None
        if kept is None and self._base is not None and self._base[0] == origin:
            # Found in step by this process (not kept: the index changed a moment ago), and
            # the index file has not changed since.
            kept = self._base[1] if snapshot.current(self._base[1]) else None
        if (
            kept is not None
            and self._marks is not None
            and isinstance(kept.get("unreadable"), list)
            and self._marks.unchanged(kept.get("folders") or {})
            and not self._unread(origin)
            and self._unreadable([str(i) for i in kept["unreadable"]])
        ):
            if self._index is None and self._base is None:
                self._base = (origin, kept)  # before this process wrote anything
            return kept
        return None

    def _as_kept(self, origin: str) -> list[str] | None:
        """The folders the index cannot hold (unreadable), when the index file and the folder
        list are still as they were when it was last found in step, the pending marks aside
        (the caller reads them); None otherwise. A few stat calls and a read-only look, where
        finding it out again lists every folder (8,000 stat calls at 8,000 sessions)."""
        if self._marks is None:
            return None
        snapshot = self._peek()
        if snapshot is None:
            return None
        with snapshot:
            kept = snapshot.kept(origin)
            base = self._base[1] if self._base is not None and self._base[0] == origin else None
            if kept is None and base is not None:
                # Found in step by this process before it wrote; while its writes only
                # re-wrote sessions the index held (what `_carry` keeps at close), that holds
                # after them too: only the pending marks and the damaged folders are left to
                # see to, as with a kept check. Else a read after this process's own write
                # (the schedule's list after `score last` wrote the card) listed every folder.
                mine = self._carries and not self._lent
                kept = base if mine or snapshot.current(base) else None
        if (
            kept is None
            or not isinstance(kept.get("unreadable"), list)
            or not self._marks.unchanged(kept.get("folders") or {}, pending=False)
        ):
            return None
        if self._base is None or self._base[0] != origin:
            self._base = (origin, kept)
        elif self._base[1] != kept:  # another check than the one found before: not carried
            self._carries = False
        return [str(i) for i in kept["unreadable"]]

    def when_renamed(self, told: Callable[[str, str], None]) -> None:
        """`told(old, new)` when the list `steady` named `old` before this process wrote is
        named `new` after it (at close): the list is the same but for what was written."""
        self._renamed.append(told)

    def _carry(self) -> None:
        """At close: keep the in-step check again, with the index file's stamps after this
        process's writes, when it held before them (`_base`) and they only re-wrote sessions
        the index held (a re-score): the folder list unchanged, no pending mark left, the
        damaged folders still damaged, nobody else handed the index, no catch-up beyond
        pending marks and damaged folders."""
        base, self._base = self._base, None
        if base is None or not self._carries or self._lent or self._marks is None:
            return
        origin, kept = base
        unreadable = [str(i) for i in kept.get("unreadable") or []]
        if not isinstance(kept.get("index"), list) or not self._still_unreadable(unreadable):
            return  # one was indexed since (repaired): the index holds another list
        folders = self._marks.carried(kept.get("folders") or {})
        snapshot = self._peek() if folders is not None else None
        if snapshot is None:
            return
        with snapshot:
            found: dict[str, Any] = {"folders": folders, "unreadable": unreadable}
            if not snapshot.carry(origin, found, kept["index"]):
                return
            now = snapshot.kept(origin)
        if now is None:
            return
        files = [self._marks.stamp(i) for i in unreadable]
        old, new = _named(origin, kept, files), _named(origin, now, files)
        for told in self._renamed:
            told(old, new)

    def _still_unreadable(self, ids: Sequence[str]) -> bool:
        """Whether none of these folders can be read (as `_unreadable`, saying nothing: the
        catch-up said it)."""
        for id_ in ids:
            try:
                self.files.read(id_)
            except BrokenRecording:
                continue
            except SessionNotFound:
                return False
            return False
        return True

    def _in_step(self, read: Callable[[Reads], _T]) -> tuple[_T] | None:
        """(`read` from a snapshot of the index) when the index holds exactly the folders
        (nothing new, gone or pending: what catch_up would do is nothing); None otherwise
        (and when the snapshot cannot be read now). Raises IndexDamaged."""
        snapshot = self._peek() if self._index is None else None
        if snapshot is None:
            return None
        with snapshot:
            try:
                return self._answered(snapshot, read)
            except IndexDamaged:
                raise
            except IndexUnavailable as exc:  # busy, unreadable: opened the ordinary way
                log.info("%s; opening the index", exc)
                return None

    def _answered(self, snapshot: Snapshot, read: Callable[[Reads], _T]) -> tuple[_T] | None:
        """`_in_step` on an open snapshot."""
        origin = self.files.origin
        kept = self._still_kept(snapshot, origin)
        if kept is not None:  # neither the index nor the folder list changed since
            idle = kept["folders"].get("idle")
            self._held_as_kept = _AllBut({*kept["unreadable"], *(idle or ())})
            try:
                return (read(snapshot),)
            finally:
                self._held_as_kept = None
        local = set(self.files.folders())
        known = snapshot.known(origin)
        if set(self.files.pending()) & local or known - local or self._unread(origin):
            return None
        unreadable = sorted(local - known)
        if not self._unreadable(unreadable):
            return None
        folders = self._marks.marks(known) if self._marks is not None else None
        if folders is not None:
            found = snapshot.keep(origin, {"folders": folders, "unreadable": unreadable})
            if found is not None and self._base is None:
                # What this process found before it wrote anything, kept or not (a write a
                # moment ago is not kept as settled): its own write is then carried (`_carry`)
                # and its own later reads need not list every folder again.
                self._base = (origin, found)
        return (read(snapshot),)

    def _unreadable(self, ids: Sequence[str]) -> bool:
        """Whether every one of these folders (not in the index) cannot be read, so catching
        up would only say so again (as it does, here): a damaged folder must not make every
        command open the index. A few at most; more are left to the catch-up."""
        if len(ids) > FEW_UNREADABLE:
            return False
        problems = []
        for id_ in ids:
            try:
                self.files.read(id_)
            except BrokenRecording as exc:
                problems.append(str(exc))
                continue
            except SessionNotFound:
                return False  # gone meanwhile: let the catch-up see to it
            return False  # readable: copied in, to be indexed
        for p in problems:
            log.warning("%s", p)
        return True


class _AllBut(Container[str]):
    """Every folder name but these (the index holds every folder the in-step check does
    not name as unreadable or as a folder it does not hold)."""

    def __init__(self, not_held: Collection[str]) -> None:
        self._not = frozenset(not_held)

    def __contains__(self, name: object) -> bool:
        return name not in self._not


def _named(origin: str, kept: dict[str, Any], files: list[list[int] | None]) -> str:
    """The name `steady` gives the list while `kept` holds (`files`: the unreadable ones')."""
    whole = json.dumps([origin, kept, files], sort_keys=True)
    return hashlib.sha256(whole.encode()).hexdigest()
