"""The port to where assignments and outcomes live: the index database (SQLite for one person,
PostgreSQL for a team, where the database itself enforces who may write what)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from roleplay.domain.assignments import Assignment, Attempt
from roleplay.domain.history import ScoredSession
from roleplay.domain.outcomes import Direction, Outcome
from roleplay.domain.roles import Identity


@dataclass(frozen=True)
class Practice:
    """Scored sessions of a period, read once for the team view and the report."""

    # One row per session: id, rep, team, scenario_id, started_at, ended_at, overall, passed.
    rows: Sequence[Any]
    # Session id -> criterion id -> (skill, judge level).
    levels: Mapping[str, Mapping[str, tuple[str, int | None]]]
    # The rows from `scored_since` as the HTML trends read them (judge's levels, the KPI
    # fields the table reads; no reviewers' levels).
    scored: Sequence[ScoredSession]


class TeamData(Protocol):
    """Every method raises IndexUnavailable when the database cannot be used, and NotAllowed
    when the login may not do it."""

    def identity(self) -> Identity: ...

    def describe(self) -> str: ...

    def reps(self) -> list[str]:
        """Everyone who can be assigned practice (the team's logins; on a single-user index,
        the reps of the indexed sessions)."""
        ...

    def known_reps(self) -> list[str]:
        """Every rep name the index knows (`reps`, and those of its sessions and
        assignments): what a `--rep NAME` is checked against."""
        ...

    def known_teams(self) -> list[str]:
        """Every team named by a session this login may read: what a `--team NAME` is
        checked against."""
        ...

    def assignments(self, rep: str | None = None, withdrawn: bool = False) -> list[Assignment]:
        """Those this login may read; `rep`: only those meant for this rep (or the team)."""
        ...

    def add_assignment(self, item: Assignment) -> None: ...

    def change_assignment(self, assignment_id: str, values: dict[str, Any]) -> None: ...

    def attempts(
        self, scenarios: Iterable[str], since: datetime, rep: str | None = None
    ) -> list[Attempt]:
        """Scored sessions of these scenarios since `since`."""
        ...

    def practice(
        self,
        since: datetime,
        until: datetime,
        team: str | None = None,
        rep: str | None = None,
        scored_since: datetime | None = None,
    ) -> Practice:
        """The scored sessions in the period (`scored_since`: from when `scored` starts)."""
        ...

    def first_practice(self) -> dict[str, datetime]:
        """When each rep first practised (ever, in the index)."""
        ...

    def import_outcomes(
        self, rows: Sequence[Outcome], directions: dict[str, Direction], now: datetime
    ) -> tuple[int, int, int]:
        """All rows in one transaction: (added, changed, unchanged)."""
        ...

    def outcomes(
        self, since: date | None = None, until: date | None = None, rep: str | None = None
    ) -> list[Outcome]: ...

    def directions(self) -> dict[str, Direction]: ...
