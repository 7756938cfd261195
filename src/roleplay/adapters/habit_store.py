"""The rep's scheduler state as a JSON file in the user data folder (or in memory, for tests).

One file per rep and workspace: `<data dir>/habit/<rep>-<hash>.json`. It is a cache of the
recordings, so a file that cannot be read is reported and rebuilt, never trusted half-way.

Beside it, `<rep>-<hash>.json.today`: the same state without what only progress's day-by-day
and whole series need (each session's evidence, the checkpoints, and the KPIs of all but the
sessions the latest points of each KPI series come from), a third of the size, so `roleplay
today` and `roleplay progress` at 8,000 sessions do not parse 8.5 MB. It names the schedule it
was cut from (a random mark written at the head of the schedule, and the schedule's size), so
it is used only while that very schedule is the saved one: a schedule saved since (by an older
version, another process, or by hand) makes it unused, never shown. A schedule loaded whole
without a copy of its own (cut by an earlier version, or lost) gets one then.

And `<rep>-<hash>.json.note`: what `today` noted about that copy (the name of the list of
sessions it was checked against, and the real calls in it), so that while the index names the
same list (services/index/in_step.py `steady`) the next `today` reads neither the list nor
checks again. It names the copy by its head, so a save makes it unused.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from roleplay.adapters.habit_copy import _MARK, COPY_FORMAT, HabitCopies, _copy_head
from roleplay.atomic import write_atomic
from roleplay.bulk import collector_paused
from roleplay.domain.habit import STATE_FORMAT, HabitState

log = logging.getLogger(__name__)

# What only progress's day-by-day and whole series need: left out of the copy to read.
FOR_PROGRESS_ONLY: dict[str, object] = {
    "checkpoints": True,
    "sessions": {"__all__": {"evidence"}},
}


class _ToRead(BaseModel):
    # Built when a copy is first read (`today`, `progress`), not by every command that
    # imports this module (~4 ms: it takes in the whole schedule's models).
    model_config = ConfigDict(defer_build=True)

    copy_format: int  # COPY_FORMAT of the version that cut it
    written: str  # the mark at the head of the schedule this copy was cut from
    size: int  # that schedule's size in bytes
    state: HabitState


class HabitFileStore(HabitCopies):
    """The schedule's files; the quick copy's plain read and its note are HabitCopies'."""

    def load(self, key: str) -> HabitState | None:
        path = self.path(key)
        try:
            text = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("%s: cannot read (%s); rebuilding it from the recordings", path, exc)
            return None
        try:
            with collector_paused():
                state = HabitState.model_validate_json(text)
        except ValidationError as exc:
            log.warning(
                "%s: unreadable (%d problem(s)); rebuilding it from the recordings",
                path,
                exc.error_count(),
            )
            return None
        except ValueError as exc:  # not UTF-8
            log.warning("%s: unreadable (%s); rebuilding it from the recordings", path, exc)
            return None
        if state.format != STATE_FORMAT:
            log.info("%s: format %s, rebuilding as format %s", path, state.format, STATE_FORMAT)
            return None
        mark = _MARK.match(text[:64])
        if mark is not None and not self._copy_of(key, mark.group(1).decode(), len(text)):
            # No copy of this schedule to read (cut by an earlier version, or lost): cut it
            # now, or every `today` reads the whole schedule until the next session is saved.
            try:
                self._write_copy(key, mark.group(1).decode(), len(text), state)
            except OSError as exc:  # a read-only data folder: the whole schedule is read
                log.info("%s: no copy to read written (%s)", path, exc.strerror or exc)
        return state

    def _copy_of(self, key: str, written: str, size: int) -> bool:
        """Whether the copy to read (by its head) was cut from the schedule `written`."""
        try:
            with self.to_read_path(key).open("rb") as f:
                head = f.read(128)
        except OSError:
            return False
        return head.startswith(_copy_head(written, size).encode())

    def _write_copy(self, key: str, written: str, size: int, state: HabitState) -> None:
        light = state.model_dump_json(exclude=_to_read(state))  # type: ignore[arg-type]
        write_atomic(self.to_read_path(key), f"{_copy_head(written, size)}{light}}}")

    def load_to_read(self, key: str) -> HabitState | None:
        """The copy without what only progress plots, while it was cut from the schedule
        saved now; else None (the caller loads the whole schedule)."""
        found = self._copy(key)
        if found is None:
            return None
        written, size, text = found
        try:
            with collector_paused():
                copy = _ToRead.model_validate_json(text)
        except ValueError:  # damaged (ValidationError is one): the schedule itself is read
            return None
        if copy.copy_format != COPY_FORMAT:
            return None  # cut by another version: may lack what is read from it now
        if copy.written != written or copy.size != size:
            return None  # cut from another schedule than the one saved now
        return copy.state if copy.state.format == STATE_FORMAT else None

    def save(self, key: str, state: HabitState) -> None:
        """Atomic. A cache: when the data folder cannot be written (read-only, full) the
        failure is logged and the state is rebuilt from the recordings next time."""
        path = self.path(key)
        written = secrets.token_hex(16)
        whole = state.model_dump_json(indent=1).encode("utf-8")
        whole = b'{"written": "' + written.encode() + b'",' + whole[1:]  # `load` ignores it
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomic(path, whole)  # old state or new, never half
            # After the schedule: a crash between the two leaves a copy of the old one,
            # which names the old schedule's mark and so is not used.
            self._write_copy(key, written, len(whole), state)
        except OSError as exc:
            log.warning(
                "%s: cannot save the schedule (%s); it is rebuilt from the recordings next time",
                path,
                exc.strerror or exc,
            )


def _to_read(state: HabitState) -> dict[str, object]:
    """What the copy to read leaves out: FOR_PROGRESS_ONLY, and the KPIs of every session
    but those the latest points of each KPI series come from (what `progress` draws)."""
    from roleplay.domain.progress import recent_kpi_sessions  # only when a copy is cut

    recent = recent_kpi_sessions(state)
    sessions = {n: {"kpis"} for n, e in enumerate(state.sessions) if e.id not in recent}
    return {**FOR_PROGRESS_ONLY, "sessions": {**FOR_PROGRESS_ONLY["sessions"], **sessions}}  # type: ignore[dict-item]


class MemoryHabitStore:
    """HabitStore in memory (the offline implementation): for tests and simulations. Kept as
    the JSON the file holds, so what it returns went through the same serialisation."""

    def __init__(self) -> None:
        self.states: dict[str, str] = {}

    def load(self, key: str) -> HabitState | None:
        text = self.states.get(key)
        state = HabitState.model_validate_json(text) if text is not None else None
        return state if state is not None and state.format == STATE_FORMAT else None

    def save(self, key: str, state: HabitState) -> None:
        self.states[key] = state.model_dump_json()

    def load_to_read(self, key: str) -> HabitState | None:
        return None  # no quicker copy than the whole state: the caller uses `load`

    def note(self, key: str) -> dict[str, Any] | None:
        return None  # no copy to keep a note about

    def keep_note(self, key: str, note: dict[str, Any]) -> None:
        return None
