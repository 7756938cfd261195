"""Behaviour rules: a level per skill, read from the call's structure (domain/conversation.py).

Each rule follows the rubrics' own level ladders (what a level-3 or a level-5 call does) and
returns the lines it relied on, good and bad, so the scorecard quotes what went right and what
went wrong. Skills without a rule are left to the rubric's signals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from roleplay.domain import behaviour_words as w
from roleplay.domain import text as txt
from roleplay.domain.conversation import Call, Line, agrees, first_person, when


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


def _finish(
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
    unique = [line for i, line in enumerate(flat) if all(o is not line for o in flat[:i])]
    return Reading(level, found, good, unique)


def _is(pattern: w.Table, call: Call, line: Line) -> bool:
    return bool(pattern[call.lang].search(line.text))


def _open_questions(call: Call) -> list[Line]:
    leading = w.NEGATIVE[call.lang]["leading"]
    return [
        line
        for line in call.counted()
        if line.is_question
        and (
            any(q.kind == "open" for q in txt.questions(line.text, call.lang))
            or w.EMBEDDED_OPEN[call.lang].search(line.text)
        )
        and not leading.search(line.text)
    ]


def _checks(call: Call) -> list[Line]:
    """Short closed questions right after a play-back in the same turn ("Is that it?")."""
    found: list[Line] = []
    lines = call.counted()
    plays = _plays(call)
    for prev, line in pairwise(lines):
        short = len(txt.words(line.text)) <= 8 and line.is_question
        if short and prev.turn is line.turn and prev in plays:
            found.append(line)
    # A play-back asked as a question checks itself ("January 15th, $50, just to confirm?").
    found += [
        line
        for line in lines
        if line.playback >= 2
        and any(q.kind == "closed" for q in txt.questions(line.text, call.lang))
    ]
    return found


def _plays(call: Call) -> list[Line]:
    """Play-backs of the customer's specifics; a pitch or a rebuttal that names them is not
    listening ("Kassio doesn't have half our features")."""
    table = w.NEGATIVE[call.lang]
    wrong = ("pitching", "arguing", "blaming", "policy", "refusing", "pressure")
    return [
        line
        for line in call.counted()
        if line.playback >= 1.5 and not any(table[k].search(line.text) for k in wrong)
    ]


def listening(call: Call) -> Reading:
    plays = _plays(call)
    turns = {line.ordinal for line in plays}
    checks = _checks(call)
    confirmed = [c for c in checks if agrees(c.reply, call.lang)]
    n = len(turns)
    level = 2 if n == 0 else 3 if n == 1 else 4 if (checks or n >= 3) else 3
    if n == 1 and checks:
        level = 4
    if n >= 3 and confirmed:
        level = 5
    found = [f"{n} turn(s) playing back the customer's specifics", f"{len(checks)} check(s)"]
    if confirmed:
        found.append("the customer confirmed")
    plays.sort(key=lambda line: -line.playback)
    bad = negatives(call, ("ignoring", "arguing"))
    return _finish(level, found, [*plays[:2], *confirmed[:1]], bad, ("ignoring", "arguing"))


def de_escalation(call: Call) -> Reading:
    answers = [line for line in call.counted() if line.before and line.ordinal is not None]
    stock = w.NEGATIVE[call.lang]["stock"]
    acks = [
        line
        for line in answers
        if _is(w.VALIDATES, call, line) and not stock.search(line.text) and not line.is_question
    ]
    strong = [
        a
        for a in acks
        if any(other.turn is a.turn and other.from_before >= 1.5 for other in call.counted())
    ]
    strong_turns = {a.ordinal for a in strong}
    weak_turns = {a.ordinal for a in acks} - strong_turns
    bad = negatives(call, ("refusing", "blaming", "policy", "arguing", "stock"))
    if len(strong_turns) >= 2:
        level = 4
    elif strong_turns:
        level = 3
    elif weak_turns:
        level = 3 if len(weak_turns) >= 2 and not bad.get("stock") else 2
    else:
        level = 2 if bad.get("stock") else 1
    last = call.customer_turns[-1].text if call.customer_turns else ""
    settled = bool(w.SETTLED[call.lang].search(last)) and call.lines[-1].turn.index < (
        call.customer_turns[-1].index if call.customer_turns else 0
    )
    if len(strong_turns) >= 2 and settled:
        level = 5
    found = [
        f"{len(strong_turns)} turn(s) acknowledging what the customer said in their terms",
        f"{len(weak_turns)} general acknowledgement(s)",
    ]
    if settled:
        found.append("the customer settled by the end")
    return _finish(
        level, found, [*strong[:2], *acks[:1]], bad, ("refusing", "blaming", "policy", "arguing")
    )


def ownership(call: Call) -> Reading:
    lines = [line for line in call.counted() if not line.is_question]
    mine = [line for line in lines if first_person(line.text, call.lang)]
    done = [line for line in lines if _is(w.DONE_NOW, call, line)]
    timed = [
        line
        for line in mine
        if when(line.text, call.lang) >= 2
        and (_is(w.FUTURE, call, line) or _is(w.DONE_NOW, call, line))
        and not _is(w.HEDGE, call, line)
    ]
    vague = [line for line in mine if _is(w.FUTURE, call, line) and line not in timed]
    owning = [line for line in lines if _is(w.OWNING, call, line)]
    strong = [*done, *timed]  # one sentence can both report an action and promise one
    bad = negatives(call, ("passing on", "blaming", "refusing", "policy"))
    if len(strong) >= 3 and done and owning:
        level = 5
    elif len(strong) >= 2:
        level = 4
    elif strong or vague:
        level = 3
    else:
        level = 2
    found = [
        f"{len(done)} thing(s) done during the call",
        f"{len(timed)} personal commitment(s) with a time",
        f"{len(vague)} without one",
    ]
    good = [*done[:1], *timed[:2], *owning[:1]]
    return _finish(level, found, good, bad, ("passing on", "blaming", "refusing", "policy"))


def next_steps(call: Call) -> Reading:
    late = [line for line in call.counted() if line.position >= 0.5]
    plans = [
        line
        for line in late
        if (not line.is_question and when(line.text, call.lang) >= 1)
        or (line.is_question and (when(line.text, call.lang) or _is(w.MEETING, call, line)))
    ]
    spec = max((when(line.text, call.lang) for line in plans), default=0)
    proposals = [line for line in plans if line.is_question]
    agreed = [line for line in proposals if agrees(line.reply, call.lang)]
    checks = [line for line in late if line.is_question and agrees(line.reply, call.lang)]
    extras = {
        "a reference or direct line": any(w.REFERENCE.search(line.text) for line in late),
        "the invite sent on the call": any(_is(w.INVITE_SENT, call, line) for line in late),
        "who else joins or decides": any(_is(w.DECISION, call, line) for line in late)
        or any(any(h.isalpha() for h in line.played_hard) for line in proposals),
        "a recap": any(line.playback >= 4 for line in late),
    }
    promised = [
        line
        for line in late
        if not line.is_question and first_person(line.text, call.lang) and _is(w.FUTURE, call, line)
    ]
    if not plans:
        level = 2 if promised else 1
    elif spec <= 1:
        level = 2 if spec == 0 else 3
    elif spec == 2:
        level = 4 if agreed else 3
    else:
        level = 4 if (agreed or checks or extras["a reference or direct line"]) else 3
    had = [k for k, v in extras.items() if v]
    if spec == 3 and (agreed or checks) and len(had) >= 2:
        level = 5
    found = [
        ["no time", "a rough time", "a day", "a day and a time"][spec] + " for the next step",
        "the customer agreed" if (agreed or checks) else "no agreement from the customer",
        *had,
    ]
    bad = {
        k: [x for x in v if x.position >= 0.5]
        for k, v in negatives(call, ("drifting", "passing on", "no timing")).items()
    }
    bad = {k: v for k, v in bad.items() if v}
    plans.sort(key=lambda line: -when(line.text, call.lang))
    penalty = ("drifting", "no timing")
    return _finish(level, found, [*agreed[:1], *plans[:2]], bad, penalty)


def questions(call: Call) -> Reading:
    opens = _open_questions(call)
    builds = [
        q
        for q in opens
        if q.from_before >= 1
        or any(o.turn is q.turn and o.from_before >= 1 for o in call.counted())
    ]
    n, b = len(opens), len(builds)
    level = 1 if n == 0 else 2 if n <= 2 else 3
    if n >= 3 and b >= 1:
        level = 4
    if n >= 4 and b >= 3:
        level = 5
    bad = negatives(call, ("pitching", "leading"))
    pitch = len(bad.get("pitching", []))
    level -= 1 if pitch >= 2 else 0
    found = [f"{n} open question(s)", f"{b} building on the customer's last answer"]
    return _finish(level, found, [*builds[:2], *opens[:1]], bad, ("leading",))


def pain(call: Call) -> Reading:
    asked = [line for line in call.counted() if line.is_question and _is(w.QUANT, call, line)]
    numeric = [
        line
        for line in call.counted()
        if line.is_question and line.reply and _has_number(line.reply, call)
    ]
    answered = {line.ordinal for line in numeric}
    sums = [
        line
        for line in call.counted()
        if not line.is_question
        and len([h for h in line.played_hard if not h.isalpha() or h in _numbers(call)]) >= 1
        and (line.new_numbers or _is(w.MONEY_TIME, call, line))
        and line.playback >= 1.5
    ]
    confirmed = [
        s
        for s in sums
        if agrees(s.reply, call.lang) and any(c.turn is s.turn for c in _checks(call))
    ]
    a = len(answered)
    if a == 0:
        level = 2 if asked else 1
    elif sums and a >= 2:
        level = 5 if confirmed else 4
    elif sums:
        level = 4
    else:
        level = 3
    found = [
        f"{len(asked)} question(s) about size or cost",
        f"{a} answered with a number",
        f"{len(sums)} sum(s) of the customer's numbers",
    ]
    bad = negatives(call, ("pitching",))
    claims = {"pitching": [x for x in bad.get("pitching", []) if _has_number(x.text, call)]}
    claims = {k: v for k, v in claims.items() if v}
    return _finish(level, found, [*sums[:2], *asked[:1]], claims, ("pitching",))


def _numbers(call: Call) -> set[str]:
    from roleplay.domain.conversation import _NUMBER_WORDS

    return _NUMBER_WORDS[call.lang]


def _has_number(text: str, call: Call) -> bool:
    return any(ch.isdigit() for ch in text) or any(
        word in _numbers(call) for word in txt.normalise(text).replace("-", " ").split()
    )


def opening(call: Call) -> Reading:
    first = [line for line in call.counted() if line.ordinal == 0]
    intro = any(w.INTRO[call.lang].search(line.text) for line in first)
    elements = {
        "a researched reason": any(_is(w.RESEARCHED, call, line) for line in first),
        "an easy question": any(line.is_question for line in first),
        "respect for their time": any(_is(w.COURTESY, call, line) for line in first),
    }
    had = [k for k, v in elements.items() if v]
    level = 1 if not intro else 2 + len(had)
    bad = {
        "a weak opening": [
            line for line in call.counted() if line.ordinal <= 1 and _is(w.OPENING_BAD, call, line)
        ],
        "pitching": [line for line in first if w.NEGATIVE[call.lang]["pitching"].search(line.text)],
    }
    bad = {k: v for k, v in bad.items() if v}
    found = ["introduces themselves" if intro else "no clear introduction", *had]
    return _finish(level, found, first[:2] if intro else [], bad, ("a weak opening", "pitching"))


def acknowledge(call: Call) -> Reading:
    argue = w.NEGATIVE[call.lang]["arguing"]
    acks = [
        line
        for line in call.counted()
        if line.before
        and line.first_in_turn
        and not line.is_question
        and (_is(w.VALIDATES, call, line))
        and not argue.search(line.text)
    ]
    own = [a for a in acks if any(o.turn is a.turn and o.from_before >= 1 for o in call.counted())]
    formal = negatives(call, ("arguing",)).get("arguing", [])
    a = len(acks)
    level = (2 if formal else 1) if a == 0 else 3
    if a >= 2 and own:
        level = 4
    if a >= 3 and len(own) >= 2 and not formal:
        level = 5
    found = [f"{a} acknowledgement(s) before answering", f"{len(own)} in the customer's terms"]
    bad = negatives(call, ("arguing", "pitching"))
    return _finish(level, found, [*own[:2], *acks[:1]], bad, ("arguing",))


def clarify(call: Call) -> Reading:
    opens = [q for q in _open_questions(call) if not _is(w.MEETING, call, q)]
    isolate = [q for q in call.counted() if q.is_question and _is(w.ISOLATE, call, q)]
    discount = [line for line in call.counted() if _is(w.DISCOUNT, call, line)]
    n = len(opens)
    closed = any(line.is_question for line in call.counted())
    level = (2 if closed else 1) if n == 0 else 3
    if n >= 3 or (n >= 2 and isolate):
        level = 4
    if n >= 3 and isolate and not discount:
        level = 5
    found = [f"{n} open question(s) about the objection", f"{len(isolate)} isolating it"]
    bad = {"a discount": discount} if discount else {}
    return _finish(level, found, [*isolate[:1], *opens[:2]], bad, ("a discount",))


def reframe(call: Call) -> Reading:
    frames = [
        line
        for line in call.counted()
        if not line.is_question
        and (line.played_hard or line.playback >= 1.5)
        and _is(w.COMPARE, call, line)
    ]
    proof = [line for line in call.counted() if _is(w.PROOF, call, line)]
    checks = [
        line
        for line in call.counted()
        if line.is_question
        and agrees(line.reply, call.lang)
        and any(f.turn is line.turn for f in frames + proof)
    ]
    bad = negatives(call, ("pitching", "arguing"))
    discount = [line for line in call.counted() if _is(w.DISCOUNT, call, line)]
    if discount:
        bad["a discount"] = discount
    r = len(frames)
    if r == 0:
        level = 2 if len(bad.get("pitching", [])) < 2 else 1
    elif r >= 2 or proof:
        level = 4
    else:
        level = 3
    if r >= 1 and proof and checks:
        level = 5
    found = [
        f"{r} line(s) weighing the customer's own numbers",
        f"{len(proof)} proof point(s)",
        f"{len(checks)} check(s) that it landed",
    ]
    return _finish(level, found, [*frames[:2], *proof[:1]], bad, ("a discount",))


def trades(call: Call) -> Reading:
    pressure = w.NEGATIVE[call.lang]["pressure"]
    made = [
        line
        for line in call.counted()
        if _is(w.TRADE, call, line) and not pressure.search(line.text)
    ]
    caves = [line for line in call.counted() if _is(w.DISCOUNT, call, line) and line not in made]
    summary = [line for line in call.counted() if line.playback >= 4 and line.position >= 0.5]
    probes = _open_questions(call)
    t = len(made)
    level = (1 if caves else 2) if t == 0 else 3 if t == 1 else 4
    if t >= 2 and summary and len(probes) >= 2 and not caves:
        level = 5
    found = [f"{t} conditional trade(s)", f"{len(caves)} concession(s) for nothing"]
    if summary:
        found.append("the package summed up")
    bad = {"concessions for nothing": caves} if caves else {}
    level = max(1, level - max(0, min(len(caves), 2) - (1 if t == 0 else 0)))
    return _finish(level, found, [*made[:2], *summary[:1]], bad)


def ask(call: Call) -> Reading:
    asks = [line for line in call.counted() if line.is_question and _is(w.ASK, call, line)]
    agreed = [line for line in asks if agrees(line.reply, call.lang)]
    ready = [line for line in call.counted() if line.is_question and _is(w.READINESS, call, line)]
    bad = negatives(call, ("pressure", "drifting"))
    if not asks:
        level = 2 if (bad.get("pressure") or ready) else 1
    elif agreed:
        level = 5 if ready and not bad.get("pressure") else 4
    else:
        level = 3
    found = [f"{len(asks)} direct ask(s)", f"{len(agreed)} answered yes", f"{len(ready)} check(s)"]
    return _finish(
        level, found, [*agreed[:1], *asks[:1], *ready[:1]], bad, ("pressure",) if asks else ()
    )


Rule = Callable[[Call], Reading]
RULES: dict[str, Rule] = {
    "active-listening": listening,
    "de-escalation": de_escalation,
    "ownership": ownership,
    "next-steps": next_steps,
    "discovery-questions": questions,
    "pain-quantification": pain,
    "rapport-opening": opening,
    "objection-acknowledge": acknowledge,
    "objection-clarify": clarify,
    "value-reframe": reframe,
    "negotiation-trades": trades,
    "ask-for-commitment": ask,
}
