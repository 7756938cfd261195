"""Managing who is on a shared team index: `roleplay team init | add | list | remove`.

The rights themselves live in the database (roles, grants, row-level security from the index
migrations); this service checks the obvious first, so a person gets one clear line instead of
a database error, and never lets a password reach an argument, a log or a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from roleplay.domain.roles import ROLES, Identity, NotAllowed, is_login_name


class TeamIndex(Protocol):
    """What the index offers for managing people (PostgreSQL; SQLite has no team)."""

    def identity(self) -> Identity: ...

    def describe(self) -> str: ...

    def members(self) -> list[tuple[str, str]]:
        """(login, role) of everyone on the team, by login."""
        ...

    def login_exists(self, login: str) -> bool: ...

    def add_member(self, login: str, role: str, password: str | None) -> str:
        """Create the login with `password` (None: it exists already) or change its role.
        Returns 'created' or 'changed'. Raises NotAllowed."""
        ...

    def remove_member(self, login: str) -> None: ...


class TeamError(ValueError):
    """A team command that cannot be done as asked; the message says what would work."""


SINGLE_USER = (
    "the index is a SQLite file for one person, with no roles to manage; a team shares a "
    "PostgreSQL database: set ROLEPLAY_DATABASE_URL=postgresql://LOGIN:PASSWORD@HOST/DATABASE"
)


@dataclass(frozen=True)
class Added:
    login: str
    role: str
    created: bool


class Team:
    def __init__(self, index: Callable[[], TeamIndex]) -> None:
        self._index = index

    def _shared(self) -> tuple[TeamIndex, Identity]:
        index = self._index()
        who = index.identity()
        if not who.shared:
            raise TeamError(SINGLE_USER)
        return index, who

    def init(self) -> tuple[Identity, list[tuple[str, str]], str]:
        """Run by the database owner once: opening the index as the owner creates the roles,
        grants and row-level security (migration 0003). Returns who, the team and where."""
        index, who = self._shared()
        if who.role != "owner":
            raise TeamError(
                f"`roleplay team init` is for the database owner; the login '{who.login}' is "
                f"{_a(who.role)} (the team roles are in place already if you can read this)"
            )
        return who, index.members(), index.describe()

    def members(self) -> list[tuple[str, str]]:
        index, _ = self._shared()
        return index.members()

    def needs_password(self, login: str) -> bool:
        """Whether adding `login` creates it (then a password is asked for)."""
        index, who = self._shared()
        who.require("manage_team")
        return not index.login_exists(_valid(login))

    def add(self, login: str, role: str, password: str | None) -> Added:
        index, who = self._shared()
        who.require("manage_team")
        _valid(login)
        if role not in ROLES:
            raise TeamError(f"no role '{role}': the roles are {', '.join(ROLES)}")
        if login == who.login and who.role != "owner":
            raise NotAllowed("you cannot change your own role; ask another admin")
        if password is not None and not password.strip():
            raise TeamError("the password is empty or only spaces; a login needs one")
        done = index.add_member(login, role, password)
        return Added(login, role, created=done == "created")

    def remove(self, login: str) -> None:
        index, who = self._shared()
        who.require("manage_team")
        if _valid(login) == who.login:
            raise NotAllowed("you cannot remove yourself from the team; ask another admin")
        # Asked first: a login not on the team was "'ana' is no longer on the team" (a typo,
        # or removed already), or the database's own words ('role "zed" does not exist').
        members = [name for name, _ in index.members()]
        if login not in members:
            raise TeamError(f"'{login}' is not on the team{_others(login, members)}")
        index.remove_member(login)


def _valid(login: str) -> str:
    if not is_login_name(login):
        raise TeamError(
            f"'{login[:60]}' is not a login name: use lower-case letters, digits, '_', '.' or "
            "'-', starting with a letter (at most 48 characters), e.g. ana or ben.smith"
        )
    return login


def _others(login: str, members: list[str]) -> str:
    if not members:
        return " (nobody is on it yet)"
    from roleplay.domain.suggest import did_you_mean

    close = did_you_mean(login, members)
    shown = ", ".join(members[:8]) + (f" and {len(members) - 8} more" if len(members) > 8 else "")
    return (f"; did you mean '{close}'?" if close else "") + f" (on it: {shown})"


def _a(role: str) -> str:
    return {"none": "not on the team", "admin": "an admin"}.get(role, f"a {role}")
