"""The rep's schedule as `roleplay today` reads it, without pydantic (issue 18).

`today` is a read a rep waits for: importing pydantic and building the schedule's models
(HabitState, PracticeEntry, SkillCard, Levels, Commitment; domain/habit.py, schedule.py,
skill_level.py, commitment.py) was about two thirds of its run (~550 M of ~825 M instructions).
These are plain frozen twins of the fields it reads from the schedule's quick copy
(adapters/habit_copy.py); the models stay what validates, writes and rebuilds the schedule.

As domain/shown_session.py: only a plainly well-formed copy is read this way. Every field is
checked for the exact JSON type the model takes as is; anything else (a missing key, a level
out of range, a date in another form, what the quick copy never holds) raises `Unexpected`, and
the caller reads the schedule through the models, as before.

The level estimate is the models' own code (domain/level_estimate.py, which skill_level.Levels
calls too), and FSRS's retrievability is worked out here for schedule.retrievability too (fsrs
is not loaded for it). tests/test_readpath10_views.py checks the views give the models' figures,
float for float (retrievability: fsrs's own), and that every field here is a field of its
model, so nothing can drift unnoticed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

from roleplay.domain import level_estimate
from roleplay.domain.level_estimate import Estimate
from roleplay.domain.plain_commitment import (
    PlainCheck,
    PlainCommitment,
    read_check,
    read_commitment,
)
from roleplay.domain.plain_json import (
    REQUIRED,
    Unexpected,
    _bool,
    _float,
    _int,
    _level,
    _mapping,
    _object,
    _one_of,
    _optional,
    _optional_float,
    _str,
    _tuple,
    _when,
)
from roleplay.domain.practice_days import local_day

if TYPE_CHECKING:  # only named in annotations: nothing to define at import (`today` waits)
    from typing import Protocol, TypeVar

    class _Reviewed(Protocol):
        """What retrievability reads of a card (schedule.SkillCard or PlainCard)."""

        @property
        def stability(self) -> float: ...
        @property
        def last_review(self) -> datetime: ...

    class _Made(Protocol):
        """A commitment (commitment.Commitment or PlainCommitment)."""

        @property
        def skill(self) -> str: ...
        @property
        def made_at(self) -> datetime: ...

    class _Check(Protocol):
        """A commitment's check (scorecard.CommitmentCheck or PlainCheck)."""

        @property
        def skill(self) -> str: ...
        @property
        def made_in(self) -> str: ...
        @property
        def kept(self) -> bool | None: ...

    MadeT = TypeVar("MadeT", bound=_Made)
    C_co = TypeVar("C_co", bound=_Made, covariant=True)

    class _Entry(Protocol[C_co]):
        """A session of the schedule (habit.PracticeEntry or PlainEntry)."""

        @property
        def id(self) -> str: ...
        @property
        def checks(self) -> Sequence[_Check]: ...
        @property
        def commitment(self) -> C_co | None: ...

    class _Open(Protocol):
        """An open commitment (services.habit.OpenCommitment or PlainOpen)."""

        @property
        def commitment(self) -> _Made: ...
        @property
        def made_in(self) -> str: ...

    OpenT = TypeVar("OpenT", bound=_Open)

STATE_FORMAT = 3  # domain/habit.py: 2: reviews carry the judge's evidence; 3: level estimates


class PlainCard(NamedTuple):
    """schedule.SkillCard's fields."""

    skill: str
    stability: float
    difficulty: float
    due: datetime
    last_review: datetime
    last_level: int
    reviews: int
    lapses: int
    state: str = "review"
    step: int | None = None
    last_showing: float | None = None

    @property
    def shown(self) -> float:
        return self.last_showing if self.last_showing is not None else float(self.last_level)

    def due_day(self, tz: tzinfo) -> date:
        return self.due.astimezone(tz).date()


class PlainTrack(NamedTuple):
    """skill_level.Track's fields."""

    base: float
    extra: float
    var_base: float
    cov: float
    var_extra: float
    at: datetime
    practices: int


