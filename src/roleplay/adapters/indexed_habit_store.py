"""The scheduler's state store that also puts the rep's cards in the index (after the file),
and that does not hand out a schedule another home's writes made stale.

A rep's schedule is kept per home (ROLEPLAY_HOME's data folder) and trusts the sessions it
applied by their ids: this home's own writes (a commitment, a re-score) reach it through the
services, but another home's on the same workspace did not, so its commitment or re-score of
a session already applied was never seen here. `OtherHomes` reads the workspace's change log
(change_log.py) for lines of other homes naming this rep's sessions since the schedule was
last checked: then the saved schedule and its quick copy are not used, and the schedule is
rebuilt from the recordings (the truth) once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roleplay.adapters.change_log import Seen, SeenChanges

if TYPE_CHECKING:
    from roleplay.adapters.recording_files import FileRecordings
    from roleplay.domain.habit import HabitState
    from roleplay.domain.schedule import SkillCard
    from roleplay.services.ports import HabitStore


class OtherHomes:
    """Whether another home changed one of a rep's sessions since the rep's schedule here
    was last checked."""

    def __init__(self, recordings: FileRecordings, notes: Path) -> None:
        self._recordings = recordings
        self._notes = notes  # how far each schedule read the log (SeenChanges' file)
        self._read: dict[str, Seen | None] = {}  # key -> how far the last check read

    def _seen(self, key: str) -> SeenChanges:
        return SeenChanges(self._notes, "habit-" + hashlib.sha256(key.encode()).hexdigest()[:16])

    def stale(self, key: str, rep: str) -> bool:
        """True when another home's change to one of `rep`'s sessions is not in the schedule
        kept under `key`; else the check is noted as read to the log's end."""
        origin = self._recordings.origin
        seen = self._seen(key)
        before = seen.get(origin)
        ids, read_to = self._recordings.changed_elsewhere(before)
        self._read[key] = read_to
        if any(self._rep_of(i) in (rep, None) for i in ids):
            return True
        if read_to is not None and read_to != before:
            seen.put(origin, read_to)  # this home's lines, or others' reps': read past them
        return False

    def checked(self, key: str) -> None:
        """The schedule under `key` was just saved from the recordings as the last check
        (or, without one, a look now) found them."""
        read_to = self._read.pop(key, None)
        if read_to is None:
            _, read_to = self._recordings.changed_elsewhere(None)
        if read_to is not None:
            self._seen(key).put(self._recordings.origin, read_to)

    def _rep_of(self, session_id: str) -> str | None:
        """Whose session it is (None: it cannot be told, so it may be this rep's)."""
        path = self._recordings.root / session_id / "session.json"
        try:
            rep = json.loads(path.read_bytes()).get("rep")
        except (OSError, ValueError, AttributeError):
            return None
        return rep if isinstance(rep, str) else None


class IndexedHabitStore:
    def __init__(
        self,
        inner: HabitStore,
        saved: Callable[[str, Sequence[SkillCard]], object],
        others: OtherHomes | None = None,
    ) -> None:
        self._inner = inner
        self._saved = saved  # indexes a rep's cards (never raises for an unreachable index)
        self._others = others  # another home's changes (None: not looked for)

    def _stale(self, key: str) -> bool:
        if self._others is None:
            return False
        rep = key.split("\n", 1)[0]  # the key is "rep\nworkspace" (composition.build_habit)
        return self._others.stale(key, rep)

    def load(self, key: str) -> HabitState | None:
        return None if self._stale(key) else self._inner.load(key)

    def load_to_read(self, key: str) -> HabitState | None:
        return None if self._stale(key) else self._inner.load_to_read(key)

    def note(self, key: str) -> dict[str, Any] | None:
        return self._inner.note(key)

    def keep_note(self, key: str, note: dict[str, Any]) -> None:
        self._inner.keep_note(key, note)

    def save(self, key: str, state: HabitState) -> None:
        self._inner.save(key, state)
        if self._others is not None:
            self._others.checked(key)
        self._saved(state.rep, list(state.cards.values()))
