"""The rep's scheduler state as a JSON file in the user data folder (or in memory, for tests).

One file per rep and workspace: `<data dir>/habit/<rep>-<hash>.json`. It is a cache of the
recordings, so a file that cannot be read is reported and rebuilt, never trusted half-way.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from pydantic import ValidationError

from roleplay.atomic import write_atomic
from roleplay.bulk import collector_paused
from roleplay.domain.habit import STATE_FORMAT, HabitState

log = logging.getLogger(__name__)


class HabitFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        name = re.sub(r"[^a-z0-9]+", "-", key.split("\n")[0].lower()).strip("-")[:40] or "rep"
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
        return self.root / f"{name}-{digest}.json"

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
        return state

    def save(self, key: str, state: HabitState) -> None:
        """Atomic. A cache: when the data folder cannot be written (read-only, full) the
        failure is logged and the state is rebuilt from the recordings next time."""
        path = self.path(key)
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomic(path, state.model_dump_json(indent=1))  # old state or new, never half
        except OSError as exc:
            log.warning(
                "%s: cannot save the schedule (%s); it is rebuilt from the recordings next time",
                path,
                exc.strerror or exc,
            )


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
