"""Issue 18 (voice5): a statement whose words give the customer the turn ends it as soon as a
question does, and an early reply is kept when the final words differ in nothing that would
change it."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.domain.turn_taking import TurnEndPolicy, same_reply
from tests.helpers import said, services
from tests.test_speculation import CountingCustomer

POLICY = TurnEndPolicy(silence=0.65, question=0.25, trailing=1.2, statement=0.5)


@pytest.mark.parametrize(
    ("said", "language"),
    [
        ("Tell me about a typical morning for your dispatch team.", "en"),
        ("So walk me through what happens when an order comes in late.", "en"),
        ("Help me understand how the overtime adds up.", "en"),
        ("I'd love to hear how your drivers find out about changes.", "en"),
        ("I'm curious about how you measure on-time delivery.", "en"),
        ("Okay. Let me know what you think.", "en"),
        ("Mornings are the bottleneck, right.", "en"),
        ("That would mean fewer late orders for you, correct.", "en"),
        ("Fortell meg om en vanlig morgen.", "nb"),
        ("Morgenene er flaskehalsen, ikke sant.", "nb"),
    ],
)
def test_a_statement_that_gives_the_customer_the_turn_ends_it_like_a_question(
    said: str, language: str
) -> None:
    assert POLICY.silence_needed(said, language) == POLICY.question


@pytest.mark.parametrize(
    "said",
    [
        "Hi Dana, thanks for taking the time today.",
        "That sounds painful.",
        "We work with forty dispatch teams.",
        "Tell me about it. We saw the same at another customer.",  # the rep went on
        "I told them about your team.",  # "tell" inside a sentence is not an invitation
        "Right, so the routes change every morning.",
        "We tried that last year, yeah.",
    ],
)
def test_other_statements_still_wait_for_more(said: str) -> None:
    assert POLICY.silence_needed(said) == POLICY.statement


@pytest.mark.parametrize(
    ("early", "final"),
    [
        ("What would a 10% improvement mean?", "What would a ten percent improvement mean."),
        ("Time spent re-planning each week?", "Time spent replanning each week?"),
        ("What's good look like for you?", "What is good look like for you?"),
        ("Um, how do you measure on-time delivery?", "How do you measure on time delivery?"),
        ("So how often does that happen?", "How often does that happen?"),
        ("Would Tuesday at ten work?", "would tuesday at 10 work"),
        ("Is that OK for you?", "Is that okay for you?"),
    ],
)
def test_an_early_reply_is_kept_when_the_words_differ_in_nothing_that_matters(
    early: str, final: str
) -> None:
    assert same_reply(early, final)


@pytest.mark.parametrize(
    ("early", "final"),
    [
        ("What does that cost?", "What does that cost you in overtime?"),
        ("Who feel it most when the plan change?", "Who feels it most when the plan changes?"),
        ("How do you usually evaluate it?", "How do you usually evaluate the tools?"),
        ("What would a 10% improvement mean?", "What would a 20% improvement mean?"),
        ("Is it the mornings?", "Is it not the mornings?"),
    ],
)
def test_an_early_reply_is_asked_again_when_the_words_differ(early: str, final: str) -> None:
    assert not same_reply(early, final)


def test_the_call_keeps_an_early_reply_to_words_that_differ_in_nothing_that_matters(
    mini_workspace: Path,
) -> None:
    """The reply asked for from the latest partial at the end of speech is committed when the
    pause's transcript writes the same line differently ("ten percent" / "10%"): not asked
    for again. The turn keeps the final words."""
    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=7)
    customer = CountingCustomer()
    call.switch_customer(customer)
    said(call.start())
    early = "Um, what would a 10% improvement mean for you?"
    final = "What would a ten percent improvement mean for you."
    speculation = call.speculate(early)
    while speculation.prefetch():
        pass
    assert said(call.rep_says(final, speculation=speculation))
    assert customer.asked == ["", early] and customer.closed == 0  # asked once
    turns = s.store.load(call.record.id).turns
    assert [t.text for t in turns if t.speaker == "rep"] == [final]


def test_the_call_asks_again_when_the_words_differ(mini_workspace: Path) -> None:
    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=7)
    customer = CountingCustomer()
    call.switch_customer(customer)
    said(call.start())
    speculation = call.speculate("What does that cost?")
    speculation.prefetch()
    said(call.rep_says("What does that cost you in overtime?", speculation=speculation))
    assert customer.asked == ["", "What does that cost?", "What does that cost you in overtime?"]
