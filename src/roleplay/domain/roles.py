"""Who may do what on the index: the permission table, in the user's words.

On a shared PostgreSQL index the database itself enforces these rights (grants and row-level
security, see adapters/index_migrations/versions/r0003_team_roles.py); this table lets the
client say "no" first, in one clear line, instead of sending what the database would refuse.
A SQLite index belongs to one person: they may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from roleplay.errors import RoleplayError

# "unchecked": a shared index that cannot be reached now; the database checks the rights of
# whatever was saved meanwhile when it is back (and leaves out what this login may not write).
Role = Literal["single", "owner", "admin", "trainer", "rep", "none", "unchecked"]
Action = Literal[
    "practise", "read_team", "comment", "override", "mark_reviewed", "assign", "manage_team"
]

ROLES: tuple[Role, ...] = ("rep", "trainer", "admin")  # what `roleplay team add` gives

ALLOWED: dict[Role, frozenset[Action]] = {
    "single": frozenset(
        ("practise", "read_team", "comment", "override", "mark_reviewed", "assign", "manage_team")
    ),
    "owner": frozenset(
        ("practise", "read_team", "comment", "override", "mark_reviewed", "assign", "manage_team")
    ),
    "admin": frozenset(
        ("practise", "read_team", "comment", "override", "mark_reviewed", "assign", "manage_team")
    ),
    "trainer": frozenset(
        ("practise", "read_team", "comment", "override", "mark_reviewed", "assign")
    ),
    "rep": frozenset(("practise",)),
    "none": frozenset(),
    "unchecked": frozenset(
        ("practise", "read_team", "comment", "override", "mark_reviewed", "assign", "manage_team")
    ),
}

# What each action is, for "only a trainer can <what>" and for `roleplay doctor`.
WHAT: dict[Action, str] = {
    "practise": "practise and keep your own sessions in the team index",
    "read_team": "read the whole team's sessions",
    "comment": "comment on a session",
    "override": "override a score",
    "mark_reviewed": "mark a session reviewed",
    "assign": "assign practice and import business outcomes",
    "manage_team": "add people and change their roles",
}

WHO: dict[Action, str] = {
    "practise": "a team member",
    "read_team": "a trainer",
    "comment": "a trainer",
    "override": "a trainer",
    "mark_reviewed": "a trainer",
    "assign": "a trainer or an admin",
    "manage_team": "an admin",
}


class NotAllowed(RoleplayError, ValueError):
    """The login may not do this; the message says who can. (A ValueError, so every screen
    that shows a bad request as one line shows this too.)"""


@dataclass(frozen=True)
class Identity:
    """Who is using the index: the database login and its role.

    `login` is None on a single-user SQLite index (authors there are typed names).
    `helpers` are the logins who hold the rights this login lacks: trainers, then admins.
    """

    role: Role
    login: str | None = None
    helpers: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()

    @property
    def shared(self) -> bool:
        return self.role != "single"

    def can(self, action: Action) -> bool:
        return action in ALLOWED[self.role]

    def allows(self) -> list[str]:
        return [WHAT[a] for a in WHAT if self.can(a)]

    def refusal(self, action: Action, *more: Action) -> str:
        """The one line a person sees when they may not do `action` (nor `more`)."""
        if self.role == "none":
            return (
                f"the login '{self.login}' is not a member of this team index; ask "
                f"{_ask(self.admins) or 'the database owner'} to run `roleplay team add "
                f"{self.login} --role rep`"
            )
        ask = _ask(self.admins if action == "manage_team" else self.helpers)
        what = " or ".join(dict.fromkeys(WHAT[a] for a in (action, *more)))
        return f"only {WHO[action]} can {what}" + (f"; ask {ask}" if ask else "")

    def require(self, action: Action) -> None:
        if not self.can(action):
            raise NotAllowed(self.refusal(action))

    def check_author(self, author: str | None) -> str | None:
        """The author to record: the login on a shared index (a different name is refused),
        the typed name (or None: the configured one) on a single-user index."""
        if not self.shared:
            return author
        if author is not None and author != self.login:
            raise NotAllowed(
                f"on the shared team index you write as your database login '{self.login}'; "
                f"you cannot write as '{author}' (leave out --author)"
            )
        return self.login


def _ask(names: tuple[str, ...]) -> str:
    if not names:
        return ""
    shown = list(names[:3])
    return " or ".join(shown) if len(shown) < 3 else ", ".join(shown[:-1]) + " or " + shown[-1]


def is_login_name(name: str) -> bool:
    """Names `roleplay team add` accepts: short, lower-case, no quoting needed anywhere."""
    return (
        0 < len(name) <= 48
        and name[0].isascii()
        and (name[0].islower() or name[0] == "_")
        and all(c.isascii() and (c.islower() or c.isdigit() or c in "_.-") for c in name)
    )
