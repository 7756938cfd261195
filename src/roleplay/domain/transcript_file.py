"""Outside conversations as plain text, so a team can score real calls against a rubric.

Accepted lines: `Speaker: text` or `[Speaker]: text`, optionally after a timestamp
(`00:01:23 Speaker: text`, `[01:23] Speaker: text`). Consecutive lines of one speaker form one
turn; lines without a label continue the previous line; blank lines are ignored; a UTF-8 BOM is
fine. Every speaker other than the rep is the customer side.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from roleplay.domain.session import Turn
from roleplay.domain.suggest import did_you_mean

_LINE = re.compile(
    r"^\s*(?:\[?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)\]?\s+)?"
    r"(?:\[(?P<bracketed>[^\]\n]{1,60})\]|(?P<plain>[^:\[\]\n]{1,60}?))\s*:\s*(?P<text>.*)$"
)


class TranscriptFileError(ValueError):
    """The file cannot be read as a conversation; the message says where and what to do."""


@dataclass(frozen=True)
class ParsedTranscript:
    turns: tuple[Turn, ...]
    speakers: dict[str, int]  # name -> lines
    timed: bool


def parse(text: str, rep: str, file: str = "transcript") -> ParsedTranscript:
    text = text.lstrip("\ufeff")
    rows: list[tuple[str, str, float | None]] = []  # speaker, text, seconds
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        m = _LINE.match(raw)
        if m and (m["bracketed"] or m["plain"]) and not _looks_like_prose(m):
            name = (m["bracketed"] or m["plain"]).strip()
            rows.append((name, m["text"].strip(), _seconds(m["ts"])))
        elif rows:
            speaker, said, at = rows[-1]
            rows[-1] = (speaker, f"{said} {raw.strip()}", at)
        else:
            raise TranscriptFileError(
                f"{file}:{number}: expected 'Speaker: text' or '[Speaker]: text', got "
                f"{raw.strip()[:60]!r}"
            )
    if not rows:
        raise TranscriptFileError(f"{file}: no 'Speaker: text' lines found")
    speakers = Counter(name for name, _, _ in rows)
    by_fold = {name.casefold(): name for name in speakers}
    if rep.casefold() not in by_fold:
        listed = ", ".join(
            f"{n} ({c} line{'s' if c != 1 else ''})" for n, c in speakers.most_common()
        )
        hint = did_you_mean(rep, list(speakers))
        raise TranscriptFileError(
            f"{file}: speaker '{rep}' never speaks; speakers found: {listed}. "
            + (f"Did you mean --rep '{hint}'?" if hint else "Pass --rep with one of them.")
        )
    rep_name = by_fold[rep.casefold()]
    timed = all(at is not None for _, _, at in rows)
    turns: list[Turn] = []
    for name, said, at in rows:
        role = "rep" if name == rep_name else "customer"
        if turns and turns[-1].speaker == role and _same_speaker(turns[-1], name):
            last = turns[-1]
            turns[-1] = last.model_copy(update={"text": f"{last.text} {said}".strip()})
            continue
        start = at if at is not None else float(len(turns))
        turns.append(
            Turn(
                index=len(turns),
                speaker=role,
                text=said,
                start=start,
                end=start,
                source=None if role == "rep" else "transcript",
                tags=(f"speaker:{name}",),
            )
        )
    if timed:  # a turn ends when the next one starts
        turns = [t.model_copy(update={"end": nxt.start}) for t, nxt in pairwise(turns)] + [
            turns[-1]
        ]
    return ParsedTranscript(tuple(turns), dict(speakers), timed)


def _same_speaker(turn: Turn, name: str) -> bool:
    return f"speaker:{name}" in turn.tags


def _looks_like_prose(m: re.Match[str]) -> bool:
    """'Note that the price: 40k' is a sentence, not a speaker label."""
    name = (m["bracketed"] or m["plain"] or "").strip()
    return len(name.split()) > 4


def _seconds(ts: str | None) -> float | None:
    if not ts:
        return None
    parts = [float(p) for p in ts.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0.0)
    h, m, s = parts
    return h * 3600 + m * 60 + s
