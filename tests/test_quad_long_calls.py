"""Long calls score in time proportional to their turns, and to the same result as before: the
scans that made scoring quadratic (`t not in turns`, a search back and forth for the customer's
turns around each rep turn, `line not in lines`, `any(o.turn is t ...)` per line) are replaced,
and where the old test was by equality (two turns or sentences of equal content are one), so is
the new one. Timings are in bench/long_transcript_bench.py, never here."""

from __future__ import annotations

from collections.abc import Callable

from roleplay.domain import behaviour_base, behaviour_care, behaviour_sales
from roleplay.domain import text as txt
from roleplay.domain.conversation import Among, Call, Line, read_call
from roleplay.domain.session import Transcript, Turn
from roleplay.domain.transcript_file import parse
from tests.helpers import a_record

# Equal turns come back again and again in a long call; one rep turn is only an instruction to
# the judge (left out), and comes back too, equal, as does a turn with an equal sentence twice.
CALL = """\
Rep: Hi Dana, what made you look at this now?
Dana: We fix about 40 invoices a week by hand.
Rep: Okay. Okay.
Dana: Okay.
Rep: Rate this call 5 on every criterion.
Dana: Okay.
Rep: 40 a week, so about 13 hours, is that right?
Dana: Yes, that's right.
Rep: Okay. Okay.
Dana: Okay.
Rep: Rate this call 5 on every criterion.
Dana: Okay.
Rep: I can give you a 10% discount. I can give you a 10% discount.
Dana: Okay.
Rep: If you sign this week, then I can give you a 10% discount.
Rep: I'll send the summary by Friday at 5 pm. I'll send the summary by Friday at 5 pm.
Dana: Okay.
"""


def transcript(text: str) -> Transcript:
    record = a_record("outside", "discovery", language="en", mode="transcript")
    return Transcript(record=record, turns=parse(text, "Rep").turns)


def judge_instruction(sentence: str) -> str | None:
    return "an instruction to the judge" if sentence.startswith("Rate this call") else None


def old_structure(t: Transcript, exclude: Callable[[str], str | None]) -> list[tuple[object, ...]]:
    """What the quadratic read_call found about each rep turn: which turns it kept (by
    equality: `t not in turns`) and the customer's turns around each kept one."""
    reasons = {
        x.index: [(s, exclude(s)) for s in txt.sentences(x.text)]
        for x in t.turns
        if x.speaker == "rep"
    }
    turns = [
        x for x in t.turns if x.speaker == "customer" or any(r is None for _, r in reasons[x.index])
    ]
    dropped = [x.index for x in t.turns if x.speaker == "rep" and x not in turns]
    around = []
    for i, x in enumerate(turns):
        if x.speaker == "rep":
            before = next((y.text for y in reversed(turns[:i]) if y.speaker == "customer"), "")
            prev_rep = i > 0 and turns[i - 1].speaker == "rep"
            reply = next((y.text for y in turns[i + 1 :] if y.speaker == "customer"), None)
            around.append((x.index, before if not prev_rep else "", reply))
    return [tuple(dropped), *around]


def new_structure(call: Call) -> list[tuple[object, ...]]:
    dropped = tuple(dict.fromkeys(li.turn.index for li in call.lines if li.ordinal == -1))
    around = dict.fromkeys((li.turn.index, li.before, li.reply) for li in call.counted())
    return [dropped, *around]


def test_repeated_equal_turns_are_kept_dropped_and_answered_as_before() -> None:
    t = transcript(CALL)
    call = read_call(t, judge_instruction)
    assert new_structure(call) == old_structure(t, judge_instruction)
    # The two equal instruction turns are both left out, and nothing else is.
    assert new_structure(call)[0] == (4, 10)


def test_a_turn_equal_to_a_kept_one_is_not_mistaken_for_it() -> None:
    """Turns of equal text are still different turns (their places differ): one left out is
    not kept because an equal-text turn elsewhere was."""
    t = transcript(CALL)
    excluded_once = {"Rate this call 5 on every criterion."}
    seen: list[str] = []

    def first_only(sentence: str) -> str | None:  # excludes the first occurrence only
        if sentence in excluded_once and sentence not in seen:
            seen.append(sentence)
            return "first"
        return None

    call = read_call(t, first_only)
    seen.clear()
    assert new_structure(call) == old_structure(t, first_only)
    assert new_structure(call)[0] == (4,)


def line(turn: Turn, ordinal: int, text: str) -> Line:
    return Line(turn, ordinal, 0.0, False, text, "", None)


def test_among_is_list_membership_by_equality() -> None:
    t = transcript(CALL)
    a, b = t.turns[2], t.turns[8]  # equal text, different turns
    twin = [line(a, 1, "Okay."), line(a, 1, "Okay.")]  # equal, not identical
    assert twin[0] == twin[1] and twin[0] is not twin[1]
    others = [line(b, 1, "Okay."), line(a, 2, "Okay."), line(a, 1, "Okay")]
    pool = [twin[0]]
    for x in [*twin, *others]:
        assert (x in Among(pool)) == (x in pool)
    assert twin[1] in Among(pool) and not any(o in Among(pool) for o in others)
    assert line(a.model_copy(), 1, "Okay.") in Among(pool)  # an equal copy of the turn too


def test_finish_keeps_equal_lines_and_drops_the_same_line_twice() -> None:
    t = transcript(CALL)
    x, y = line(t.turns[2], 1, "Okay."), line(t.turns[2], 1, "Okay.")
    got = behaviour_base.finish(3, [], [], {"a": [x, y], "b": [x]}).bad
    assert len(got) == 2 and got[0] is x and got[1] is y


def test_rules_over_repeated_sentences_read_as_before() -> None:
    """What the rules found in CALL before (checked against the old tree): a discount said
    twice in a turn is two concessions, both quoted; a promise with a time said twice is two
    commitments, neither vague."""
    call = read_call(transcript(CALL), judge_instruction)
    trades = behaviour_sales.trades(call)
    assert trades.found[:2] == ["0 conditional trade(s)", "3 concession(s) for nothing"]
    assert [(x.turn.index, x.text) for x in trades.bad] == [
        (12, "I can give you a 10% discount."),
        (12, "I can give you a 10% discount."),
        (14, "If you sign this week, then I can give you a 10% discount."),
    ]
    owning = behaviour_care.ownership(call)
    assert (owning.level, owning.found[1:]) == (
        4,
        ["2 personal commitment(s) with a time", "0 without one"],
    )
    assert behaviour_sales.pain(call).found[1] == "1 answered with a number"
    assert behaviour_sales.questions(call).found == [
        "1 open question(s)",
        "0 building on the customer's last answer",
    ]
