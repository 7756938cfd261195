"""`roleplay today` without pydantic: the rep's schedule from its quick copy, as plain views.

The Habit service (services/habit.py) syncs the schedule with the recordings and rebuilds it;
it and the models it keeps (domain/habit.py, schedule.py, skill_level.py, commitment.py) import
pydantic, ~550 M of the ~825 M instructions `today` took on a 20-session workspace (issue 18).
But a warm `today` only reads: the quick copy of the schedule (adapters/habit_copy.py), while
it holds exactly the rep's scored sessions. `quick_habit` does that read, the same way and on
the same conditions as Habit.state_to_read and Habit.real_calls (the note the index names, or
the list of sessions), into plain views (domain/habit_views.py), and answers what
services/daily.py `today` asks of a Habit (composition.py `Services.quick_habit` builds it from
the same parts as the Habit). Whenever it cannot (no copy, a copy cut from another
schedule or not plainly well-formed, sessions not applied yet, --rebuild), it returns None and
the caller uses the Habit, which reads, syncs and says what is wrong as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from roleplay.domain.habit_views import PlainOpen, PlainState, open_commitments

if TYPE_CHECKING:
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.shown_session import ShownCard
    from roleplay.services.ports import Clock
    from roleplay.services.ports.sessions import Listed


class QuickCopies(Protocol):
    """The schedule's quick copy and its note (adapters/habit_copy.py HabitCopies)."""

    def load_plain_to_read(self, key: str) -> PlainState | None: ...
    def note(self, key: str) -> dict[str, Any] | None: ...
    def keep_note(self, key: str, note: dict[str, Any]) -> None: ...


class QuickSettings(NamedTuple):
    """services.habit.HabitSettings: the rep's time zone and daily goal, from the settings."""

    tz: tzinfo
    tz_name: str
    goal_drills: int = 3
    goal_minutes: int = 0
    new_skills_per_day: int = 2


class QuickHabit:
    """What services/daily.py `today` reads of a Habit, from the plain quick copy."""

    def __init__(
        self,
        rep: str,
        settings: QuickSettings,
        clock: Clock,
        state: PlainState,
        calls: list[tuple[str, datetime]],
        scorecard: Callable[[str], Scorecard | ShownCard | None],
    ) -> None:
        self.rep = rep
        self.settings = settings
        self.clock = clock
        self._state = state
        self._calls = calls
        self._scorecard = scorecard

    def state_to_read(self, catalog: object = None) -> PlainState:
        return self._state

    def real_calls(self) -> list[tuple[str, datetime, Scorecard | ShownCard]]:
        """As Habit.real_calls: the rep's scored real calls, oldest first."""
        found = []
        for id_, at in self._calls:
            card = self._scorecard(id_)
            if card is not None:
                found.append((id_, at, card))
        return found

    def open_commitments(
        self, skills: Iterable[str] | None = None, state: PlainState | None = None
    ) -> list[PlainOpen]:
        wanted = set(skills) if skills is not None else None
        found = open_commitments((state or self._state).sessions)
        return [o for o in found if wanted is None or o.commitment.skill in wanted]


def quick_habit(
    rep: str,
    key: str,
    copies: QuickCopies,
    settings: QuickSettings,
    clock: Clock,
    steady: Callable[[], str | None],
    records: Callable[[], tuple[object, Sequence[Listed]]],
    scorecard: Callable[[str], Scorecard | ShownCard | None],
) -> QuickHabit | None:
    """The rep's schedule read from its quick copy as plain views, while the recordings hold
    exactly the sessions it applied (as Habit.state_to_read decides); else None. The
    arguments are the Habit's (composition.py builds both)."""
    name = steady()  # one look at the index for the note and the list
    note = _noted(copies, key, name)
    if note is not None:  # checked against this very list before
        copy = copies.load_plain_to_read(key)
        if copy is not None and copy.rep == rep:
            calls = [(str(i), datetime.fromisoformat(at)) for i, at in note["real_calls"]]
            return QuickHabit(rep, settings, clock, copy, calls, scorecard)
    _version, listed = records()
    copy = copies.load_plain_to_read(key)
    if copy is None or copy.rep != rep:
        return None
    if {e.id for e in copy.sessions} != {r.id for r in _scheduled(listed, rep)}:
        return None  # sessions to apply, or gone: the Habit syncs
    real = _real(listed, rep)
    if name is not None:
        calls_json = [[r.id, r.started_at.isoformat()] for r in real]
        copies.keep_note(key, {"list": name, "real_calls": calls_json})
    calls = [(r.id, r.started_at) for r in real]
    return QuickHabit(rep, settings, clock, copy, calls, scorecard)


def _noted(copies: QuickCopies, key: str, name: str | None) -> dict[str, Any] | None:
    """As Habit._noted: the note about the quick copy, while the list it was checked against
    is the list now (named `name`); else None."""
    if name is None:
        return None
    note = copies.note(key)
    if note is None or note.get("list") != name or not isinstance(note.get("real_calls"), list):
        return None
    return note


def _scheduled(listed: Iterable[Listed], rep: str) -> list[Listed]:
    """As Habit._scheduled: the rep's scored sessions, real calls left out."""
    return [r for r in listed if r.rep == rep and r.ended_at is not None and r.mode != "transcript"]


def _real(listed: Iterable[Listed], rep: str) -> list[Listed]:
    """As Habit._real: the rep's real calls, oldest first."""
    mine = [r for r in listed if r.rep == rep and r.mode == "transcript"]
    return sorted(mine, key=lambda r: (r.started_at, r.id))
