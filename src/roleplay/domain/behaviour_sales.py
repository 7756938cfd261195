"""Behaviour rules for the selling skills: discovery questions, putting numbers on the pain,
the opening, handling objections, trading concessions and asking for the decision."""

from __future__ import annotations

from itertools import pairwise

from roleplay.domain import behaviour_words as w
from roleplay.domain import text as txt
from roleplay.domain.behaviour_base import (
    Reading,
    checks,
    echoes,
    finish,
    has_number,
    is_,
    negatives,
    number_words,
    open_questions,
)
from roleplay.domain.conversation import Among, Call, Line, agrees, turns_of

OPEN_REPLY = 8  # words: a customer answering at this length is still talking openly


def questions(call: Call) -> Reading:
    opens = open_questions(call)
    heard = turns_of(o for o in call.counted() if o.from_before >= 1)
    builds = [q for q in opens if q.from_before >= 1 or id(q.turn) in heard]
    n, b = len(opens), len(builds)
    level = 1 if n == 0 else 2 if n <= 2 else 3
    if n >= 3 and b >= 1:
        level = 4
    if n >= 4 and b >= 3:
        level = 5
    bad = negatives(call, ("pitching", "leading"))
    pitch = len(bad.get("pitching", []))
    level -= 1 if pitch >= 2 else 0
    # Questions "instead of pitching" (the discovery criteria): with a pitch in the call, a
    # 4 ("follows up until the problem comes out") was given to a mixed call that a trainer
    # gave 3, and lifted it over the pass mark. A pitch caps the level at 3.
    if pitch:
        level = min(level, 3)
    found = [f"{n} open question(s)", f"{b} building on the customer's last answer"]
    return finish(level, found, [*builds[:2], *opens[:1]], bad, ("leading",))


def pain(call: Call) -> Reading:
    asked = [line for line in call.counted() if line.is_question and is_(w.QUANT, call, line)]
    numeric = [
        line
        for line in call.counted()
        if line.is_question and line.reply and has_number(line.reply, call)
    ]
    answered = {line.ordinal for line in numeric}
    sums = [
        line
        for line in call.counted()
        if not line.is_question
        and len([h for h in line.played_hard if not h.isalpha() or h in number_words(call)]) >= 1
        and (line.new_numbers or is_(w.MONEY_TIME, call, line))
        and line.playback >= 1.5
    ]
    checked = turns_of(checks(call)) if sums else set()  # once, not once per sum
    confirmed = [s for s in sums if agrees(s.reply, call.lang) and id(s.turn) in checked]
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
    claims = {"pitching": [x for x in bad.get("pitching", []) if has_number(x.text, call)]}
    claims = {k: v for k, v in claims.items() if v}
    return finish(level, found, [*sums[:2], *asked[:1]], claims, ("pitching",))


def opening(call: Call) -> Reading:
    first = [line for line in call.counted() if line.ordinal == 0]
    intro = any(w.INTRO[call.lang].search(line.text) for line in first)
    elements = {
        "a researched reason": any(is_(w.RESEARCHED, call, line) for line in first),
        "an easy question": any(line.is_question for line in first),
        "respect for their time": any(is_(w.COURTESY, call, line) for line in first),
    }
    had = [k for k, v in elements.items() if v]
    level = 1 if not intro else 2 + len(had)
    bad = {
        "a weak opening": [
            line for line in call.counted() if line.ordinal <= 1 and is_(w.OPENING_BAD, call, line)
        ],
        "pitching": [line for line in first if w.NEGATIVE[call.lang]["pitching"].search(line.text)],
    }
    bad = {k: v for k, v in bad.items() if v}
    found = ["introduces themselves" if intro else "no clear introduction", *had]
    return finish(level, found, first[:2] if intro else [], bad, ("a weak opening", "pitching"))


def acknowledge(call: Call) -> Reading:
    table = w.NEGATIVE[call.lang]
    lines = call.counted()
    # "I hear you, that's fair. But HelpHive is old tech": a rebuttal, a pitch or a discount
    # in the same breath makes the acknowledgement a formality (level 2), whatever its words.
    rebutted = turns_of(
        line
        for line in lines
        if table["arguing"].search(line.text)
        or table["pitching"].search(line.text)
        or is_(w.DISCOUNT, call, line)
    )
    opening = [
        line
        for line in lines
        if line.before
        and line.first_in_turn
        and not line.is_question
        and not table["arguing"].search(line.text)
    ]
    said = [line for line in opening if is_(w.VALIDATES, call, line)]
    valid = [line for line in said if id(line.turn) not in rebutted]
    # The concern repeated back in one calm sentence (the rubrics' own tip), in their words:
    # "Routing and a driver app, but nothing to your contractors."
    echoed = [
        line
        for line in opening
        if id(line.turn) not in rebutted and line not in Among(said) and echoes(line)
    ]
    acks = [*valid, *echoed]
    heard = turns_of(o for o in lines if o.from_before >= 1 or echoes(o))
    own = [a for a in acks if id(a.turn) in heard]
    formal = [
        *negatives(call, ("arguing",)).get("arguing", []),
        *[line for line in said if id(line.turn) in rebutted],
    ]
    a = len(acks)
    level = (2 if formal else 1) if a == 0 else 3
    if a >= 2 and own and valid:
        level = 4
    bad = negatives(call, ("arguing", "pitching"))
    # Level 5 in fewer turns: thanked for raising it, named in their terms, nothing argued or
    # pitched, and the customer kept talking (each acknowledgement answered at length).
    thanked = any(is_(w.THANKS, call, line) for line in valid)
    talking = all(len(txt.words(line.reply or "")) >= OPEN_REPLY for line in valid)
    calm = thanked and talking and not bad and len(valid) >= 2
    if (len(valid) >= 3 and len(own) >= 2 and not formal) or (a >= 2 and own and calm):
        level = 5
    found = [f"{a} acknowledgement(s) before answering", f"{len(own)} in the customer's terms"]
    if calm and level == 5:
        found.append("thanked them and they kept talking")
    return finish(level, found, [*own[:2], *acks[:1]], bad, ("arguing",))


