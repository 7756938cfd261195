"""Assignments as the interfaces show them: one row per assignment and rep (what to practise,
its state, who set it, the note), the mark beside it, the command that practises it, and the
JSON shape. `assignments list`, `today` (text and JSON) and the app's Today table read these,
so the same assignment reads the same everywhere."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from roleplay.domain.assignments import Assignment, Progress
from roleplay.domain.text import one_line

WIDTH = 78  # as the CLI wraps its other lines
MARKS = {"done": "[x]", "overdue": "[!]", "open": "[ ]"}  # anything else (withdrawn): [-]


def practise_command(a: Assignment) -> str:
    return f"roleplay practice {a.scenario}" + (f" --drill {a.drill}" if a.drill else "")


def row(p: Progress) -> tuple[str, str, str, str]:
    """What to practise, its state, who set it, the note: each on one line, without control
    characters. A note is typed by whoever assigns (or written to a shared index by another
    client): its escape sequences reached every rep's terminal in `today` and `assignments
    list`, a bidi override reordered the line, and a line break started a row of its own."""
    a = p.assignment
    return a.target, p.summary, one_line(a.author), one_line(a.note)


def marked_row(p: Progress) -> tuple[str, str, str, str]:
    """`row` with the mark before what to practise ("[!] discovery-spin"): how `today` and the
    app's Today table list a rep's own assignments."""
    target, state, author, note = row(p)
    return f"{MARKS.get(p.status, '[-]')} {target}", state, author, note


def table(items: Sequence[Progress]) -> str:
    """Aligned columns, the note last and unpadded (it may be long)."""
    rows = [("ID", "FOR", "PRACTISE", "STATE", "SET BY", "NOTE")]
    rows += [(p.assignment.id, p.rep, *row(p)) for p in items]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r[:5], widths, strict=True)) + "  " + r[5]
        for r in rows
    ).rstrip()


def today_lines(items: Sequence[Progress]) -> list[str]:
    """The assignment block at the top of `roleplay today`."""
    if not items:
        return []
    lines = ["Assigned to you:"]
    for p in items:
        target, state, author, note = marked_row(p)
        lines.append(f"  {target}: {state} (set by {author})")
        if note:  # wrapped: a trainer's note can be a paragraph
            lines += textwrap.wrap(
                f"note: {' '.join(note.split())}",
                width=WIDTH,
                initial_indent=" " * 6,
                subsequent_indent=" " * 12,
                break_long_words=False,  # a link stays whole
                break_on_hyphens=False,
            )
        if p.status != "done":
            lines.append(f"      {practise_command(p.assignment)}")
    return lines


def assignment_json(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.id,
        "scenario": a.scenario,
        "drill": a.drill,
        "rep": a.rep,
        "team": a.rep is None,
        "author": a.author,
        "created_at": a.created_at.isoformat(),
        "due": a.due.isoformat() if a.due else None,
        "per_week": a.per_week,
        "note": a.note,
        "pass_score": a.pass_score,
        "withdrawn_at": a.withdrawn_at.isoformat() if a.withdrawn_at else None,
    }


def progress_json(p: Progress) -> dict[str, Any]:
    return {
        **assignment_json(p.assignment),
        "for": p.rep,
        "status": p.status,
        "summary": p.summary,
        "attempts": p.attempts,
        "needed": p.needed,
        "weeks_missed": p.weeks_missed,
        "best": p.best,
        "practise_with": practise_command(p.assignment),
    }
