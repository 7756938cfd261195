"""The recordings folder beyond the session store: reviews, audio files, bookkeeping."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from roleplay.errors import RoleplayError

if TYPE_CHECKING:
    from roleplay.domain.history import (
        Retention,
        SessionFiles,
    )
    from roleplay.domain.review import Review


class BrokenRecording(RoleplayError):
    """A file in the recordings folder cannot be read; the message names it and the fix."""


class RecordingFiles(Protocol):
    """The recordings folder beyond the session store: reviews, audio, retention, bookkeeping.
    Files are written atomically and readable by the owner only."""

    @property
    def origin(self) -> str:
        """A stable id of this recordings folder (created on first use)."""
        ...

    def folders(self, prefix: str = "") -> list[str]:
        """Ids (starting with `prefix`) of the folders holding a session or a review."""
        ...

    def has_session(self, session_id: str) -> bool: ...

    def reps(self) -> set[str]:
        """The reps who recorded sessions in this folder."""
        ...

    def read(self, session_id: str) -> SessionFiles: ...

    def review(self, session_id: str) -> Review: ...

    def save_review(self, review: Review) -> None: ...

    def save_retention(self, session_id: str, retention: Retention) -> None: ...

    def lock(self, session_id: str) -> AbstractContextManager[None]:
        """Held while a folder is read and indexed, or its review changed (across processes)."""
        ...

    def audio_file(self, session_id: str, name: str) -> Path | None:
        """The turn audio file `name` of a local session, if it is still there."""
        ...

    def purgeable(self, session_id: str, *, transcript: bool) -> list[tuple[Path, int]]:
        """Audio files (and the transcript) that purging this session would delete, with
        their sizes in bytes."""
        ...

    def delete(self, paths: Sequence[Path]) -> None: ...

    def pending(self) -> list[str]:
        """Sessions written since their last successful indexing."""
        ...

    def mark_pending(self, session_id: str) -> None: ...

    def clear_pending(self, session_id: str) -> None: ...
