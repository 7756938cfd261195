"""Opening the index lazily, once, from several threads; moving a damaged one aside and
saying once, in the person's words, why the index is not being updated."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Container
from typing import Any, NoReturn, TypeVar

from roleplay.domain.roles import Identity
from roleplay.services.index.ports import FolderMarks, Progress, Seen, SeenChanges, Snapshot
from roleplay.services.ports import (
    IndexClosed,
    IndexDamaged,
    IndexReadOnly,
    IndexTooNew,
    IndexUnavailable,
    RecordingFiles,
    SessionIndex,
)

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class Opening:
    """The indexer's state, and the opening, closing and repair of the index (the catch-up
    that runs when it is opened is `CatchUp`'s)."""

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

    def identity(self) -> Identity:
        """Who the index sees (the database login and its role). Raises IndexUnavailable."""
        return self._opened().identity()

    def catch_up(self) -> int:
        """Index what changed while the index was not being updated (CatchUp)."""
        raise NotImplementedError


def _sentence(text: str) -> str:
    """`text` as a sentence: capitalised, ending with a full stop."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."
