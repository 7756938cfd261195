"""Behaviour rules for the customer-care skills and the ones every call needs: listening,
calming the situation, owning the problem, agreeing the next step."""

from __future__ import annotations

from roleplay.domain import behaviour_words as w
from roleplay.domain import text as txt
from roleplay.domain.behaviour_base import Reading, checks, echoes, finish, is_, negatives, plays
from roleplay.domain.conversation import (
    Among,
    Call,
    Line,
    agrees,
    first_person,
    specifics,
    turns_of,
    when,
)

RECAP = 2  # specifics of the rep's earlier plan that a line repeats to sum the plan up


def listening(call: Call) -> Reading:
    played = plays(call)
    turns = {line.ordinal for line in played}
    checked = checks(call)
    confirmed = [c for c in checked if agrees(c.reply, call.lang)]
    n = len(turns)
    level = 2 if n == 0 else 3 if n == 1 else 4 if (checked or n >= 3) else 3
    if n == 1 and checked:
        level = 4
    if n >= 3 and confirmed:
        level = 5
    found = [f"{n} turn(s) playing back the customer's specifics", f"{len(checked)} check(s)"]
    if confirmed:
        found.append("the customer confirmed")
    played.sort(key=lambda line: -line.playback)
    bad = negatives(call, ("ignoring", "arguing"))
    return finish(level, found, [*played[:2], *confirmed[:1]], bad, ("ignoring", "arguing"))


def de_escalation(call: Call) -> Reading:
    answers = [line for line in call.counted() if line.before and line.ordinal is not None]
    stock = w.NEGATIVE[call.lang]["stock"]
    acks = [
        line
        for line in answers
        if is_(w.VALIDATES, call, line) and not stock.search(line.text) and not line.is_question
    ]
    heard = turns_of(other for other in call.counted() if echoes(other))
    # In their terms: the turn echoes what they just said, or the acknowledgement itself
    # names one of their specifics ("Understood, the 4410 card is coming off").
    strong = [a for a in acks if id(a.turn) in heard or a.played_hard]
    strong_turns = {a.ordinal for a in strong}
    weak_turns = {a.ordinal for a in acks} - strong_turns
    bad = negatives(call, ("refusing", "blaming", "policy", "arguing", "stock"))
    # Acknowledged in three turns or more, one of them in their terms, with nothing scripted:
    # the customer was heard throughout ("that would make anyone furious", "we've let you
    # down twice", "Understood, the 4410 card is coming off").
    steady = strong_turns and len(strong_turns | weak_turns) >= 3 and not bad.get("stock")
    if len(strong_turns) >= 2 or steady:
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
    if (len(strong_turns) >= 2 or steady) and settled:
        level = 5
    found = [
        f"{len(strong_turns)} turn(s) acknowledging what the customer said in their terms",
        f"{len(weak_turns)} general acknowledgement(s)",
    ]
    if settled:
        found.append("the customer settled by the end")
    return finish(
        level, found, [*strong[:2], *acks[:1]], bad, ("refusing", "blaming", "policy", "arguing")
    )


def ownership(call: Call) -> Reading:
    lines = [line for line in call.counted() if not line.is_question]
    mine = [line for line in lines if first_person(line.text, call.lang)]
    done = [line for line in lines if is_(w.DONE_NOW, call, line)]
    timed = [
        line
        for line in mine
        if when(line.text, call.lang) >= 2
        and (is_(w.FUTURE, call, line) or is_(w.DONE_NOW, call, line))
        and not is_(w.HEDGE, call, line)
    ]
    with_time = Among(timed)
    vague = [line for line in mine if is_(w.FUTURE, call, line) and line not in with_time]
    owning = [line for line in lines if is_(w.OWNING, call, line)]
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
    return finish(level, found, good, bad, ("passing on", "blaming", "refusing", "policy"))


