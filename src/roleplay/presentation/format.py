"""Small formats shared by the CLI and the app: call times, a session's status and length,
skill names, commitment reminders, when a scored skill comes back and a tip's example."""

from __future__ import annotations

import re
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


def reminder(skill: str, text: str, made_elsewhere: str | None = None) -> str:
    """An open commitment, as the next brief on its skill shows it (CLI and app).
    `made_elsewhere`: the title of the scenario it was made in, when not this call's."""
    if made_elsewhere is None:
        return f"Your commitment from last time ({skill_name(skill)}): {text}"
    from roleplay.domain.text import one_line  # a trainer's title: no control character

    where = one_line(made_elsewhere)
    return f"Your commitment from your call on \u201c{where}\u201d ({skill_name(skill)}): {text}"


STAYS_TODAY = "today (below the pass level):"


def comes_back(days: Mapping[str, date], stays_today: Collection[str] = ()) -> list[str]:
    """When each scored skill comes back, as the scorecard says it (CLI and app alike): the
    skills Today keeps due because their level is still below the pass level first, under
    STAYS_TODAY (their schedule day alone, "Thu 08 Jan", read as "not today" beside a Today
    that listed them as due), then 'skill: Fri 09 Jan', soonest first. Short lines: the
    app's scorecard shows them in a narrow column."""
    staying = sorted(skill for skill in days if skill in stays_today)
    later = sorted(
        ((skill, day) for skill, day in days.items() if skill not in stays_today),
        key=lambda kv: (kv[1], kv[0]),
    )
    lines = [STAYS_TODAY, *(f"  {skill}" for skill in staying)] if staying else []
    return lines + [f"{skill}: {day:%a %d %b}" for skill, day in later]


_QUOTED_LINE = re.compile(r"[\"“][^\"”]*[.?!][\"”]")


def tip_example(tip: str, example: str | None) -> str | None:
    """The example line to show after a scorecard's tip: none when the tip already gives one
    (every bundled tip ends 'Try: "…"'; the example shown after it too read as two example
    lines in a row), or quotes the example itself."""
    if not example:
        return None
    if _QUOTED_LINE.search(tip) or " ".join(example.split()) in " ".join(tip.split()):
        return None
    return example


def nothing_said(kept_in: str | None) -> str:
    """A call ended before the rep said anything: not scored, not practice. `kept_in`: the
    folder a spoken call's recording is kept in (it may hold words the transcriber did not
    make out), None for a typed call, which is removed."""
    said = "No words of yours were heard" if kept_in else "You said nothing"
    said += " in this call, so there is nothing to score: it does not count as practice "
    said += "(your streak, today's goal and queue are as they were)."
    if kept_in:
        return f"{said} Its recording is kept in {kept_in}."
    return f"{said} Nothing was saved."