class PlainFit(NamedTuple):
    """skill_level.Fit's fields, and its `held`."""

    lift: float
    first_span: float
    growth: float
    misfit: float = 0.0
    tracks: dict[str, PlainTrack] = {}  # noqa: RUF012  (read-only)
    prior: float = 0.0  # the team's part of `misfit` (sched12); the estimates read misfit only

    def held(self, track: PlainTrack, now: datetime) -> float:
        return level_estimate.held(self.first_span, self.growth, track, now)


class PlainLevels(NamedTuple):
    """skill_level.Levels's fields, and the estimates the queue orders by."""

    fits: tuple[PlainFit, ...]

    def estimates(self, skills: Iterable[str], now: datetime) -> dict[str, Estimate]:
        """As Levels.estimates (domain/level_estimate.py: the same code)."""
        return level_estimate.estimates(self.fits, skills, now)


class PlainEntry(NamedTuple):
    """habit.PracticeEntry's fields (`evidence` stays empty: the quick copy leaves it out)."""

    id: str
    scenario: str
    started_at: datetime
    ended_at: datetime
    minutes: float
    practised: bool
    scenario_title: str | None = None
    drill: str | None = None
    language: str = "en"
    variation: dict[str, str] = {}  # noqa: RUF012  (read-only)
    levels: dict[str, int] = {}  # noqa: RUF012  (read-only)
    retrievability: dict[str, float] = {}  # noqa: RUF012  (read-only)
    evidence: dict[str, object] = {}  # noqa: RUF012  (read-only)
    overall: float | None = None
    kpis: dict[str, float | None] = {}  # noqa: RUF012  (read-only)
    commitment: PlainCommitment | None = None
    checks: tuple[PlainCheck, ...] = ()


class PlainState(NamedTuple):
    """habit.HabitState's fields as the quick copy holds them (no checkpoints)."""

    rep: str
    levels: PlainLevels
    format: int = STATE_FORMAT
    cards: dict[str, PlainCard] = {}  # noqa: RUF012  (read-only)
    sessions: tuple[PlainEntry, ...] = ()
    checkpoints: dict[str, dict[int, PlainCard]] = {}  # noqa: RUF012  (read-only)

    def practice_days(self, tz: tzinfo) -> list[date]:
        """As HabitState.practice_days."""
        return [local_day(e.started_at, tz) for e in self.sessions if e.practised]


class PlainOpen(NamedTuple):
    """services.habit.OpenCommitment: a commitment no later session has checked yet."""

    commitment: PlainCommitment
    made_in: str  # session id


# --- the read --------------------------------------------------------------------------------


def _showing(v: Any) -> float:
    x = _float(v)
    if not 1 <= x <= 5:
        raise Unexpected
    return x


def _absent(v: Any) -> Any:
    raise Unexpected  # what the quick copy never holds: the models read it


_CARD = _object(
    PlainCard,
    {
        "skill": (_str, REQUIRED),
        "state": (_one_of("review", "relearning"), "review"),
        "step": (_optional(_int), None),
        "stability": (_float, REQUIRED),
        "difficulty": (_float, REQUIRED),
        "due": (_when, REQUIRED),
        "last_review": (_when, REQUIRED),
        "last_level": (_level(1, 5), REQUIRED),
        "reviews": (_level(1), REQUIRED),
        "lapses": (_level(0), REQUIRED),
        "last_showing": (_optional(_showing), None),
    },
)
_TRACK = _object(
    PlainTrack,
    {
        "base": (_float, REQUIRED),
        "extra": (_float, REQUIRED),
        "var_base": (_float, REQUIRED),
        "cov": (_float, REQUIRED),
        "var_extra": (_float, REQUIRED),
        "at": (_when, REQUIRED),
        "practices": (_int, REQUIRED),
    },
)
_FIT = _object(
    PlainFit,
    {
        "lift": (_float, REQUIRED),
        "first_span": (_float, REQUIRED),
        "growth": (_float, REQUIRED),
        "misfit": (_float, 0.0),
        "tracks": (_mapping(_TRACK), None),
        "prior": (_float, 0.0),
    },
)
_ENTRY = _object(
    PlainEntry,
    {
        "id": (_str, REQUIRED),
        "scenario": (_str, REQUIRED),
        "scenario_title": (_optional(_str), None),
        "drill": (_optional(_str), None),
        "language": (_str, "en"),
        "variation": (_mapping(_str), None),
        "started_at": (_when, REQUIRED),
        "ended_at": (_when, REQUIRED),
        "minutes": (_float, REQUIRED),
        "practised": (_bool, REQUIRED),
        "levels": (_mapping(_int), None),
        "retrievability": (_mapping(_float), None),
        "evidence": (_absent, None),
        "overall": (_optional(_float), None),
        "kpis": (_mapping(_optional_float), None),
        "commitment": (_optional(read_commitment), None),
        "checks": (_tuple(read_check), ()),
    },
)
read_state = _object(
    PlainState,
    {
        "format": (_int, STATE_FORMAT),
        "rep": (_str, REQUIRED),
        "cards": (_mapping(_CARD), None),
        "levels": (_object(PlainLevels, {"fits": (_tuple(_FIT), REQUIRED)}), REQUIRED),
        "sessions": (_tuple(_ENTRY), ()),
        "checkpoints": (_absent, None),
    },
)


