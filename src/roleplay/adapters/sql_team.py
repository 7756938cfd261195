"""Team roles on a shared PostgreSQL index: who the login is, what it may write, managing people.

The database enforces the rights (migration 0003: grants, row-level security, append-only
reviews). This module asks it who the login is, keeps the client from sending what the database
would refuse (so one refused note never blocks a whole batch), turns a refusal into one clear
line, and calls the team functions for `roleplay team`. Passwords reach the server only as SCRAM
verifiers computed here by libpq, never in clear text, never in an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from roleplay.adapters.sql_engine import Database
from roleplay.domain.history import SessionFiles
from roleplay.domain.review import Review
from roleplay.domain.roles import Action, Identity, NotAllowed, Role

INSUFFICIENT_PRIVILEGE = "42501"


def refused(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE


@contextmanager
def refusals(db: Database, login: str | None) -> Iterator[None]:
    """A database refusal (grant or row-level security) becomes NotAllowed, one line."""
    try:
        yield
    except DBAPIError as exc:
        if not refused(exc):
            raise
        detail = db.scrub(str(exc.orig).strip().splitlines()[0] if exc.orig else "")
        raise NotAllowed(
            f"the team index refused this for the login '{login}' ({detail})"
        ) from None


@contextmanager
def team_errors(db: Database, login: str | None) -> Iterator[None]:
    """Any database error of a team command becomes NotAllowed with the server's first line
    only: SQLAlchemy's own message would quote the statement's parameters (the verifier)."""
    try:
        with refusals(db, login):
            yield
    except DBAPIError as exc:
        detail = db.scrub(str(exc.orig).strip().splitlines()[0] if exc.orig else "")
        raise NotAllowed(f"the team index refused this ({detail})") from None


def read_identity(conn: Connection) -> Identity:
    """The login and its role, plus who to ask for what it lacks (PostgreSQL only)."""
    login = str(conn.execute(text("SELECT current_user")).scalar())
    role: Role = conn.execute(text("SELECT roleplay_role()")).scalar()  # type: ignore[assignment]
    team = conn.execute(text("SELECT login, role FROM roleplay_team()")).all()
    admins = tuple(r.login for r in team if r.role == "admin")
    trainers = tuple(r.login for r in team if r.role == "trainer")
    owner = str(
        conn.execute(
            text("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'sessions'::regclass")
        ).scalar()
    )
    admins = admins or (owner,)  # with no admin yet, the owner manages the team
    return Identity(role=role, login=login, helpers=trainers + admins, admins=admins)


def members(conn: Connection) -> list[tuple[str, str]]:
    return [(r.login, r.role) for r in conn.execute(text("SELECT * FROM roleplay_team()"))]


def add_member(conn: Connection, login: str, role: str, password: str | None) -> str:
    """Create the login (with `password`) or change its role; returns 'created'/'changed'."""
    verifier = None
    if password is not None:
        raw: Any = conn.connection.dbapi_connection
        # libpq's PQencryptPasswordConn: the server's own algorithm, computed locally.
        verifier = raw.pgconn.encrypt_password(password.encode(), login.encode()).decode()
    return str(
        conn.execute(
            text("SELECT roleplay_team_add(:who, :kind, :verifier)"),
            {"who": login, "kind": role, "verifier": verifier},
        ).scalar()
    )


def remove_member(conn: Connection, login: str) -> None:
    conn.execute(text("SELECT roleplay_team_remove(:who)"), {"who": login})


def login_exists(conn: Connection, login: str) -> bool:
    found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login})
    return found.first() is not None


def as_login(folder: SessionFiles, who: Identity) -> tuple[SessionFiles, list[str]]:
    """The folder as this login may write it: its session under the login's name (the
    database refuses any other rep), and only the review items it may add as itself."""
    if who.role in ("single", "owner"):
        return folder, []
    login = who.login or ""
    transcript = folder.transcript
    if transcript is not None and transcript.record.rep != login:
        record = transcript.record.model_copy(update={"rep": login})
        transcript = transcript.model_copy(update={"record": record})
    review, problems = folder.review, list[str]()
    if review is not None:
        review, problems = _allowed_review(folder.session_id, review, who)
    return replace(folder, transcript=transcript, review=review), problems


def _allowed_review(session_id: str, review: Review, who: Identity) -> tuple[Review, list[str]]:
    kept: dict[str, list[Any]] = {"comments": [], "overrides": [], "marks": []}
    left: dict[str, int] = {}
    items: list[tuple[str, Action, Any]] = [
        *(("comments", "comment", c) for c in review.comments),
        *(("overrides", "override", o) for o in review.overrides),
        *(("marks", "mark_reviewed", m) for m in review.marks),
    ]
    refused: list[Action] = []
    others: set[str] = set()
    for field, action, item in items:
        if who.can(action) and item.author == who.login:
            kept[field].append(item)
            continue
        left[field] = left.get(field, 0) + 1
        if not who.can(action):
            refused.append(action)
        else:
            others.add(item.author)
    problems = []
    if left:
        reasons = [who.refusal(*refused)] if refused else []
        if others:
            names = ", ".join(f"'{a}'" for a in sorted(others))
            reasons.append(f"notes by {names} are not yours to add as '{who.login}'")
        why = "; ".join(reasons)
        counts = ", ".join(f"{n} {field}" for field, n in left.items())
        problems.append(
            f"{session_id}/review.json: {counts} not sent to the team index ({why}); "
            "they stay in the file only"
        )
    return review.model_copy(update={k: tuple(v) for k, v in kept.items()}), problems
