"""The recordings folder beyond session.json/transcript/scorecard: reviews, turn audio,
retention notes, and the index's bookkeeping (origin id, pending sessions, a lock).

    recordings/
      <session>/review.json      comments, overrides, reviewed mark (written here, atomically)
      <session>/retention.json   what `roleplay purge` deleted and when
      <session>/turn-0003.wav    a turn's audio (or the name saved on the turn)
      .index/origin              this folder's id in a shared index
      .index/pending/<session>   written since last indexed (the index catches up on start)
      .index/changes             sessions indexed after a change, for every other index
                                 (adapters/change_log.py)
      .index/lock                held while a folder is read and indexed, or a review changed
      .index/making              held while a new session's folder is made and its session.json
                                 written (a mark left beside such a folder, its writer gone)

`marks` and `unchanged` let a read command tell, from a few stat calls, that the folder list
and the pending marks are as they were when the index was last found in step with them.
"""

from __future__ import annotations

import os
import stat
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TypeVar

from roleplay.adapters import change_log
from roleplay.adapters.file_store import (
    SCORECARD_FILE,
    SESSION_FILE,
    TRANSCRIPT_FILE,
    read_turns,
    safe_folder,
    transcript_problem,
)
from roleplay.atomic import write_atomic
from roleplay.services.ports import BrokenRecording, SessionNotFound

# Loaded where a whole folder or a review is read (a list needs neither). pydantic's
# ValidationError is a ValueError: `except ValueError` catches it without importing pydantic.
if TYPE_CHECKING:
    from filelock import FileLock

    from roleplay.domain.history import Retention, SessionFiles
    from roleplay.domain.review import Review
    from roleplay.domain.session import Transcript, Turn

REVIEW_FILE = "review.json"
RETENTION_FILE = "retention.json"
AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".mp3", ".opus", ".webm", ".m4a"}
LOCK_TIMEOUT_S = 120
# A change this recent may share its time stamp with a later one (file system clocks tick
# coarsely, 2 s on FAT): marks are taken only of a folder that has been still for longer.
STILL_NS = 2_000_000_000

T = TypeVar("T")


def turn_audio_name(index: int) -> str:
    """The conventional name of a turn's audio file when the turn does not name one."""
    return f"turn-{index:04d}.wav"


def turn_audio(turns: Iterable[Turn], present: Callable[[str], bool]) -> dict[int, str]:
    """Turn index -> its audio file in the session folder, for the files `present` finds:
    the file the voice pipeline named on the turn, else the conventional name."""
    found: dict[int, str] = {}
    for turn in turns:
        if turn.audio and present(turn.audio):
            found[turn.index] = PurePath(turn.audio).as_posix()
        elif present(turn_audio_name(turn.index)):
            found[turn.index] = turn_audio_name(turn.index)
    return found