def read_copy(text: bytes) -> tuple[int, str, int, PlainState]:
    """(copy format, the schedule's mark, its size, the state) of a quick copy's bytes;
    `Unexpected` for anything the models should read."""
    try:
        found = json.loads(text)
    except ValueError:  # damaged, or not UTF-8: the models' read says so
        raise Unexpected from None
    if type(found) is not dict:
        raise Unexpected
    head = (
        _int(found.get("copy_format")),
        _str(found.get("written")),
        _int(found.get("size")),
    )
    return (*head, read_state(found.get("state")))


# --- what the models' modules compute, for the plain cards -----------------------------------


def retrievability(card: _Reviewed | None, now: datetime) -> float:
    """FSRS's chance the rep does the skill at level 3 or better now (0 for a skill never
    practised), as fsrs's Scheduler.get_card_retrievability works it out: only the card's
    stability and the whole days since its last review count (schedule.retrievability)."""
    if card is None:
        return 0.0
    days = max(0, (_utc(now) - _utc(card.last_review)).days)
    return float((1 + _FACTOR * days / card.stability) ** _DECAY)


# fsrs's default parameters (the schedule's Scheduler keeps them): retrievability reads only
# their decay, parameters[20]; fsrs itself (~26 M instructions to import) is not loaded.
_DECAY = -0.1542
_FACTOR = 0.9 ** (1 / _DECAY) - 1


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"time must be timezone-aware, got {at.isoformat()}")
    return at.astimezone(UTC)


# --- open commitments: the one logic, for the models (services/habit.py) and the views ------


def open_after(
    found: dict[str, OpenT], entry: _Entry[MadeT], made: Callable[[MadeT, str], OpenT]
) -> None:
    """The open commitments (skill -> `made(commitment, session id)`) after session `entry`:
    a kept or missed check closes one, a new commitment replaces the skill's earlier one
    (newest wins). The Habit keeps `found` up to date while it applies sessions one by one."""
    for chk in entry.checks:
        current = found.get(chk.skill)
        if chk.kept is not None and current and current.made_in == chk.made_in:
            del found[chk.skill]
    if entry.commitment is not None:
        found[entry.commitment.skill] = made(entry.commitment, entry.id)


def open_by_skill(
    sessions: Iterable[_Entry[MadeT]], made: Callable[[MadeT, str], OpenT]
) -> dict[str, OpenT]:
    """Skill -> the commitment still open for it after every session in `sessions`."""
    found: dict[str, OpenT] = {}
    for e in sessions:
        open_after(found, e, made)
    return found


def oldest_first(found: dict[str, OpenT]) -> list[OpenT]:
    return sorted(found.values(), key=lambda o: o.commitment.made_at)


def open_commitments(sessions: Iterable[PlainEntry]) -> list[PlainOpen]:
    """Commitments not judged yet after `sessions`, oldest first (as Habit.open_commitments
    gives them of the models)."""
    return oldest_first(open_by_skill(sessions, PlainOpen))
