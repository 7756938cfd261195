"""Small formats shared by the CLI and the app: call times, a session's status and length,
skill names and commitment reminders."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleplay.services.ports.sessions import Listed


def clock(seconds: float | None) -> str:
    """'3:07' (minutes:seconds); '-' when unknown."""
    if seconds is None:
        return "-"
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def status(r: Listed) -> str:
    if r.ended_at is None:
        return "unfinished"
    return r.outcome or "ended"


def duration(r: Listed) -> float | None:
    return (r.ended_at - r.started_at).total_seconds() if r.ended_at else None


PREFIXES = {"de", "re", "co", "pre", "non", "self", "cross", "follow", "up", "e"}


def skill_name(skill: str) -> str:
    """'next-steps' -> 'next steps'; a prefix keeps its hyphen: 'de-escalation'."""
    parts = skill.split("-")
    out = parts[0]
    for before, part in pairwise(parts):
        out += ("-" if before in PREFIXES else " ") + part
    return out


def reminder(skill: str, text: str) -> str:
    """An open commitment, as the next brief on its skill shows it (CLI and app)."""
    return f"Your commitment from last time ({skill_name(skill)}): {text}"
