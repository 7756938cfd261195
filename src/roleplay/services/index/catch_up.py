"""Catching the index up with the recordings folder (what changed while it was not being
updated: pending marks, new and gone folders, sessions another home changed), and rebuilding it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from roleplay.domain.roles import NotAllowed
from roleplay.services.index.in_step import InStep
from roleplay.services.index.ports import Progress, Rebuilt, Seen
from roleplay.services.ports import BrokenRecording, SessionIndex, SessionNotFound

log = logging.getLogger(__name__)

BATCH = 200  # folders per transaction when rebuilding
# Folders per transaction when catching up: fewer, larger transactions (one commit and one set
# of statements per 1,000 folders, not per 200), each still whole, so an interrupted catch-up
# leaves the batches before it indexed and the next command indexes the rest.
CATCH_UP_BATCH = 1000


class CatchUp(InStep):
    """Brings the index up to date with the folders, in batches, each one transaction."""

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


def _reading(progress: Progress | None, start: int, total: int) -> Callable[[int], None]:
    """Told how many folders of a batch starting at `start` were read: the catch-up's progress
    (done, total), as often as before its batches grew."""
    if progress is None:
        return lambda done: None
    return lambda done: progress(start + done, total)
