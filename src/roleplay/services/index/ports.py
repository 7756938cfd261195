"""What the indexer asks of the index and the recordings folder beyond the SessionIndex and
RecordingFiles ports: a read-only snapshot of the index, the folder's marks in a few stat calls,
and how far this index read the workspace's change log; and what a rebuild reports."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from roleplay.domain.session import SessionRecord
    from roleplay.services.ports.sessions import SessionLine

Progress = Callable[[int, int], None]  # (done, total)


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
