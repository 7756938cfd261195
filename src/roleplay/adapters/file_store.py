"""Sessions as files under recordings/: the source of truth.

session.json is replaced atomically; transcript.jsonl gets one line per finished turn, flushed
and fsynced before the call returns. Killing the process at any moment therefore loses at most
the turn in flight: a half-written last line (no newline after it) is skipped on reading, and
logged. Any other line that cannot be read makes the transcript damaged: reading it raises
BrokenRecording naming the file and line, and never drops the line silently.

transcript.jsonl is split on "\\n" only: a turn may contain U+2028, U+0085 and the like, which
`str.splitlines` would split on.

Nothing here reads or writes through a link that leaves the recordings folder: a session
folder must be a real folder directly inside it, and files are appended without following
links.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from roleplay.atomic import write_atomic
from roleplay.errors import RoleplayError
from roleplay.services import session_ref
from roleplay.services.ports import BrokenRecording, Damaged

# The models (and pydantic) load where a file is parsed or written: a command that lists
# from the index or reads the catalog builds this store without them (issue 18).
if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import SessionRecord, Transcript, Turn
    from roleplay.domain.shown_session import ShownCard, ShownTranscript
    from roleplay.services.ports.sessions import Listed

    M = TypeVar("M", bound=BaseModel)

log = logging.getLogger(__name__)

SESSION_FILE = "session.json"
TRANSCRIPT_FILE = "transcript.jsonl"
SCORECARD_FILE = "scorecard.json"
Scores = dict[str, float | None]  # session id -> overall score (None: not scored)
FIX = "fix or move the file away, then run `roleplay reindex`"


@dataclass
class TurnsRead:
    path: Path
    turns: list[Turn] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "path:line: why", damaged lines
    torn_tail: str | None = None  # the half-written last line of a crash, if any

    def problem(self) -> str | None:
        """One line about the damaged lines (None when there are none)."""
        return str(transcript_problem(self.path, self)) if self.problems else None


def read_turns(path: Path) -> TurnsRead:
    """Every turn of transcript.jsonl, and every line that could not be read (with why)."""
    from pydantic import ValidationError

    from roleplay.domain.session import Turn

    out = TurnsRead(path)
    if not path.exists():
        return out
    data = path.read_bytes()
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            out.turns.append(Turn.model_validate_json(raw.decode("utf-8")))
        except UnicodeDecodeError as exc:
            out.problems.append(f"{path}:{number}: not UTF-8 (byte {exc.start + 1})")
        except ValidationError as exc:
            last = number == len(lines)  # no "\n" after it: the write was cut short
            why = f"{path}:{number}: not a turn ({_first_error(exc)})"
            if last:
                out.torn_tail = why
            else:
                out.problems.append(why)
    if out.torn_tail:
        log.warning("%s; cut short by a crash, the turns before it are intact", out.torn_tail)
    return out


def transcript_problem(path: Path, read: TurnsRead) -> BrokenRecording:
    more = f" (and {len(read.problems) - 1} more line(s))" if len(read.problems) > 1 else ""
    return BrokenRecording(
        f"{read.problems[0]}{more}: the transcript is damaged; {len(read.turns)} turn(s) "
        f"are still readable. {FIX[0].upper()}{FIX[1:]}"
    )


def parse_file(path: Path, model: type[M]) -> M:
    """A JSON file as `model`, or BrokenRecording naming the file and what is wrong."""
    from pydantic import ValidationError

    try:
        return model.model_validate_json(path.read_bytes())
    except (ValidationError, ValueError, OSError) as exc:
        why = _first_error(exc) if isinstance(exc, ValidationError) else _os_or_value(exc)
        raise BrokenRecording(f"{path}: cannot be read ({why}); {FIX}") from None


# A \\uD800-\\uDFFF escape: a lone surrogate, which json takes and the models refuse.
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _plain_json(raw: bytes) -> Any:
    """JSON read as the models' reader would take it unchanged, for the plain views
    (domain/shown_session.py); ValueError for anything else (the models' read decides)."""
    if _SURROGATE.search(raw):
        raise ValueError("a surrogate escape")
    return json.loads(raw.decode("utf-8"))  # not json.loads(bytes): that guesses UTF-16/32


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid"
    e = errors[0]
    where = ".".join(str(p) for p in e["loc"])
    return f"{where + ': ' if where else ''}{e['msg']}"[:160]


def _os_or_value(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    text = str(exc).strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__


class SessionExists(RoleplayError, FileExistsError):
    """A new session's folder is there already: nothing is written over it."""


class FileSessionStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    # --- writing -------------------------------------------------------------------------

    def create(self, record: SessionRecord) -> None:
        folder = self.folder(record.id)
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir(mode=0o700)  # recordings hold a person's voice and words: owner only
        except FileExistsError:
            # The same call saved twice within a second is given the same name: say so in one
            # line (it was a traceback) and leave the session already there as it is.
            raise SessionExists(
                f"a session named {record.id} is already in {self.root}; nothing was written "
                "over it",
                "the same call saved twice in one second gets the same name: save it again",
            ) from None
        self._made(record.id)
        write_atomic(folder / SESSION_FILE, record.model_dump_json(indent=2))
        (folder / TRANSCRIPT_FILE).touch(mode=0o600)

    def _made(self, session_id: str) -> None:
        """A new session's folder was just made, its files not yet written."""

    def append_turn(self, session_id: str, turn: Turn) -> None:
        path = self.writable(session_id) / TRANSCRIPT_FILE
        line = (turn.model_dump_json() + "\n").encode("utf-8")
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                _set_aside_torn_tail(fd, path, size)
            _write_all(fd, line, path)
            os.fsync(fd)
        finally:
            os.close(fd)

    def update(self, record: SessionRecord) -> None:
        write_atomic(self.writable(record.id) / SESSION_FILE, record.model_dump_json(indent=2))

    def save_scorecard(self, session_id: str, scorecard: Scorecard) -> None:
        write_atomic(
            self.writable(session_id) / SCORECARD_FILE, scorecard.model_dump_json(indent=2)
        )

    def discard(self, session_id: str) -> None:
        import shutil

        folder = self.writable(session_id)  # never through a link out of recordings/
        if folder.is_dir():
            shutil.rmtree(folder)  # links inside are removed, never followed

    # --- reading -------------------------------------------------------------------------

    def folder(self, session_id: str) -> Path:
        if not session_ref.plain_name(session_id):
            session_ref.check_ref(session_id)  # raises: a session id is never a path
        return self.root / session_id

    def writable(self, session_id: str) -> Path:
        """The session's folder, when writing into it stays inside the recordings folder."""
        return safe_folder(self.root, session_id)

    def resolve(self, ref: str) -> str:
        """A full id, a unique prefix of one, or 'last' -> the session id."""
        if session_ref.plain_name(ref) and (self.root / ref / SESSION_FILE).is_file():
            return ref  # an exact id: no need to list the folder
        return session_ref.resolve(
            ref,
            prefixed=lambda p: [i for i in self._ids() if i.startswith(p)],
            # the list's first row, as `sessions` shows it (from the index's columns when it
            # is in step: no session model parsed, issue 18)
            newest=lambda: next((r.id for r in self.listing()[0]), None),
            every=self._ids,
            where=str(self.root),
        )

    def load(self, session_id: str) -> Transcript:
        """The session and its turns. Raises SessionNotFound, or BrokenRecording when a file
        is damaged (a torn last line from a crash is not damage: it is skipped and logged)."""
        transcript, read = self.load_readable(session_id)
        if read.problems:
            raise transcript_problem(self.folder(transcript.record.id) / TRANSCRIPT_FILE, read)
        return transcript

    def load_readable(self, session_id: str) -> tuple[Transcript, TurnsRead]:
        """What can be read of a session, with the transcript lines that could not be."""
        from roleplay.domain.session import SessionRecord, Transcript

        session_id = self.resolve(session_id)
        folder = self.folder(session_id)
        record = parse_file(folder / SESSION_FILE, SessionRecord)
        read = read_turns(folder / TRANSCRIPT_FILE)
        return Transcript(record=record, turns=tuple(read.turns)), read

    def load_shown(self, session_id: str) -> tuple[Transcript | ShownTranscript, TurnsRead]:
        """As load_readable, for printing: plain views when the files are plainly well-formed
        (no pydantic: half of `show`), else the models' read with its messages."""
        session_id = self.resolve(session_id)
        folder = self.folder(session_id)
        from roleplay.domain import shown_session as shown

        try:
            record = shown.read_record(_plain_json((folder / SESSION_FILE).read_bytes()))
            path = folder / TRANSCRIPT_FILE
            turns = []
            if path.exists():
                data = path.read_bytes()
                if data and not data.endswith(b"\n"):
                    raise shown.Unexpected  # a torn last line: the models' read says so
                for raw in data.split(b"\n"):
                    if raw.strip():
                        turns.append(shown.read_turn(_plain_json(raw)))
        except (shown.Unexpected, OSError, ValueError, RecursionError):
            return self.load_readable(session_id)
        return shown.ShownTranscript(record, tuple(turns)), TurnsRead(path)

    def shown_scorecard(self, session_id: str) -> Scorecard | ShownCard | None:
        """As scorecard, for printing: a plain view when the file is plainly well-formed."""
        path = self.folder(self.resolve(session_id)) / SCORECARD_FILE
        from roleplay.domain import shown_session as shown

        try:
            return shown.read_card(_plain_json(path.read_bytes()))
        except FileNotFoundError:
            return None
        except (shown.Unexpected, OSError, ValueError, RecursionError):
            return self.scorecard(session_id)

    def scorecard(self, session_id: str) -> Scorecard | None:
        """None when not scored yet; BrokenRecording when scorecard.json is damaged."""
        path = self.folder(self.resolve(session_id)) / SCORECARD_FILE
        if not path.exists():
            return None
        from roleplay.domain.scorecard import Scorecard

        card = parse_file(path, Scorecard)
        return card

    def overall(self, session_id: str) -> float | None:
        """The overall score for a listing: None when not scored, or when the scorecard is
        damaged (logged; `roleplay sessions` names it), so one bad file hides nothing."""
        try:
            card = self.scorecard(session_id)
        except BrokenRecording as exc:
            log.warning("%s", exc)
            return None
        return card.overall if card else None

    def scores(self, records: Sequence[Listed]) -> tuple[Scores, dict[str, str]]:
        """The overall score of each session (None: not scored), and why a scorecard could
        not be read (the session is still listed; its scorecard is the problem)."""
        scores: Scores = {}
        problems: dict[str, str] = {}
        for r in records:
            try:
                card = self.scorecard(r.id)
            except BrokenRecording as exc:
                problems[r.id] = str(exc)
                card = None
            scores[r.id] = card.overall if card else None
        return scores, problems

    def records(self) -> Sequence[SessionRecord]:
        """Every readable session, newest first (`damaged()` lists the others)."""
        records, _ = self.survey()
        return records

    def damaged(self) -> list[Damaged]:
        """Session folders whose session.json cannot be read, with why."""
        return self.survey()[1]

    def listing(self) -> tuple[list[Listed], list[Damaged]]:
        """As `survey` (a long indexed folder lists the index's columns instead)."""
        records, damaged = self.survey()
        return list(records), damaged

    def survey(self) -> tuple[list[SessionRecord], list[Damaged]]:
        from roleplay.domain.session import SessionRecord

        records: list[SessionRecord] = []
        damaged: list[Damaged] = []
        for folder in self._session_dirs():
            try:
                record = parse_file(folder / SESSION_FILE, SessionRecord)
            except BrokenRecording as exc:
                log.warning("%s", exc)
                damaged.append(Damaged(folder.name, str(exc)))
                continue
            records.append(record)
        records.sort(key=lambda r: (r.started_at, r.id), reverse=True)
        return records, sorted(damaged, key=lambda d: d.id)

    def _ids(self) -> list[str]:
        return sorted(p.name for p in self._session_dirs())

    def _session_dirs(self) -> list[Path]:
        """Real folders directly inside the recordings folder (links are not followed)."""
        if not self.root.is_dir():
            return []
        found = []
        for entry in os.scandir(self.root):
            if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                continue
            if (Path(entry.path) / SESSION_FILE).is_file():
                found.append(Path(entry.path))
        return found


def _set_aside_torn_tail(fd: int, path: Path, size: int) -> None:
    """A crash left a half-written last line. Before the next turn is appended, its bytes are
    kept in `transcript.jsonl.torn-N` (nothing is thrown away) and cut from the transcript,
    so the new turn is a line of its own and the file holds only whole turns."""
    start = max(0, size - 1_048_576)
    tail = os.pread(fd, size - start, start)
    cut = start + tail.rfind(b"\n") + 1 if b"\n" in tail else start
    torn = os.pread(fd, size - cut, cut)
    n = 1
    while (side := path.with_name(f"{path.name}.torn-{n}")).exists():
        n += 1
    write_atomic(side, torn)
    os.ftruncate(fd, cut)
    log.warning("%s: a torn last line (%d bytes) was moved to %s", path, len(torn), side.name)


def safe_folder(root: Path, session_id: str) -> Path:
    """`root/session_id` when it is a real folder inside `root`; BrokenRecording when it is a
    link (or inside a link) that leads elsewhere. Every write and delete goes through it."""
    if not session_ref.plain_name(session_id):
        session_ref.check_ref(session_id)
    folder = root / session_id
    if folder.is_symlink() or not _within(folder.resolve(), root.resolve()):
        raise BrokenRecording(
            f"{folder} is a link to {folder.resolve()}, outside the recordings folder; "
            "roleplay does not write or delete through it. Move the session into "
            f"{root} or remove the link"
        )
    return folder


def _within(path: Path, folder: Path) -> bool:
    return folder in path.parents


def _write_all(fd: int, data: bytes, path: Path) -> None:
    """All of `data`, or an OSError that names `path`. On a nearly full disk write() takes
    what fits and returns its count: that short write was taken for the whole turn, and the
    ENOSPC of the next write said 'cannot write (No space left on device)' without a file."""
    view = memoryview(data)
    try:
        while view:
            written = os.write(fd, view)
            if written == 0:  # never for a regular file; never loop forever either
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            view = view[written:]
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
