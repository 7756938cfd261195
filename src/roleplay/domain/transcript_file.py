"""Outside conversations as plain text, so a team can score real calls against a rubric.

Accepted lines: `Speaker: text` or `[Speaker]: text`, optionally after a timestamp
(`00:01:23 Speaker: text`, `[01:23] Speaker: text`) or a time range, as `roleplay transcribe`
writes it (`[00:00.0 - 00:04.4] Speaker: text`; the range gives the turn's end). Consecutive
lines of one speaker form one turn; lines without a label continue the previous line; blank
lines are ignored; a UTF-8 BOM is fine; the file line `transcribe` prints first
(`call.wav (12.3 s, en)`) is skipped. A file holding several recordings (`transcribe a.wav
b.wav` prints one such line per recording) is refused, as one JSON of several is: scored as
one, the second recording's line was glued onto a turn and both calls were judged together.
`transcribe --json` output is read too (its segments carry a `speaker` when made with
--speakers). Every speaker other than the rep is the customer. A line said wholly inside the
other side's sentence is marked as `transcribe --speakers` and `show` mark it ("Kari (over
Customer): Right."; `"over": "Customer"` in JSON): it is Kari's line, kept apart as a
backchannel (kpis.floor) whatever its times say. A name that would not read back as it is
(over four words, a ':' or '[' in it, a leading digit) is written as a JSON string
('"Kari: the rep" (over Customer): Right.'), so every rep name reads back.

The rep's lines are those of the speaker named `rep`, or, with `side`, of the side that
`transcribe --speakers` named without being told the rep ("Speaker A", "Left"...: the options
`--rep-speaker A` and `--rep-channel left` that it suggests, with `rep` the rep's own name).
When neither finds the rep, the message lists the speakers, roleplay's guess with its reasons,
and the exact option to pass: a guess is never scored silently.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from roleplay.domain.call import OVER, SIDE_NAMES, Utterance, floor_turns, guess_rep
from roleplay.domain.kpis import OVERLAP
from roleplay.domain.session import Speaker, Turn
from roleplay.domain.suggest import did_you_mean
from roleplay.errors import RoleplayError

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?"
# A name never starts with a digit or a dash: "[00:01.0 - 00:04.4] Hello" has no speaker
# (it is not speaker "- 00").
_LINE = re.compile(
    rf"^\s*(?:\[?(?P<ts>{_TIME})(?:\s*[-–]\s*(?P<te>{_TIME}))?\]?\s+)?"
    r"(?:\[(?P<bracketed>[^\]\n]{1,60})\]|(?P<plain>[^:\[\]\n\d\-–][^:\[\]\n]{0,59}?))\s*:\s*(?P<text>.*)$"
)
# A name `transcribe --speakers` could not write as it is (domain/call.py `label`), quoted as
# a JSON string: '"Kari: the rep": Hello.'; and any line marked as said over the other side,
# whose host may be quoted or longer than a plain label: 'Kari (over "Dr. A (B)"): Right.'
_QUOTED = r'"(?:[^"\\\n]|\\.)*"'
_MARKED_LINE = re.compile(
    rf"^\s*(?:\[?(?P<ts>{_TIME})(?:\s*[-–]\s*(?P<te>{_TIME}))?\]?\s+)?"
    rf'(?:(?P<quoted>{_QUOTED})|(?P<plain>[^\s:\[\]"()\d\-–][^:\[\]"()\n]{{0,59}}?))'
    rf'(?P<mark>\s+\(over (?:{_QUOTED}|[^()"\n]*)\))?\s*:\s*(?P<text>.*)$'
)
# `roleplay transcribe` prints the file first: "call.wav (12.3 s, en)".
_FILE_HEADER = re.compile(r"^\S.*\(\d+(?:\.\d+)? s, [\w-]+\)\s*$")
# After the first turn, only a line naming a file ("b.wav (9.0 s, en)") starts another
# recording; "Dana: it took (10 s, ok)" is a turn.
_NEXT_FILE = re.compile(r"^\S.*\.\w{2,5} \(\d+(?:\.\d+)? s, [\w-]+\)\s*$")
# A timed line with no speaker name: what `transcribe` writes without --speakers.
_UNLABELLED = re.compile(rf"^\s*\[{_TIME}\s*[-–]\s*{_TIME}\]\s")


class TranscriptFileError(RoleplayError, ValueError):
    """The file cannot be read as a conversation; the message says where and what to do."""


@dataclass(frozen=True)
class ParsedTranscript:
    turns: tuple[Turn, ...]
    speakers: dict[str, int]  # name -> lines
    timed: bool


# speaker, text, start, end, and whether the line is marked as said over the other side
Row = tuple[str, str, float | None, float | None, bool]


def parse(
    text: str, rep: str | None, file: str = "transcript", side: str | None = None
) -> ParsedTranscript:
    """`rep` names the rep's speaker; with `side` (a key of SIDE_NAMES: "A", "left"...), the
    side `transcribe --speakers` wrote under its neutral name holds the rep's lines. With no
    `rep` (none given), the error lists the speakers and says what to pass."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith(("[{", "{")):
        rows = _json_rows(text, file)
    else:
        rows = _text_rows(text, file)
    return _turns(rows, rep, file, side)


_NO_SPEAKERS = (
    "has no speaker names (it is `roleplay transcribe` output without --speakers). Run "
    "`roleplay transcribe --speakers CALL.wav > call.txt`, or score the recording itself: "
    "roleplay score --transcript CALL.wav --rubric R --rep NAME"
)


def _text_rows(text: str, file: str) -> list[Row]:
    rows: list[Row] = []
    unlabelled = 0
    starts: list[tuple[int, str]] = []  # (line, text) of each recording's header line
    untitled = False  # turns before any header line: a recording too
    for number, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        if _FILE_HEADER.match(raw) and (not rows or _NEXT_FILE.match(raw)):
            untitled = untitled or (bool(rows) and not starts)
            starts.append((number, raw.strip()))
            continue
        marked = _marked(raw)
        if marked is not None:
            rows.append(marked)
            continue
        m = _LINE.match(raw)
        if m and (m["bracketed"] or m["plain"]) and not _looks_like_prose(m):
            name, over = _name((m["bracketed"] or m["plain"]).strip())
            rows.append((name, m["text"].strip(), _seconds(m["ts"]), _seconds(m["te"]), over))
        elif _UNLABELLED.match(raw):
            unlabelled += 1
            if not rows:
                raise TranscriptFileError(f"{file}:{number}: this transcript {_NO_SPEAKERS}")
            rows.append((rows[-1][0], raw.split("]", 1)[1].strip(), *_range(raw), False))
        elif rows:
            speaker, said, at, end, over = rows[-1]
            rows[-1] = (speaker, f"{said} {raw.strip()}", at, end, over)
        else:
            raise TranscriptFileError(
                f"{file}:{number}: expected 'Speaker: text' or '[Speaker]: text', got "
                f"{raw.strip()[:60]!r}"
            )
    if len(starts) + untitled > 1:
        lines = ", ".join(f"line {n} ({head[:60]!r})" for n, head in starts)
        raise TranscriptFileError(
            f"{file}: holds {len(starts) + untitled} recordings; these lines start one each: "
            f"{lines}{' (and the turns before the first)' if untitled else ''}. Score one call "
            "at a time: split the file at those lines, or transcribe one recording per file "
            "(roleplay transcribe --speakers CALL.wav > call.txt)"
        )
    return rows


def _marked(raw: str) -> Row | None:
    """The row of a line whose name is quoted or that is marked as said over the other side
    (`transcribe --speakers` writes any rep name so), or None: the line is read as others."""
    m = _MARKED_LINE.match(raw)
    if m is None or not (m["quoted"] or m["mark"]):
        return None
    if m["quoted"]:
        try:
            name = json.loads(m["quoted"])
        except ValueError:
            return None
    else:
        name = m["plain"].strip()
        if len(name.split()) > 4:
            return None  # prose, as `_looks_like_prose` says
    if not name.strip():
        return None
    return (name, m["text"].strip(), _seconds(m["ts"]), _seconds(m["te"]), bool(m["mark"]))


def _range(raw: str) -> tuple[float | None, float | None]:
    m = re.match(rf"^\s*\[(?P<ts>{_TIME})\s*[-–]\s*(?P<te>{_TIME})\]", raw)
    return (_seconds(m["ts"]), _seconds(m["te"])) if m else (None, None)


def _json_rows(text: str, file: str) -> list[Row]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptFileError(
            f"{file}:{exc.lineno}: not valid JSON ({exc.msg}); expected the output of "
            "`roleplay transcribe --speakers --json`"
        ) from None
    docs = doc if isinstance(doc, list) else [doc]
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise TranscriptFileError(
            f"{file}: holds {len(docs)} recordings; score one call at a time "
            "(transcribe one file per --json output)"
        )
    rows: list[Row] = []
    for i, seg in enumerate(docs[0].get("segments") or []):
        if not isinstance(seg, dict) or not isinstance(seg.get("text"), str):
            raise TranscriptFileError(f"{file}: segments[{i}]: expected an object with 'text'")
        speaker = seg.get("speaker")
        if not isinstance(speaker, str) or not speaker:
            raise TranscriptFileError(f"{file}: segments[{i}]: this transcript {_NO_SPEAKERS}")
        start, end, over = seg.get("start"), seg.get("end"), seg.get("over")
        rows.append(
            (
                speaker,
                seg["text"].strip(),
                float(start) if isinstance(start, int | float) else None,
                float(end) if isinstance(end, int | float) else None,
                isinstance(over, str) and bool(over),  # whom it was said over
            )
        )
    return rows


def _turns(
    rows: list[Row], rep: str | None, file: str, side: str | None = None
) -> ParsedTranscript:
    if not rows:
        raise TranscriptFileError(f"{file}: no 'Speaker: text' lines found")
    speakers = Counter(row[0] for row in rows)
    by_fold = {name.casefold(): name for name in speakers}
    wanted = SIDE_NAMES[side] if side is not None else rep
    listed = ", ".join(f"{n} ({c} line{'s' if c != 1 else ''})" for n, c in speakers.most_common())
    if wanted is None or wanted.casefold() not in by_fold:
        if wanted is None:  # no --rep: the speakers and what to pass are the message
            who = ""
        elif side:
            who = f"{_option(side)} {side} names '{wanted}', who never speaks; "
        else:
            who = f"speaker '{rep}' never speaks; "
        raise TranscriptFileError(
            f"{file}: {who}speakers found: {listed}. "
            + _which_is_the_rep(rows, list(speakers), rep, mention=side is None)
        )
    if rep is None:  # the side is known; the scores still need the rep's name
        raise TranscriptFileError(
            f"{file}: {_option(side)} {side} says the rep speaks as '{wanted}'; --rep NAME "
            "gives the rep's name, which their scores are kept under"
        )
    rep_name = by_fold[wanted.casefold()]
    timed = all(row[2] is not None for row in rows)
    ranged = timed and all(row[3] is not None for row in rows)
    # A line said wholly inside another speaker's ("mm-hm", "right") is a turn of its own, kept
    # apart just after the turn it was said in, as a recording's words are (domain/call.py).
    lines = [
        Utterance(name, at or 0.0, (until if ranged else at) or 0.0, said)
        for name, said, at, until, _over in rows
    ]
    marked = [i for i, row in enumerate(rows) if row[4]]  # "Kari (over Customer): Right."
    turns: list[Turn] = []
    for u, overlap in floor_turns(lines, overlaps=ranged, marked=marked):
        role: Speaker = "rep" if u.speaker == rep_name else "customer"
        start = u.start if timed else float(len(turns))  # untimed: one second a turn
        turns.append(
            Turn(
                index=len(turns),
                speaker=role,
                text=u.text,
                start=start,
                end=u.end if ranged else start,
                source=None if role == "rep" else "transcript",
                tags=(f"speaker:{u.speaker}",) + ((OVERLAP,) if overlap else ()),
            )
        )
    if timed and not ranged:  # a turn ends when the next one starts
        turns = [t.model_copy(update={"end": nxt.start}) for t, nxt in pairwise(turns)] + [
            turns[-1]
        ]
    return ParsedTranscript(tuple(turns), dict(speakers), timed)


def _option(side: str | None) -> str:
    return "--rep-channel" if side in ("left", "right") else "--rep-speaker"


def _which_is_the_rep(rows: list[Row], names: list[str], rep: str | None, mention: bool) -> str:
    """What to pass to score this transcript, with roleplay's guess and its reasons (who
    greets, who asks for the customer's details), never taken silently. No `rep`: --rep NAME
    is named among what to pass."""
    found = sorted(
        (
            Utterance(name, float(i) if at is None else at, float(i) if at is None else at, said)
            for i, (name, said, at, _end, _over) in enumerate(rows)
        ),
        key=lambda u: u.start,
    )
    guess = guess_rep(found, timed=all(at is not None for _n, _s, at, _e, _o in rows))
    why = "; ".join(guess.reasons)
    sides = {name: key for key, name in SIDE_NAMES.items()}
    if set(names) <= set(sides):  # the names `transcribe --speakers` gives each side
        pairs = [(_option(sides[n]), sides[n]) for n in names]
        ways = " or ".join(f"{opt} {key}" for opt, key in sorted(pairs, key=lambda p: p[1]))
        if rep is None:
            keep, name = ", and give the rep's name with --rep NAME", "--rep NAME "
        else:
            keep, name = (f" (--rep '{rep}' stays the rep's name)" if mention else ""), ""
        opt, key = _option(sides[guess.speaker]), sides[guess.speaker]
        return (
            f"Say which side is the rep with {ways}{keep}. roleplay guesses "
            f"{guess.speaker} ({why}): to score on that guess, pass {name}{opt} {key}."
        )
    hint = did_you_mean(rep, names) if mention and rep is not None else None
    if hint:
        return f"Did you mean --rep '{hint}'?"
    return (
        f"Pass --rep with the rep's speaker name. roleplay guesses '{guess.speaker}' ({why}): "
        f"to score on that guess, pass --rep '{guess.speaker}'."
    )


def _looks_like_prose(m: re.Match[str]) -> bool:
    """'Note that the price: 40k' is a sentence, not a speaker label."""
    name, _over = _name((m["bracketed"] or m["plain"] or "").strip())
    return len(name.split()) > 4


def _name(label: str) -> tuple[str, bool]:
    """A line's speaker, and whether the line is marked as said over the other side, as
    `transcribe --speakers` and `show` mark it: "Kari (over Customer)" is Kari's line."""
    m = OVER.match(label)
    return (m["name"], True) if m else (label, False)


def _seconds(ts: str | None) -> float | None:
    if not ts:
        return None
    parts = [float(p) for p in ts.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0.0)
    h, m, s = parts
    return h * 3600 + m * 60 + s