def next_steps(call: Call) -> Reading:
    late = [line for line in call.counted() if line.position >= 0.5]
    plans = [
        line
        for line in late
        if (not line.is_question and when(line.text, call.lang) >= 1)
        or (
            line.is_question
            and not _about_now(line, call)
            and (when(line.text, call.lang) or is_(w.MEETING, call, line))
        )
    ]
    spec = max((when(line.text, call.lang) for line in plans), default=0)
    proposals = [line for line in plans if line.is_question]
    agreed = [line for line in proposals if agrees(line.reply, call.lang)]
    yes_after = [line for line in late if line.is_question and agrees(line.reply, call.lang)]
    extras = {
        "a reference or direct line": any(w.REFERENCE.search(line.text) for line in late),
        "the invite sent on the call": any(is_(w.INVITE_SENT, call, line) for line in late),
        "who else joins or decides": any(is_(w.DECISION, call, line) for line in late)
        or any(any(h.isalpha() for h in line.played_hard) for line in proposals),
        "a recap": any(line.playback >= 4 for line in late) or _recaps(call, late),
        # "Thursday at 3 is fine. I'll bring Maria.": what each side brings.
        "the customer's own part": any(
            w.CUSTOMER_PART[call.lang].search(line.reply or "") for line in [*agreed, *yes_after]
        ),
    }
    promised = [
        line
        for line in late
        if not line.is_question and first_person(line.text, call.lang) and is_(w.FUTURE, call, line)
    ]
    if not plans:
        level = 2 if promised else 1
    elif spec <= 1:
        level = 2 if spec == 0 else 3
    elif spec == 2:
        level = 4 if agreed else 3
    else:
        level = 4 if (agreed or yes_after or extras["a reference or direct line"]) else 3
    had = [k for k, v in extras.items() if v]
    if spec == 3 and (agreed or yes_after) and len(had) >= 2:
        level = 5
    found = [
        ["no time", "a rough time", "a day", "a day and a time"][spec] + " for the next step",
        "the customer agreed" if (agreed or yes_after) else "no agreement from the customer",
        *had,
    ]
    bad = {
        k: [x for x in v if x.position >= 0.5]
        for k, v in negatives(call, ("drifting", "passing on", "no timing")).items()
    }
    bad = {k: v for k, v in bad.items() if v}
    plans.sort(key=lambda line: -when(line.text, call.lang))
    penalty = ("drifting", "no timing")
    return finish(level, found, [*agreed[:1], *plans[:2]], bad, penalty)


def _about_now(line: Line, call: Call) -> bool:
    """An open question whose only time is "today" or "now" asks how things are done ("How do
    you plan maintenance across the plants today?", "What are you using right now?"), not
    when to take a step: two such discovery questions late in a call were read as "a day for
    the next step", 3/5, and named the call's strength. "Could I send it today?" (closed),
    "What time suits you today?" and "Can we meet now?" still propose one."""
    if is_(w.MEETING, call, line) or is_(w.PROPOSING, call, line):
        return False
    if not w.NOW[call.lang].search(line.text):
        return False
    if not any(q.kind == "open" for q in txt.questions(line.text, call.lang)):
        return False
    return when(w.NOW[call.lang].sub(" ", line.text), call.lang) == 0


def _recaps(call: Call, late: list[Line]) -> bool:
    """A late line that sums up the plan the rep laid out earlier ("So by four: the refund on
    its way to 4410, the $35 back in your business account, the card removed and my email"):
    two or more of the specifics of the rep's earlier lines with a time."""
    planned_hard: set[str] = set()
    planned_soft: set[str] = set()
    is_late = Among(late)
    for line in call.counted():
        if line in is_late and (planned_hard or planned_soft):
            hard, soft = specifics(line.text, call.lang)
            if len(hard & planned_hard) + 0.5 * len(soft & planned_soft) >= RECAP:
                return True
        if not line.is_question and when(line.text, call.lang) >= 1:
            hard, soft = specifics(line.text, call.lang)
            planned_hard |= hard
            planned_soft |= soft
    return False