class FileRecordings:
    def __init__(self, root: Path, writer: str = "") -> None:
        self.root = root
        self.writer = writer  # which home writes through this object (its change log lines)
        self._origin: str | None = None
        self._lock: FileLock | None = None
        self._making: FileLock | None = None

    # --- bookkeeping ---------------------------------------------------------------------

    @property
    def _meta(self) -> Path:
        meta = self.root / ".index"
        if meta.is_symlink():
            raise BrokenRecording(
                f"{meta} is a link; roleplay keeps its bookkeeping inside the recordings folder "
                "and does not write through it. Remove the link"
            )
        if not meta.is_dir():
            meta.mkdir(parents=True, exist_ok=True, mode=0o700)
        return meta

    @property
    def origin(self) -> str:
        if self._origin is None:
            path = self.root / ".index" / "origin"
            known = _read_origin(path)
            if known:
                self._origin = known
                return known
            if self._read_only():
                # Reading (reindex) needs no write: a stable id from the folder's place, used
                # until the folder can be written again.
                self._origin = uuid.uuid5(uuid.NAMESPACE_URL, self.root.resolve().as_uri()).hex
                return self._origin
            path = self._meta / "origin"
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                pass  # another process (or an earlier run) made it: read it below
            else:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(uuid.uuid4().hex + "\n")
            self._origin = _read_origin(path)
            if not self._origin:  # a crash between create and write: make it again
                write_atomic(path, uuid.uuid4().hex + "\n")
                self._origin = _read_origin(path)
        return self._origin

    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        # One lock for the folder: writes are rare (start, end, score, review) and short, and
        # it spares a lock file per session.
        del session_id
        if self._read_only():  # nobody can write here, so there is nothing to wait for
            yield
            return
        if self._lock is None:
            from filelock import FileLock  # ~8 ms of imports: only a write pays for them

            self._lock = FileLock(self._meta / "lock", timeout=LOCK_TIMEOUT_S, mode=0o600)
        with self._lock:
            yield

    @contextmanager
    def making(self, session_id: str) -> Iterator[None]:
        """Held by a writer from before it makes a new session's folder until its
        session.json is written: a catch-up that can take it knows that a folder without
        that file, its pending mark beside it, is no writer's work in progress (`abandoned`).
        Not `lock`: a catch-up never waits for a new session, nor a new session for it."""
        del session_id
        if self._read_only():
            yield
            return
        with self._making_lock():
            yield

    def _making_lock(self) -> FileLock:
        if self._making is None:
            from filelock import FileLock  # a write, or a mark left behind: rare

            self._making = FileLock(self._meta / "making", timeout=LOCK_TIMEOUT_S, mode=0o600)
        return self._making

    def abandoned(self, ids: Collection[str]) -> dict[str, list[str]]:
        """Those of `ids` (pending marks) whose folder is there without a session or review
        file while no writer is making a session: the process that made the folder stopped
        (killed, crashed) before it wrote session.json. Each with the names in its folder
        (kept as they are). Nothing while a writer makes a session now: it is not waited for,
        the marks are looked at again by the next catch-up."""
        ids = [i for i in ids if i and i[0] != "." and "/" not in i]
        if not ids or self._read_only():
            return {}
        from filelock import Timeout

        lock = self._making_lock()
        try:
            lock.acquire(blocking=False)
        except Timeout:
            return {}
        try:
            marked = set(self.pending())
            base = str(self.root)
            found = {}
            for id_ in ids:
                path = f"{base}/{id_}"
                if id_ in marked and _plain_dir(path) and not self.present([id_]):
                    found[id_] = sorted(os.listdir(path))  # noqa: PTH208
            return found
        finally:
            lock.release()

    def _read_only(self) -> bool:
        meta = self.root / ".index"
        return not os.access(meta if meta.is_dir() else self.root, os.W_OK)

    def pending(self) -> list[str]:
        folder = self.root / ".index" / "pending"
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []

    def mark_pending(self, session_id: str) -> None:
        folder = self._meta / "pending"
        folder.mkdir(exist_ok=True, mode=0o700)
        (folder / session_id).touch(mode=0o600)

    def clear_pending(self, session_id: str) -> None:
        if self._read_only():
            return  # a read-only folder is indexed as it is; nothing was marked
        (self.root / ".index" / "pending" / session_id).unlink(missing_ok=True)

    def changed(self, ids: Collection[str]) -> tuple[int, int, int] | None:
        """Note for every other index that these sessions changed (change_log.append)."""
        if not ids or self._read_only():
            return None
        return change_log.append(self._meta, ids, self.writer)

    def changes(self, seen: change_log.Seen | None) -> tuple[set[str], change_log.Seen | None]:
        """The sessions noted as changed past `seen`, and how far that read."""
        return change_log.read(self.root / ".index", seen)

    def changed_elsewhere(
        self, seen: change_log.Seen | None
    ) -> tuple[set[str], change_log.Seen | None]:
        """The sessions other homes noted as changed past `seen`, and how far that read."""
        return change_log.read(self.root / ".index", seen, not_from=self.writer)

    def unread(self, seen: change_log.Seen | None) -> bool:
        """Whether sessions were noted as changed past `seen` (one stat)."""
        return change_log.unread(self.root / ".index", seen)

    def marks(self, skip: Collection[str]) -> dict[str, Any] | None:
        """What the folder list and the pending marks look like now, as JSON: the folder's
        own time stamp (a folder added, removed or renamed changes it), the pending marks'
        folder's, and those of the folders not in `skip` (the indexed ones: a file written into
        an unindexed folder changes its stamp). None when any of them changed a moment ago."""
        now = time.time_ns()
        try:
            root = os.stat(self.root)  # noqa: PTH116 (one stat, no Path per entry below)
            idle: dict[str, int] = {}
            with os.scandir(self.root) as found:
                for e in found:
                    if e.name[0] != "." and e.name not in skip and e.is_dir(follow_symlinks=False):
                        idle[e.name] = e.stat(follow_symlinks=False).st_mtime_ns
            folder = self.root / ".index" / "pending"
            stamp = _stamp(folder)
        except OSError:
            return None
        stamps = [root.st_mtime_ns, *idle.values()]
        pending: int | dict[str, Any] | None = stamp
        if _empty(folder):
            # No mark now: noted as `carried` notes it, the folder's stamp and no mark in it,
            # which holds whenever it was last touched (a mark made in the same tick of the
            # clock is an entry, and `unchanged` looks for one). Each write marks its session
            # and clears the mark, so waiting for the folder to be still made every command
            # right after a write (a second `score last`) list every folder again.
            pending = {"stamp": stamp, "empty": True}
        else:
            stamps.append(stamp or 0)
        if any(now - t < STILL_NS for t in stamps):
            return None
        return {"root": [root.st_ino, root.st_mtime_ns], "pending": pending, "idle": idle}

    def unchanged(self, marks: dict[str, Any], *, pending: bool = True) -> bool:
        """Whether the folder list and pending marks are still as `marks` (from `marks` or
        `carried`) describe them; False for anything unexpected (a hand-edited or older
        description). `pending=False`: the pending marks aside (the caller lists them)."""
        try:
            root = os.stat(self.root)  # noqa: PTH116
            if [root.st_ino, root.st_mtime_ns] != marks["root"]:
                return False
            if pending and not self._pending_as(marks["pending"]):
                return False
            base = str(self.root)
            return all(
                os.stat(f"{base}/{name}", follow_symlinks=False).st_mtime_ns == t  # noqa: PTH116
                for name, t in marks["idle"].items()
            )
        except (OSError, KeyError, TypeError, AttributeError, ValueError):
            return False

    def _pending_as(self, noted: Any) -> bool:
        """The pending marks as noted: their folder's stamp (`marks`), or (`carried`) that
        stamp and no mark in it, looked at now (a stamp taken a moment ago may miss a mark
        made in the same tick of the file system's clock; an empty folder cannot)."""
        folder = self.root / ".index" / "pending"
        if isinstance(noted, dict):
            same = noted.get("empty") is True and _stamp(folder) == noted.get("stamp")
            return same and _empty(folder)
        return bool(_stamp(folder) == noted)

    def carried(self, marks: dict[str, Any]) -> dict[str, Any] | None:
        """`marks` (when the folder list is still as they say) with the pending marks as
        they are now, when there is none: what a writer keeps after its own write, which
        marked and cleared its session (None: a mark is left, or the list changed)."""
        if not self.unchanged(marks, pending=False):
            return None
        folder = self.root / ".index" / "pending"
        try:
            stamp = _stamp(folder)
        except OSError:
            return None
        if not _empty(folder):
            return None
        return {**marks, "pending": {"stamp": stamp, "empty": True}}

    def present(self, ids: Collection[str]) -> set[str]:
        """Those of `ids` that `folders()` would list (a few: no listing of the folder)."""
        found = set()
        for id_ in ids:
            path = f"{self.root}/{id_}"
            if id_.startswith(".") or "/" in id_ or not _plain_dir(path):
                continue
            if _is_file(path, SESSION_FILE) or _is_file(path, REVIEW_FILE):
                found.add(id_)
        return found

    def gone(self, ids: Collection[str]) -> set[str]:
        """Those of `ids` that have no folder (nor anything else) under that name."""
        base = str(self.root)
        return {i for i in ids if "/" in i or not os.path.lexists(f"{base}/{i}")}

    def stamp(self, session_id: str) -> list[int] | None:
        """Size and time stamp of a folder's session file (None: none): an edit in place
        changes them, not the folder's."""
        try:
            st = (self.root / session_id / SESSION_FILE).stat()
        except OSError:
            return None
        return [st.st_size, st.st_mtime_ns]

    # --- reading -------------------------------------------------------------------------

    def folders(self, prefix: str = "") -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            entry.name
            for entry in os.scandir(self.root)
            if entry.name.startswith(prefix)
            and not entry.name.startswith(".")
            and entry.is_dir(follow_symlinks=False)  # a link may lead out of the folder
            # str paths: this runs for every folder on every catch-up (8,000 Path objects
            # cost more than the stat calls)
            and (_is_file(entry.path, SESSION_FILE) or _is_file(entry.path, REVIEW_FILE))
        )

    def has_session(self, session_id: str) -> bool:
        return (self.root / session_id / SESSION_FILE).is_file()

    def reps(self) -> set[str]:
        from roleplay.domain.session import SessionRecord

        found = set()
        for id_ in self.folders():
            path = self.root / id_ / SESSION_FILE
            if path.is_file():
                try:
                    found.add(SessionRecord.model_validate_json(path.read_bytes()).rep)
                except (ValueError, OSError):  # a ValidationError is a ValueError
                    continue  # reported by the rebuild, which reads every folder
        return found

    def read(self, session_id: str) -> SessionFiles:
        from roleplay.domain.history import Retention, SessionFiles
        from roleplay.domain.scorecard import Scorecard
        from roleplay.domain.session import SessionRecord, Transcript

        folder = self.root / session_id
        if not folder.is_dir():
            raise SessionNotFound(f"no folder {folder}")
        names = set(os.listdir(folder))  # noqa: PTH208 (names only: no Path per entry)
        transcript: Transcript | None = None
        scorecard = None
        if SESSION_FILE in names:
            # Not FileSessionStore.load: it resolves ids against every folder, which a rebuild
            # of thousands of folders cannot afford.
            record = self._parse(
                folder / SESSION_FILE,
                lambda: SessionRecord.model_validate_json((folder / SESSION_FILE).read_bytes()),
            )
            read = read_turns(folder / TRANSCRIPT_FILE)
            if read.problems:
                raise transcript_problem(folder / TRANSCRIPT_FILE, read)
            transcript = Transcript(record=record, turns=tuple(read.turns))
            if SCORECARD_FILE in names:
                path = folder / SCORECARD_FILE
                scorecard = self._parse(
                    path, lambda: Scorecard.model_validate_json(path.read_bytes())
                )
        review = self._review(folder) if REVIEW_FILE in names else None
        retention = Retention()
        if RETENTION_FILE in names:
            path = folder / RETENTION_FILE
            retention = self._parse(
                path, lambda: Retention.model_validate_json(path.read_text("utf-8"))
            )
        audio = turn_audio(
            transcript.turns if transcript else (),
            # A plain name not in the folder's listing is not there: no stat, no Path (a
            # catch-up over thousands of folders asked 8 names per session, nearly all absent).
            lambda name: (
                (name in names or "/" in name or "\\" in name)
                and _inside(name)
                and (folder / name).is_file()
            ),
        )
        return SessionFiles(
            session_id=session_id,
            origin=self.origin,
            transcript=transcript,
            scorecard=scorecard,
            review=review,
            retention=retention,
            audio=audio,
        )

    def review(self, session_id: str) -> Review:
        from roleplay.domain.review import Review

        folder = self.root / session_id
        if (folder / REVIEW_FILE).is_file():
            return self._review(folder)
        return Review(session=session_id)

    def _review(self, folder: Path) -> Review:
        from roleplay.domain.review import Review

        path = folder / REVIEW_FILE
        return self._parse(path, lambda: Review.model_validate_json(path.read_text("utf-8")))

    @staticmethod
    def _parse(path: Path, read: Callable[[], T]) -> T:
        try:
            return read()
        except (ValueError, OSError) as exc:  # a ValidationError is a ValueError
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BrokenRecording(
                f"{path}: cannot be read ({first}); fix or move the file away, then run "
                "`roleplay reindex`"
            ) from None

    def audio_file(self, session_id: str, name: str) -> Path | None:
        if not _inside(name):  # a name from a shared database must not leave the folder
            return None
        path = self.root / session_id / name
        return path if path.is_file() else None

    # --- writing -------------------------------------------------------------------------

    def save_review(self, review: Review) -> None:
        folder = safe_folder(self.root, review.session)  # an id from a shared index, too
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(folder / REVIEW_FILE, review.model_dump_json(indent=2))

    def save_retention(self, session_id: str, retention: Retention) -> None:
        folder = safe_folder(self.root, session_id)
        write_atomic(folder / RETENTION_FILE, retention.model_dump_json(indent=2))

    def purgeable(self, session_id: str, *, transcript: bool) -> list[tuple[Path, int]]:
        folder = safe_folder(self.root, session_id)
        if not folder.is_dir():
            return []
        # Links are never followed (rglob does not enter linked folders; linked files are
        # skipped), so nothing outside the session folder is ever listed for deletion.
        found = sorted(
            p
            for p in folder.rglob("*")
            if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file() and not p.is_symlink()
        )
        path = folder / TRANSCRIPT_FILE
        if transcript and path.is_file() and not path.is_symlink():
            found.append(path)
        return [(p, p.lstat().st_size) for p in found]

    def delete(self, paths: Sequence[Path]) -> None:
        root = self.root.resolve()
        for path in paths:
            # Checked again at deletion time: the folder may have been swapped for a link.
            if path.is_symlink() or root not in path.resolve().parents:
                raise BrokenRecording(
                    f"{path} leads outside the recordings folder {self.root}; not deleted"
                )
            path.unlink(missing_ok=True)


def _read_origin(path: Path) -> str:
    """The folder's id from `.index/origin` ('' when there is none yet). Damaged bytes are
    replaced rather than fatal: the id only has to stay the same from run to run."""
    try:
        return path.read_bytes().decode("utf-8", "replace").strip()
    except FileNotFoundError:
        return ""


def _inside(relative: str) -> bool:
    """A path relative to a session folder that stays inside it."""
    path = Path(relative)
    return bool(relative) and not path.is_absolute() and ".." not in path.parts


def _stamp(path: Path) -> int | None:
    """A folder's modification time (ns), None when there is none."""
    try:
        return path.stat(follow_symlinks=False).st_mtime_ns
    except FileNotFoundError:
        return None


def _empty(folder: Path) -> bool:
    """No entry in `folder` (or no such folder); False when it cannot be looked at."""
    try:
        with os.scandir(folder) as found:
            return next(found, None) is None
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _plain_dir(path: str) -> bool:
    """A folder, not a link to one (as scandir's is_dir(follow_symlinks=False))."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_file(folder: str, name: str) -> bool:
    return os.path.isfile(f"{folder}/{name}")  # noqa: PTH113
