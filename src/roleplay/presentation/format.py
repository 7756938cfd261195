"""Small formats shared by the CLI and the app: call times, a session's status and length,
skill names, commitment reminders and when a scored skill comes back."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

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


STAYS_TODAY = "still below the pass level: stays in today's queue"


def comes_back(days: Mapping[str, date], stays_today: Collection[str] = ()) -> list[str]:
    """When each scored skill comes back, as the scorecard says it (CLI and app alike):
    'skill: Thu 03 Dec', or, for a skill Today keeps due because its level is still below
    the pass level, that it stays in today's queue (its later schedule day alone read as
    "not today" beside a Today that listed it as due). Those first, then soonest first."""
    order = sorted(days.items(), key=lambda kv: (kv[0] not in stays_today, kv[1], kv[0]))
    return [
        f"{skill}: {STAYS_TODAY if skill in stays_today else f'{day:%a %d %b}'}"
        for skill, day in order
    ]
