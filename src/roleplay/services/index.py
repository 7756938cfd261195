"""Keeping the index in step with the recordings folder, which stays the source of truth.

Every write goes to the files first (adapters/indexed_file_store.py); then the session's folder
is read back and saved to the index. Before the files are touched the session is marked
pending, and the mark is cleared only once the index holds it, so a crash or an unreachable
database loses nothing: the next process that uses the index catches up (pending sessions, and
folders the index has never seen).

The index is a copy: a damaged one (a bad page, a value it never writes) is moved aside once
per process and built again from the folders, saying so once; when it cannot be moved (a
read-only folder) the lists come from the folders and the person is told what to do.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Collection, Container, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, Protocol, TypeVar

from roleplay.domain.roles import Identity, NotAllowed
from roleplay.services.ports import (
    BrokenRecording,
    IndexClosed,
    IndexDamaged,
    IndexReadOnly,
    IndexTooNew,
    IndexUnavailable,
    RecordingFiles,
    SessionIndex,
    SessionNotFound,
)

if TYPE_CHECKING:
    from roleplay.domain.schedule import SkillCard  # fsrs loads only where cards are rated
    from roleplay.domain.session import SessionRecord
    from roleplay.services.ports.sessions import SessionLine


log = logging.getLogger(__name__)

BATCH = 200  # folders per transaction when rebuilding
# Folders per transaction when catching up: fewer, larger transactions (one commit and one set
# of statements per 1,000 folders, not per 200), each still whole, so an interrupted catch-up
# leaves the batches before it indexed and the next command indexes the rest.
CATCH_UP_BATCH = 1000
FEW_UNREADABLE = 20  # damaged folders read again on each command instead of opening the index

Progress = Callable[[int, int], None]  # (done, total)
_T = TypeVar("_T")


class Reads(Protocol):
    """The questions a rep's read commands ask the index (SessionIndex answers them)."""

    def known(self, origin: str) -> set[str]: ...
    def records(self, origin: str) -> list[tuple[SessionRecord, float | None]]: ...
    def lines(self, origin: str) -> list[tuple[SessionLine, float | None]]: ...
    def newest(self, origin: str) -> tuple[str, datetime] | None: ...


class Snapshot(Reads, Protocol):
    """One read-only look at the index without opening it (adapters/index_peek.py), which
    answers as SessionIndex does (a contract test runs both)."""

    def __enter__(self) -> Snapshot: ...
    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    def kept(self, origin: str) -> dict[str, Any] | None:
        """What `keep` kept for the folder `origin`, while the index has not changed since."""
        ...

    def keep(self, origin: str, found: dict[str, Any]) -> dict[str, Any] | None:
        """Keep `found` unless the index changed a moment ago; what is (would be) kept."""
        ...

    def current(self, kept: dict[str, Any]) -> bool:
        """Whether the index file is as it was when `kept` was found."""
        ...

    def carry(self, origin: str, found: dict[str, Any], before: list[list[int] | None]) -> bool:
        """Keep `found` after this process's own writes, the index in step before them."""
        ...


class FolderMarks(Protocol):
    """The recordings folder's list and pending marks in a few stat calls (recording_files)."""

    def marks(self, skip: Collection[str]) -> dict[str, Any] | None: ...
    def unchanged(self, marks: dict[str, Any], *, pending: bool = True) -> bool: ...
    def carried(self, marks: dict[str, Any]) -> dict[str, Any] | None:
        """`marks` after this process's own write (None: the list changed, a mark is left)."""
        ...

    def present(self, ids: Collection[str]) -> set[str]:
        """Those of `ids` that are folders `RecordingFiles.folders` lists."""
        ...

    def stamp(self, session_id: str) -> list[int] | None:
        """Size and time stamp of a folder's session file (None: none)."""
        ...

    def gone(self, ids: Collection[str]) -> set[str]:
        """Those of `ids` with no folder at all (a folder without its files yet is there)."""
        ...

    def abandoned(self, ids: Collection[str]) -> dict[str, list[str]]:
        """Those of `ids` whose folder has no session file while no writer is making one
        (its writer stopped in between), each with the names in its folder."""
        ...

    def changed(self, ids: Collection[str]) -> tuple[int, int, int] | None:
        """Note for every other index that these sessions changed and were indexed here:
        (the log's inode, where the note starts, where it ends); None: nothing noted."""
        ...

    def changes(self, seen: Seen | None) -> tuple[set[str], Seen | None]:
        """The sessions noted as changed past `seen`, and how far that read."""
        ...

    def unread(self, seen: Seen | None) -> bool:
        """Whether sessions were noted as changed past `seen`."""
        ...


