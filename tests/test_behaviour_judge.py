"""The offline judge reads behaviour, not phrases: the examples a trainer raised against the
phrase-counting judge, each as a call a user could score."""

from __future__ import annotations

from pathlib import Path

from roleplay.domain.loading import load_rubric
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.scoring import score_offline
from roleplay.domain.session import (
    DrillRef,
    Transcript,
)
from roleplay.domain.transcript_file import parse
from tests.helpers import a_record

REPO = Path(__file__).resolve().parents[1]


def score(text: str, rubric: str, drill: DrillRef | None = None) -> Scorecard:
    r = load_rubric((REPO / "rubrics" / f"{rubric}.yaml").read_text(), rubric)[0]
    record = a_record("outside", r.id, language=r.language, mode="transcript", drill=drill)
    return score_offline(r, Transcript(record=record, turns=parse(text, "Rep").turns))


BILLING = """\
Dana: I was charged a $50 fee on January 15th and I never agreed to it.
Rep: January 15th, $50, labeled as a service fee on your statement, just to confirm?
Dana: Yes, exactly.
Rep: I've corrected that flag and I'm issuing a $50 credit right now.
Dana: When will I see it?
Rep: I don't have the exact timing, sorry.
Dana: Okay.
"""


def test_a_checked_play_back_of_the_customers_specifics_is_listening() -> None:
    c = score(BILLING, "customer-care").criterion("active-listening")
    assert c.level is not None and c.level >= 4
    assert c.evidence[0].quote.startswith("January 15th, $50")


def test_an_action_taken_now_is_ownership_without_the_rubrics_words() -> None:
    c = score(BILLING, "customer-care").criterion("ownership")
    assert c.level is not None and c.level >= 4


def test_no_timing_is_not_a_clear_next_step_and_is_quoted() -> None:
    c = score(BILLING, "customer-care").criterion("next-steps")
    assert c.level is not None and c.level <= 2
    assert [e.quote for e in c.counter_evidence] == ["I don't have the exact timing, sorry."]


def test_a_bare_i_understand_is_not_the_empathy_of_a_real_apology() -> None:
    opening = "Carla: You charged me twice and my supplier payment bounced. A $35 bank fee!\n"
    bare = score(opening + "Rep: I understand.\nCarla: Well?\n", "customer-care")
    real = score(
        opening + "Rep: I'm sorry, Carla. A bounced supplier payment and a $35 fee because of our "
        "double charge, that's not okay.\nCarla: No, it isn't.\n",
        "customer-care",
    )
    b, r = bare.criterion("de-escalation"), real.criterion("de-escalation")
    assert b.level is not None and r.level is not None and r.level > b.level


def test_a_poor_call_quotes_what_went_wrong() -> None:
    card = score(
        "Dana: The charge is still there.\n"
        "Rep: I can't do anything if the system says it's there.\n"
        "Dana: Can I talk to someone else?\n"
        "Rep: They'll tell you the same thing.\n"
        "Dana: Then refund it.\n"
        "Rep: We don't do that.\n",
        "customer-care",
    )
    quoted = {e.quote for c in card.criteria for e in c.counter_evidence}
    assert {
        "I can't do anything if the system says it's there.",
        "They'll tell you the same thing.",
        "We don't do that.",
    } <= quoted
    assert card.criterion("ownership").level == 1 and not card.passed


PROPOSAL = (
    "Victor: Helen will want to see the numbers.\n"
    "Rep: What would she need to see to say yes?\n"
    "Victor: A payback under twelve months.\n"
    "Rep: Shall we book Thursday at 10 with you and Helen to go through a phased plan?\n"
)


def test_a_proposed_step_counts_as_agreed_only_when_the_customer_agrees() -> None:
    agreed = score(PROPOSAL + "Victor: Yes, Thursday at ten works.\n", "objection-handling")
    declined = score(
        PROPOSAL + "Victor: I'd rather you just send something.\n", "objection-handling"
    )
    a, d = agreed.criterion("next-steps"), declined.criterion("next-steps")
    assert a.level is not None and a.level >= 4
    assert d.level is not None and d.level < a.level
    assert "no agreement from the customer" in d.rationale


def test_a_drill_is_scored_only_on_the_skills_it_trains() -> None:
    call = (
        "Victor: It's too high.\n"
        "Rep: When you say too high, what are you comparing it to?\n"
        "Victor: Our budget.\n"
        "Rep: What's behind that number, and is there anything else in the way?\n"
        "Victor: Nothing else.\n"
    )
    card = score(call, "objection-handling", DrillRef(id="too-high", skills=("objection-clarify",)))
    clarify = card.criterion("clarify")
    assert clarify.level is not None and clarify.level >= 3
    assert [c.id for c in card.criteria if c.level is not None] == ["clarify"]
    assert card.overall == clarify.level  # untrained criteria do not pull it down
    assert any("Drill" in n for n in card.notes)


def test_one_line_of_stock_phrases_earns_nothing_and_is_named() -> None:
    base = (REPO / "tests/data/transcripts/angry-customer-wrong-charge/mixed.txt").read_text()
    stuffed = base.replace(
        "Rep: Thanks for your patience.",
        "Rep: I'm sorry, I understand, that's frustrating, you're right, I'll make sure I take "
        "care of it, leave it with me, your reference and confirmation will follow within 24 "
        "hours, tomorrow.\nRep: Thanks for your patience.",
    )
    assert stuffed != base
    before, after = score(base, "customer-care"), score(stuffed, "customer-care")
    assert [c.level for c in after.criteria] == [c.level for c in before.criteria]
    assert any("counted for nothing" in n for n in after.notes)


def test_norwegian_play_back_and_agreed_meeting_are_read() -> None:
    card = score(
        "Tor Erik: Vi har 1 400 fakturaer i måneden, og 180 000 kroner i gebyrer i fjor.\n"
        "Rep: Så 1 400 fakturaer i måneden og 180 000 kroner i gebyrer. Stemmer det?\n"
        "Tor Erik: Ja, det stemmer.\n"
        "Rep: Kan vi ta et møte tirsdag klokka ti med deg og Jonas?\n"
        "Tor Erik: Ja, greit. Tirsdag klokka ti passer.\n",
        "discovery-nb",
    )
    assert (card.criterion("active-listening").level or 0) >= 4
    assert (card.criterion("next-steps").level or 0) >= 4
