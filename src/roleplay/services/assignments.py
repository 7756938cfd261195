"""Assignments: trainers set practice for a rep or the whole team; reps see theirs first.

Stored in the index database, so every rep on a shared index sees what was set for them, and a
rep alone gets the same from their own index. Who may assign is the role model's (trainers and
admins; anyone on a single-user index); on PostgreSQL the database enforces it too.
"""

from __future__ import annotations

import difflib
import secrets
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from roleplay.domain.assignments import (
    Assignment,
    AssignmentError,
    Progress,
    order,
    parse_due,
    parse_every,
    parse_target,
    progress,
)
from roleplay.domain.suggest import unknown_reference
from roleplay.services.catalog import Catalog
from roleplay.services.ports import Clock
from roleplay.services.team_data import TeamData


class UnknownRep(AssignmentError):
    """A rep name the index does not know (a typo, another spelling)."""

    title = "Unknown rep"


class UnknownTeam(AssignmentError):
    """A team name no session in the index carries (a typo, another spelling)."""

    title = "Unknown team"


UNSET: Any = object()  # "not given" for change(), where None means "remove it"


class Assignments:
    def __init__(
        self,
        data: Callable[[], TeamData],
        catalog: Callable[[], Catalog],
        clock: Clock,
        me: str,
        tz: Callable[[], tzinfo],
    ) -> None:
        self._data = data
        self._catalog = catalog
        self.clock = clock
        self._me = me
        self._tz = tz

    def me(self) -> str:
        """Who is asking: the database login on a shared index, the configured rep otherwise."""
        who = self._data().identity()
        return who.login if who.shared and who.login else self._me

    # --- trainers ------------------------------------------------------------------------

    def assign(
        self,
        target: str,
        *,
        to: str | None,
        team: bool = False,
        due: str | None = None,
        every: str | None = None,
        note: str = "",
        pass_score: float | None = None,
    ) -> Assignment:
        data = self._data()
        who = data.identity()
        who.require("assign")
        scenario, drill = self._target(target)
        if team == (to is not None):
            raise AssignmentError(
                "say who it is for", "--to REP for one rep, or --team for everyone on the team"
            )
        if due and every:
            raise AssignmentError(
                "--due and --every together", "a date for a one-off, or a cadence like 2/week"
            )
        if to is not None:  # the names `--rep` takes elsewhere, said the same way
            self._check_rep(data, to)
        now = self.clock.now()
        item = Assignment(
            id=secrets.token_hex(4),
            scenario=scenario,
            drill=drill,
            rep=to,
            author=who.login if who.shared and who.login else self._me,
            created_at=now,
            due=parse_due(due) if due else None,
            per_week=parse_every(every) if every else None,
            note=note.strip(),
            pass_score=_pass_score(pass_score),
        )
        if item.due is not None and item.due < now.astimezone(self._tz()).date():
            raise AssignmentError(
                f"--due {item.due} is in the past", "give today's date or a later one"
            )
        data.add_assignment(item)
        return item

    def change(
        self,
        ref: str,
        *,
        due: str | None = UNSET,
        every: str | None = UNSET,
        note: str | None = UNSET,
        pass_score: float | None = UNSET,
    ) -> Assignment:
        data = self._data()
        data.identity().require("assign")
        item = self._find(data, ref)
        values: dict[str, Any] = {}
        if due is not UNSET:
            values["due"] = parse_due(due) if due else None
            if due:
                values["per_week"] = None
        if every is not UNSET:
            values["per_week"] = parse_every(every) if every else None
            if every:
                values["due"] = None
        if note is not UNSET:
            values["note"] = (note or "").strip()
        if pass_score is not UNSET:
            values["pass_score"] = _pass_score(pass_score)
        if not values:
            raise AssignmentError(
                "nothing to change", "give --due, --every, --note or --pass-score"
            )
        values["changed_at"] = self.clock.now()
        data.change_assignment(item.id, values)
        return self._find(data, item.id)

    def withdraw(self, ref: str) -> Assignment:
        data = self._data()
        data.identity().require("assign")
        item = self._find(data, ref)
        now = self.clock.now()
        data.change_assignment(item.id, {"withdrawn_at": now, "changed_at": now})
        return self._find(data, item.id, withdrawn=True)

    # --- everyone ------------------------------------------------------------------------

    def status(self, rep: str | None = None, withdrawn: bool = False) -> list[Progress]:
        """Each assignment per rep it is for, overdue first. A trainer sees the team's (or
        `rep`'s); a rep sees their own."""
        data = self._data()
        who = data.identity()
        if not who.can("read_team"):
            rep = self.me()
        items = data.assignments(rep, withdrawn)
        if not items:
            return []
        reps = [rep] if rep is not None else sorted(set(data.reps()) | self._assigned(items))
        since = min(a.created_at for a in items)
        attempts = data.attempts({a.scenario for a in items}, since, rep)
        now, tz = self.clock.now(), self._tz()
        found = [progress(a, r, attempts, now, tz) for a in items for r in reps if a.for_rep(r)]
        return order(found)

    def mine(self, rep: str | None = None) -> list[Progress]:
        """What `today` shows first: the rep's own open, overdue and (this week's) done."""
        return self.status(rep or self.me())

    def check_team(self, team: str) -> None:
        """A `--team NAME` that no session carries is said, with the close names: an empty
        list or report read as "nobody practised". Raises UnknownTeam."""
        data = self._data()
        known = data.known_teams()
        if team in known:
            return
        close = difflib.get_close_matches(team, known, n=3, cutoff=0.6)
        close = [k for k in known if k.casefold() == team.casefold() and k not in close] + close
        hint = (
            f"did you mean {' or '.join(repr(c) for c in close)}?"
            if close
            else f"known: {', '.join(known[:12])}{' ...' if len(known) > 12 else ''}."
            if known
            else "no session names a team yet."
        )
        raise UnknownTeam(
            f"no team {team!r} in the index {data.describe()} (the teams of its sessions)",
            f"{hint} A session's team is `team` in the rep's config file (or ROLEPLAY_TEAM)",
        )

    def check_rep(self, rep: str) -> None:
        """A `--rep NAME` (or `assign --to NAME`) that names nobody the index knows is said,
        with the closest names (an empty list would read as "no practice"). Raises
        UnknownRep."""
        self._check_rep(self._data(), rep)

    def _check_rep(self, data: TeamData, rep: str) -> None:
        known = set(data.known_reps()) | {self._me, self.me()}
        if rep in known:
            return
        where = (
            "the team's logins and the reps of its sessions and assignments"
            if data.identity().shared
            else "reps with sessions or assignments"
        )
        close = difflib.get_close_matches(rep, sorted(known), n=3, cutoff=0.6)
        folded = [k for k in sorted(known) if k.casefold() == rep.casefold() and k not in close]
        close = folded + close
        hint = (
            f"did you mean {' or '.join(repr(c) for c in close)}?"
            if close
            else f"known: {', '.join(sorted(known)[:12])}{' ...' if len(known) > 12 else ''}."
        )
        raise UnknownRep(
            f"no rep {rep!r} in the index {data.describe()} ({where})",
            f"{hint} A name must match exactly (`roleplay review list` shows who has sessions)",
        )

    # --- helpers -------------------------------------------------------------------------

    @staticmethod
    def _assigned(items: list[Assignment]) -> set[str]:
        return {a.rep for a in items if a.rep is not None}

    def _target(self, target: str) -> tuple[str, str | None]:
        scenario_id, drill = parse_target(target)
        catalog = self._catalog()
        entry = catalog.scenario(scenario_id)  # UnknownScenario names the choices
        if drill is not None:
            drills = [d.id for d in entry.scenario.drills]
            if drill not in drills:
                _, hint = unknown_reference("drill", drill, drills)
                raise AssignmentError(f"scenario {entry.scenario.id} has no drill '{drill}'", hint)
        return entry.scenario.id, drill

    @staticmethod
    def _find(data: TeamData, ref: str, withdrawn: bool = True) -> Assignment:
        items = data.assignments(None, withdrawn=withdrawn)
        found = [a for a in items if a.id == ref] or [a for a in items if a.id.startswith(ref)]
        if len(found) != 1:
            ids = ", ".join(f"{a.id} ({a.target}, {a.who})" for a in items[-8:])
            raise AssignmentError(
                f"no assignment '{ref}'" if not found else f"'{ref}' matches several assignments",
                f"`roleplay assignments list` shows them; known: {ids or 'none'}",
            )
        return found[0]


def _pass_score(value: float | None) -> float | None:
    if value is not None and not 1 <= value <= 5:
        raise AssignmentError(
            f"--pass-score {value:g} is outside the scale", "an overall score from 1 to 5"
        )
    return value