def clarify(call: Call) -> Reading:
    opens = [q for q in open_questions(call) if not is_(w.MEETING, call, q)]
    isolate = [q for q in call.counted() if q.is_question and is_(w.ISOLATE, call, q)]
    discount = [line for line in call.counted() if is_(w.DISCOUNT, call, line)]
    n = len(opens)
    closed = any(line.is_question for line in call.counted())
    level = (2 if closed else 1) if n == 0 else 3
    if n >= 3 or (n >= 2 and isolate):
        level = 4
    if n >= 3 and isolate and not discount:
        level = 5
    found = [f"{n} open question(s) about the objection", f"{len(isolate)} isolating it"]
    bad = {"a discount": discount} if discount else {}
    return finish(level, found, [*isolate[:1], *opens[:2]], bad, ("a discount",))


def reframe(call: Call) -> Reading:
    lines = call.counted()

    def weighs(line: Line) -> bool:
        return not line.is_question and bool(line.played_hard or line.playback >= 1.5)

    # The weighing may take two sentences: their number, then "Against that, ..." (the
    # comparison itself names none of their specifics). Not a pitch after their number ("Our
    # customers usually see 10% fewer miles, so it pays for itself").
    sells = w.NEGATIVE[call.lang]
    after_theirs = {
        id(b)
        for a, b in pairwise(lines)
        if a.turn is b.turn
        and weighs(a)
        and not any(sells[k].search(x.text) for x in (a, b) for k in ("pitching", "arguing"))
    }
    frames = [
        line
        for line in lines
        if (weighs(line) or (id(line) in after_theirs and not line.is_question))
        and is_(w.COMPARE, call, line)
    ]
    proof = [line for line in call.counted() if is_(w.PROOF, call, line)]
    framed = turns_of(frames + proof)
    landed = [
        line
        for line in call.counted()
        if line.is_question and agrees(line.reply, call.lang) and id(line.turn) in framed
    ]
    bad = negatives(call, ("pitching", "arguing"))
    discount = [line for line in call.counted() if is_(w.DISCOUNT, call, line)]
    if discount:
        bad["a discount"] = discount
    r = len(frames)
    if r == 0:
        level = 2 if len(bad.get("pitching", [])) < 2 else 1
    elif r >= 2 or proof:
        level = 4
    else:
        level = 3
    if r >= 1 and proof and landed:
        level = 5
    found = [
        f"{r} line(s) weighing the customer's own numbers",
        f"{len(proof)} proof point(s)",
        f"{len(landed)} check(s) that it landed",
    ]
    return finish(level, found, [*frames[:2], *proof[:1]], bad, ("a discount",))


def trades(call: Call) -> Reading:
    pressure = w.NEGATIVE[call.lang]["pressure"]
    made = [
        line
        for line in call.counted()
        if is_(w.TRADE, call, line) and not pressure.search(line.text)
    ]
    traded = Among(made)
    caves = [line for line in call.counted() if is_(w.DISCOUNT, call, line) and line not in traded]
    summary = [line for line in call.counted() if line.playback >= 4 and line.position >= 0.5]
    probes = open_questions(call)
    t = len(made)
    level = (1 if caves else 2) if t == 0 else 3 if t == 1 else 4
    if t >= 2 and summary and len(probes) >= 2 and not caves:
        level = 5
    found = [f"{t} conditional trade(s)", f"{len(caves)} concession(s) for nothing"]
    if summary:
        found.append("the package summed up")
    bad = {"concessions for nothing": caves} if caves else {}
    level = max(1, level - max(0, min(len(caves), 2) - (1 if t == 0 else 0)))
    return finish(level, found, [*made[:2], *summary[:1]], bad)


def ask(call: Call) -> Reading:
    asks = [line for line in call.counted() if line.is_question and is_(w.ASK, call, line)]
    agreed = [line for line in asks if agrees(line.reply, call.lang)]
    ready = [line for line in call.counted() if line.is_question and is_(w.READINESS, call, line)]
    bad = negatives(call, ("pressure", "drifting"))
    if not asks:
        level = 2 if (bad.get("pressure") or ready) else 1
    elif agreed:
        level = 5 if ready and not bad.get("pressure") else 4
    else:
        level = 3
    found = [f"{len(asks)} direct ask(s)", f"{len(agreed)} answered yes", f"{len(ready)} check(s)"]
    return finish(
        level, found, [*agreed[:1], *asks[:1], *ready[:1]], bad, ("pressure",) if asks else ()
    )
