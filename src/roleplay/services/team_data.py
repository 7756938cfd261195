"""The port to where assignments and outcomes live: the index database (SQLite for one person,
PostgreSQL for a team, where the database itself enforces who may write what)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from roleplay.domain.assignments import Assignment, Attempt
from roleplay.domain.outcomes import Direction, Outcome
from roleplay.domain.roles import Identity


class TeamData(Protocol):
    """Every method raises IndexUnavailable when the database cannot be used, and NotAllowed
    when the login may not do it."""

    def identity(self) -> Identity: ...

    def describe(self) -> str: ...

    def reps(self) -> list[str]:
        """Everyone who can be assigned practice (the team's logins; on a single-user index,
        the reps of the indexed sessions)."""
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
        self, since: datetime, until: datetime, team: str | None = None, rep: str | None = None
    ) -> tuple[Sequence[Any], Sequence[Any]]:
        """(sessions, levels) in the period: rows with id, rep, scenario_id, started_at,
        ended_at, overall, passed; and rows with session_id, skill, level."""
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