Seen = tuple[int, int]  # how far an index read the change log: (its inode, the offset)


class SeenChanges(Protocol):
    """How far this index read each recordings folder's change log (kept per index)."""

    def get(self, origin: str) -> Seen | None: ...
    def put(self, origin: str, seen: Seen) -> None: ...


class Rebuilt(NamedTuple):
    """What `roleplay reindex` did."""

    indexed: int
    removed: int
    seconds: float
    database: str
    problems: tuple[str, ...] = ()


class Indexer:
    """Opens the index lazily (no database work at start-up) and keeps it caught up."""

    def __init__(
        self,
        files: RecordingFiles,
        open_index: Callable[[], SessionIndex],
        refresh_cards: Callable[[str], object] = lambda rep: None,
        progress: Progress | None = None,
        peek: Callable[[], Snapshot | None] = lambda: None,
        marks: FolderMarks | None = None,
        set_aside: Callable[[IndexDamaged], str] | None = None,
        notice: Callable[[str], None] = lambda message: None,
        seen: SeenChanges | None = None,
    ) -> None:
        self.files = files
        # How far this index read the folder's change log (None: no log is read): the
        # sessions another index's writer changed are read again (adapters/change_log.py).
        self._seen = seen if marks is not None else None
        self._reading: Seen | None = None  # how far a catch-up read it, noted once it is done
        # Tells that the folder list and pending marks did not change since the index was last
        # found in step with them (None: always look at every folder).
        self._marks = marks
        # A snapshot of the index read without opening it (None: open it as usual). When it
        # holds exactly the folders, a read command's list comes from it: no database layer
        # loaded, no catch-up to run.
        self._peek = peek
        self._open_index = open_index
        self._index: SessionIndex | None = None
        self._opening = threading.RLock()
        self.problem: str | None = None  # why the index is not being updated, for the UI
        self.failure: IndexUnavailable | None = None  # that, as the error (what kind: `note`)
        # Rebuilds a rep's scheduler state from the recordings (which saves, and so indexes,
        # their cards); given by the composition root, where the scheduler is built.
        self.refresh_cards = refresh_cards
        self._notes_left_out: set[str] = set()  # problems of folders that were indexed
        # Told how a long catch-up goes (the CLI prints it: the first command after thousands
        # of sessions were copied in reads every one of them once).
        self.progress = progress
        # Sessions the last catch-up indexed: `sync` right after it (the first write of a
        # process opens the index, which catches up, pending session included) does not write
        # the same session a second time.
        self._caught_up_ids: set[str] = set()
        self._syncing: str | None = None  # the session `sync` is indexing now
        # Moves a damaged index file aside (returns where to; raises IndexUnavailable when it
        # cannot), so the next open builds a new one from the folders. None: never moved.
        self._set_aside = set_aside
        self._set_aside_once = False  # a second damage in one process: not a bad file
        # Tells the person at the terminal, once, what is wrong with the index and what is
        # done about it (the CLI prints it; the log has it too).
        self._notice = notice
        self._told: set[str] = set()
        self._closed = False
        # The in-step check kept beside the index, as this process found it still true before
        # it wrote (origin, what was kept); while every write since only re-wrote sessions the
        # index held (`_carries`), it holds after them too, and is kept again at close with the
        # index file's new stamps: the next command need not list 8,000 folders to find out
        # again (each `score last` wrote the index, so each listed them all).
        self._base: tuple[str, dict[str, Any]] | None = None
        self._carries = True
        self._lent = False  # the index was handed out: others may write anything to it
        self._renamed: list[Callable[[str, str], None]] = []
        self._held_as_kept: Container[str] | None = None  # what `newest` says is held

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

    def _ensure_open(self) -> None:
        if self._closed:
            raise IndexClosed(  # no origin named: reading it may write the folder
                "the index was used after roleplay closed it; this is a bug in roleplay "
                "(please report it). Everything is saved in the recordings folder; run the "
                "command again"
            )

    def index(self) -> SessionIndex:
        """The index, opened and caught up on first use (a damaged one is moved aside and
        built again). Raises IndexUnavailable, IndexClosed. Safe to call from several threads."""
        self._lent = True  # whoever asks may write to it what this class cannot see
        return self._opened()

    def _opened(self) -> SessionIndex:
        """`index()`, for this class's own reads and writes."""
        self._ensure_open()
        if self._index is None:
            with self._opening:
                if self._index is None:
                    if self.problem is not None:  # failed once: do not wait again (reconnect)
                        raise IndexUnavailable(self.problem)
                    try:
                        return self._open()
                    except IndexDamaged as exc:  # found while catching up
                        self._carries = False
                        self.set_aside(exc)
                        return self._open()
        return self._index

    def _open(self) -> SessionIndex:
        try:
            index = self._open_index()
        except IndexUnavailable as exc:
            self.problem, self.failure = str(exc), exc
            raise
        self._index = index
        self.problem, self.failure = None, None
        self.catch_up()
        return index

    def set_aside(self, exc: IndexDamaged) -> None:
        """The index is damaged: close it and move it aside, so that the next use builds a
        new one from the recordings (the truth), and say so once. Raises IndexUnavailable
        (noted as the problem, and said) when it cannot be moved, or was already once."""
        self._carries = False
        with self._opening:
            index, self._index = self._index, None
            if index is not None:
                index.close()
            if self._set_aside is None or exc.path is None or self._set_aside_once:
                self._unusable(exc)
            self._set_aside_once = True
            try:
                moved = self._set_aside(exc)
            except IndexUnavailable as failed:
                self._unusable(failed)
            self._tell(
                f"the index database {exc.path} was damaged ({exc.reason}); it was moved to "
                f"{moved} and a new one is built from the recordings, which hold every session"
            )

    def _unusable(self, exc: IndexUnavailable) -> NoReturn:
        """Give up on the index for this process: the lists come from the folders."""
        self.problem, self.failure = str(exc), exc
        message = str(exc)
        if isinstance(exc, IndexDamaged):
            message += ". Until then sessions are read from the recordings"
        self._tell(message)
        self._told.add(str(exc))  # the same problem met again is not said again
        raise IndexUnavailable(str(exc)) from None

    def note(self) -> str | None:
        """Why the index was not updated in this process, said as what it is (a read-only
        file is not "unreachable"), with what to do; None when it was. The session itself is
        always in its folder."""
        if self.problem is None:
            return None
        failure = self.failure
        if isinstance(failure, IndexReadOnly):
            head = "the index database cannot be written"
        elif isinstance(failure, IndexDamaged):
            head = "the index database is damaged"
        elif isinstance(failure, IndexTooNew):
            head = "the index database was upgraded by a newer roleplay"
        else:
            head = "the index database cannot be used now"
        return (
            f"Not in the index yet: {head}. The session is saved in its folder, nothing is "
            f"lost. {_sentence(self.problem)}"
        )

    def _tell(self, message: str) -> None:
        """Said once: to the person (the CLI prints it), and to the log (as INFO: where
        the log itself goes to the terminal, a read-only data folder, it is not said twice)."""
        if message not in self._told:
            self._told.add(message)
            log.info("%s", message)
            self._notice(message)

    def catch_up(self) -> int:
        """Index what changed while the index was not being updated; return how many folders."""
        index = self._opened()
        origin = self.files.origin
        changed, self._reading = self._changes(origin)
        try:
            return self._catching_up(index, origin, changed)
        finally:
            self._reading = None

    def _catching_up(self, index: SessionIndex, origin: str, changed: set[str]) -> int:
        """`catch_up`, with the sessions the change log names as `changed`."""
        quick = self._as_kept(origin)
        if quick is not None:
            # As kept: the index holds every folder but the unreadable ones, and none that is
            # gone. What is left to do: the pending marks, the sessions another index's
            # writer changed, and the unreadable folders again.
            pending = set(self.files.pending())
            assert self._marks is not None  # kept only with marks
            local = self._marks.present(pending)
            todo = sorted(local | self._marks.present(changed) | set(quick))
            gone: list[str] = []
            pending -= local
        else:
            self._carries = False  # not known to be in step before: nothing to carry
            local = set(self.files.folders())
            known = index.known(origin)
            pending = set(self.files.pending())
            todo = sorted((pending & local) | (local - known) | (changed & local))
            gone = sorted(known - local)
            pending -= local
        # Deleted before it was indexed: the mark is cleared once the folder is gone too. A
        # folder without its session file yet is being made by another process (which marks
        # its session once the folder is there, then writes the files, then indexes it):
        # clearing that mark lost it, should that process stop before indexing.
        deleted = pending if self._marks is None else self._marks.gone(pending)
        for id_ in sorted(deleted):
            self.files.clear_pending(id_)
        if pending - deleted and self._marks is not None:
            self._settle(self._marks.abandoned(pending - deleted))
        problems: list[str] = []
        shown = self.progress if len(todo) > BATCH else None
        for start in range(0, len(todo), CATCH_UP_BATCH):
            batch = todo[start : start + CATCH_UP_BATCH]
            problems += self._save(batch, on_read=_reading(shown, start, len(todo)))
        self._caught_up_ids = set(todo)
        index.forget(origin, gone)
        if self._seen is not None and self._reading is not None:
            self._seen.put(origin, self._reading)  # read again, up to there
        if len(todo) + len(gone) >= BATCH:
            index.refresh_statistics()
        for p in problems:
            log.warning("%s", p)
        # The session this process's own write marked is no news: the first write opens the
        # index, whose catch-up indexes it (`sync` then skips it). Logged, every re-score said
        # "1 folder(s) indexed" and loaded the log file's handler to say it (issue 18).
        others = len(todo) - (self._syncing in todo)
        if others or gone:
            log.info("index caught up: %d folder(s) indexed, %d removed", others, len(gone))
        return len(todo) + len(gone)

    def _changes(self, origin: str) -> tuple[set[str], Seen | None]:
        """The sessions another index's writer changed since this index last read the log,
        and how far that read (to note once they are indexed)."""
        if self._seen is None or self._marks is None:
            return set(), None
        return self._marks.changes(self._seen.get(origin))

    def _unread(self, origin: str) -> bool:
        """Whether the change log names sessions this index has not read again since."""
        if self._seen is None or self._marks is None:
            return False
        return self._marks.unread(self._seen.get(origin))

    def _settle(self, abandoned: dict[str, list[str]]) -> None:
        """Clear the marks of folders whose writer stopped before it wrote session.json
        (killed between making the folder and writing it): nothing in them can be indexed, and
        a mark left there kept every command after a write listing all folders, for good. The
        folder is kept as it is (it may hold the start of the file), and the person told."""
        for id_, names in sorted(abandoned.items()):
            self.files.clear_pending(id_)
            held = f"it holds {', '.join(names)}" if names else "it is empty"
            self._tell(
                f"recordings/{id_}: the process that began this session stopped before it "
                f"wrote session.json ({held}). The folder is kept as it is and is not listed; "
                "delete it if you do not need it"
            )

    def records(self) -> list[tuple[SessionRecord, float | None]] | None:
        """Every session of this recordings folder as the index holds it, with its overall
        score, after catching up with the folders (so a session copied in or written by
        another process is there); None when the index cannot be reached (read the folders)."""
        origin = self.files.origin
        return self._caught_up(lambda index: index.records(origin))

    def lines(self) -> list[tuple[SessionLine, float | None]] | None:
        """As `records`, from the index's columns only (no record parsed)."""
        origin = self.files.origin
        return self._caught_up(lambda index: index.lines(origin))

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

    def newest(self) -> tuple[Container[str], tuple[str, datetime] | None] | None:
        """(the ids the index holds, its newest session's id and start) for this recordings
        folder, after catching up; None when the index cannot be reached (read the folders).
        While the in-step check kept beside the index holds, the ids held are every folder
        but those it names as not held (not asked of the index: 8,000 ids at 8,000)."""
        origin = self.files.origin

        def read(index: Reads) -> tuple[Container[str], tuple[str, datetime] | None]:
            held = self._held_as_kept
            return (index.known(origin) if held is None else held, index.newest(origin))

        return self._caught_up(read)

    def _caught_up(self, read: Callable[[Reads], _T]) -> _T | None:
        """`read` from the index once it has caught up with the folders; None (and the
        problem noted, so this process does not wait again) when it cannot be reached. A
        damaged index (a bad page, a value it never writes) is moved aside and built again."""
        self._ensure_open()
        if self.problem is not None:
            return None
        try:
            return self._repairing(lambda: self._read(read))
        except IndexUnavailable as exc:
            self._gave_up(exc)
            return None

    def _repairing(self, work: Callable[[], _T]) -> _T:
        """`work()`; when it finds the index damaged, the index is moved aside and `work`
        done once more (its first use of the index builds a new one from the folders)."""
        try:
            return work()
        except IndexDamaged as exc:
            self.set_aside(exc)
            return work()

    def _gave_up(self, exc: IndexUnavailable) -> None:
        """Note why the index is not used in this process (not waited for again); a
        read-only index is said at the terminal too: only the person can fix it."""
        said = str(exc) in self._told  # set_aside gave up, and said so
        if self.failure is None or str(self.failure) != str(exc):  # _unusable kept its kind
            self.failure = exc
        self.problem = str(exc)
        if isinstance(exc, IndexReadOnly):
            self._tell(str(exc))
        elif not said:
            log.warning("%s", exc)

    def _read(self, read: Callable[[Reads], _T]) -> _T:
        if self._index is None:
            with self._opening:
                found = self._in_step(read)
            if found is not None:
                return found[0]
        opened = self._index is not None
        index = self._opened()  # the first use catches up
        if opened:
            self.catch_up()
        return read(index)

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

    def sync(self, session_id: str) -> bool:
        """After the files of a session changed: bring its index entry up to date.

        Never raises for an unreachable database: the session stays pending and is indexed on
        the next start (a closed index is not unreachable: IndexClosed). Returns whether the
        index is up to date.
        """
        self._ensure_open()
        if self.problem is not None:  # already failed in this process: do not wait again
            return False
        self._syncing = session_id
        try:
            problems = self._repairing(lambda: self._synced(session_id))
        except IndexUnavailable as exc:
            self._gave_up(exc)
            return False
        finally:
            self._syncing = None
        for p in problems:
            log.warning("%s", p)
        return not problems

    def _synced(self, session_id: str) -> list[str]:
        index = self._opened()
        if session_id in self._caught_up_ids and session_id not in self.files.pending():
            # Indexed by the catch-up this very call ran (and not changed since).
            self._caught_up_ids.discard(session_id)
            return []
        return self._save([session_id], index=index)

    def identity(self) -> Identity:
        """Who the index sees (the database login and its role). Raises IndexUnavailable."""
        return self._opened().identity()

    def save_cards(self, rep: str, cards: Sequence[SkillCard]) -> bool:
        """After the rep's schedule was saved: index its cards. Never raises for an unreachable
        database (the next `roleplay reindex` rebuilds them). Returns whether it was saved."""
        self._ensure_open()
        if self.problem is not None:
            return False
        try:
            self._repairing(lambda: self._opened().save_cards(self.files.origin, rep, cards))
        except IndexUnavailable as exc:
            self._gave_up(exc)
            return False
        except NotAllowed as exc:  # the rights changed under us: the file still holds them
            log.warning("%s", exc)
            return False
        return True

    def rebuild(self, progress: Progress | None = None) -> Rebuilt:
        """Index every folder of the recordings, and forget folders that are gone. Idempotent.
        A damaged index is moved aside and built new. Raises IndexUnavailable."""
        started = time.perf_counter()
        return self._repairing(lambda: self._rebuilt(started, progress))

    def _rebuilt(self, started: float, progress: Progress | None) -> Rebuilt:
        self._carries = False
        index = self._opened()
        origin = self.files.origin
        _, self._reading = self._changes(origin)  # all that is in the folders read below
        try:
            return self._rebuilt_from(index, origin, started, progress)
        finally:
            self._reading = None

    def _rebuilt_from(
        self, index: SessionIndex, origin: str, started: float, progress: Progress | None
    ) -> Rebuilt:
        local = self.files.folders()
        problems: list[str] = []
        unreadable = 0
        for start in range(0, len(local), BATCH):
            left_out = self._save(local[start : start + BATCH], index=index)
            unreadable += sum(1 for p in left_out if p not in self._notes_left_out)
            problems += left_out
            if progress:
                progress(min(start + BATCH, len(local)), len(local))
        gone = sorted(index.known(origin) - set(local))
        index.forget(origin, gone)
        if self._seen is not None and self._reading is not None:
            self._seen.put(origin, self._reading)
        for rep in sorted(self.files.reps()):
            self.refresh_cards(rep)  # the schedule is rebuilt from the scored sessions
        index.refresh_statistics()
        return Rebuilt(
            indexed=len(local) - unreadable,
            removed=len(gone),
            seconds=time.perf_counter() - started,
            database=index.describe(),
            problems=tuple(problems),
        )

    def _save(
        self,
        ids: Sequence[str],
        index: SessionIndex | None = None,
        on_read: Callable[[int], None] = lambda done: None,
    ) -> list[str]:
        """Read the folders and save them in one transaction; return the unreadable ones.
        `on_read(n)` is told every BATCH folders read (the catch-up shows its progress)."""
        if not ids:
            return []
        index = index or self._opened()
        problems: list[str] = []
        with self.files.lock(ids[0]):
            marked = set(self.files.pending())
            folders = []
            for n, id_ in enumerate(ids, 1):
                try:
                    folders.append(self.files.read(id_))
                except BrokenRecording as exc:
                    problems.append(str(exc))
                except SessionNotFound:
                    self.files.clear_pending(id_)  # deleted meanwhile: nothing to index
                if n % BATCH == 0 or n == len(ids):
                    on_read(n)
            try:
                left_out = index.save(folders)  # indexed, but some notes not sent
                self._notes_left_out.update(left_out)
                problems += left_out
            except NotAllowed as exc:  # one folder the login may not write: asking again won't help
                problems.append(f"{ids[0]}: {exc}")
            self._note_changed([f.session_id for f in folders if f.session_id in marked])
            for f in folders:
                self.files.clear_pending(f.session_id)
        return problems

    def _note_changed(self, ids: list[str]) -> None:
        """Tell every other index of the folder that these sessions changed (their marks are
        cleared next); when nothing was noted before them since this index last read the
        log, this index has read it to their end (it just indexed them)."""
        if self._seen is None or self._marks is None or not ids:
            return
        origin = self.files.origin
        reading = self._reading is not None  # a catch-up notes how far it read at its end
        before = self._reading if reading else self._seen.get(origin)
        noted = self._marks.changed(ids)
        if noted is None or (before != noted[:2] and (before is not None or noted[1] != 0)):
            return  # another's note came first: the next catch-up reads it (and these)
        if reading:
            self._reading = (noted[0], noted[2])
        else:
            self._seen.put(origin, (noted[0], noted[2]))


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


def _sentence(text: str) -> str:
    """`text` as a sentence: capitalised, ending with a full stop."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _reading(progress: Progress | None, start: int, total: int) -> Callable[[int], None]:
    """Told how many folders of a batch starting at `start` were read: the catch-up's progress
    (done, total), as often as before its batches grew."""
    if progress is None:
        return lambda done: None
    return lambda done: progress(start + done, total)
