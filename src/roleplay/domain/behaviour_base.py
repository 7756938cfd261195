"""What every behaviour rule shares: the reading it returns, the bad behaviour it quotes, and
the structural findings several skills use (open questions, play-backs, checks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from roleplay.domain import behaviour_words as w
from roleplay.domain import text as txt
from roleplay.domain.conversation import _NUMBER_WORDS, Call, Line, turns_of


@dataclass
class Reading:
    level: int
    found: list[str]  # what the rule saw, in words, for the rationale
    good: list[Line] = field(default_factory=list)
    bad: list[Line] = field(default_factory=list)


def negatives(call: Call, kinds: tuple[str, ...]) -> dict[str, list[Line]]:
    table = w.NEGATIVE[call.lang]
    out: dict[str, list[Line]] = {}
    for line in call.counted():
        for kind in kinds:
            if table[kind].search(line.text):
                out.setdefault(kind, []).append(line)
    return out


def finish(
    level: int,
    found: list[str],
    good: list[Line],
    bad: dict[str, list[Line]],
    penalise: tuple[str, ...] = (),
) -> Reading:
    """Each kind of bad behaviour in `penalise` costs a level (never below 1)."""
    hits = [k for k in penalise if bad.get(k)]
    level = max(1, min(5, level) - len(hits))
    if bad:
        found.append("to work on: " + ", ".join(sorted(bad)))
    flat = [line for k in sorted(bad) for line in bad[k]]
    unique: list[Line] = []
    seen: set[int] = set()  # by identity, as before; a set, not a scan of the ones before
    for line in flat:
        if id(line) not in seen:
            seen.add(id(line))
            unique.append(line)
    return Reading(level, found, good, unique)


def is_(pattern: w.Table, call: Call, line: Line) -> bool:
    return bool(pattern[call.lang].search(line.text))


def open_questions(call: Call) -> list[Line]:
    leading = w.NEGATIVE[call.lang]["leading"]
    return [
        line
        for line in call.counted()
        if (
            # "Walk me through..." is an open question without a question mark.
            any(q.kind == "open" for q in txt.questions(line.text, call.lang))
            or (line.is_question and w.EMBEDDED_OPEN[call.lang].search(line.text))
        )
        and not leading.search(line.text)
    ]


def checks(call: Call) -> list[Line]:
    """Short closed questions right after a play-back in the same turn ("Is that it?")."""
    found: list[Line] = []
    lines = call.counted()
    played = {id(p) for p in plays(call)}  # `prev is p` for some p, without the scan
    for prev, line in pairwise(lines):
        short = len(txt.words(line.text)) <= 8 and line.is_question
        if short and prev.turn is line.turn and id(prev) in played:
            found.append(line)
    # A play-back asked as a question checks itself ("January 15th, $50, just to confirm?").
    found += [
        line
        for line in lines
        if line.playback >= 2
        and any(q.kind == "closed" for q in txt.questions(line.text, call.lang))
    ]
    return found


def plays(call: Call) -> list[Line]:
    """Play-backs of the customer's specifics; a pitch or a rebuttal that names them is not
    listening ("Kassio doesn't have half our features")."""
    table = w.NEGATIVE[call.lang]
    wrong = ("pitching", "arguing", "blaming", "policy", "refusing", "pressure")
    # Their words repeated and then turned on them ("Charged twice, $240, your payment bounced.
    # Did you maybe add the card twice yourself?") is parroting, not listening.
    turned = turns_of(
        line
        for line in call.counted()
        if any(table[k].search(line.text) for k in ("blaming", "policy", "refusing"))
    )
    return [
        line
        for line in call.counted()
        if line.playback >= 1.5
        and not any(table[k].search(line.text) for k in wrong)
        and id(line.turn) not in turned
    ]


def number_words(call: Call) -> set[str]:
    return _NUMBER_WORDS[call.lang]


def has_number(text: str, call: Call) -> bool:
    return any(ch.isdigit() for ch in text) or any(
        word in number_words(call) for word in txt.normalise(text).replace("-", " ").split()
    )


ECHO_RUN = 3  # words in a row taken from the customer's last turn ("the second time this year")


def echoes(line: Line) -> bool:
    """The line repeats the customer's last turn: their specifics, or a run of their words
    whose content words alone are too common to count ("It's the second time this year!" ->
    "The second time this year, so you've had to chase us before")."""
    if line.from_before >= 1.5 or not line.before:
        return line.from_before >= 1.5
    theirs = txt.normalise(line.before).split()
    mine = txt.normalise(line.text).split()
    runs = {tuple(theirs[i : i + ECHO_RUN]) for i in range(len(theirs) - ECHO_RUN + 1)}
    return any(
        tuple(mine[i : i + ECHO_RUN]) in runs and max(len(t) for t in mine[i : i + ECHO_RUN]) >= 5
        for i in range(len(mine) - ECHO_RUN + 1)
    )
