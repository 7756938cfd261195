"""Evidence verification: only the rep's own words, verbatim (up to case, punctuation, spaces)."""

from __future__ import annotations

import pytest

from roleplay.domain.evidence import verify
from roleplay.domain.session import Turn

TURNS = (
    Turn(
        index=0,
        speaker="customer",
        text="We redo routes by hand every single morning.",
        start=0,
        end=3,
    ),
    Turn(
        index=1,
        speaker="rep",
        text="Got it. So, what happens when a late order comes in?",
        start=4,
        end=8,
    ),
    Turn(index=2, speaker="customer", text="Chaos.", start=9, end=10),
    Turn(
        index=3,
        speaker="rep",
        text="Could we look at Tuesday, 10 a.m., with your team leads?",
        start=11,
        end=15,
    ),
)


@pytest.mark.parametrize(
    ("quote", "turn"),
    [
        ("what happens when a late order comes in", 1),  # verbatim
        ("So what happens when a LATE order comes in?", 1),  # case and punctuation differ
        ("could we look at tuesday 10 a m  with your team leads", 3),  # spaces and dots differ
    ],
)
def test_true_quotes_are_verified_with_their_turn(quote: str, turn: int) -> None:
    e = verify(quote, TURNS)
    assert e is not None and e.turn == turn and e.time == TURNS[turn].start


def test_the_verified_quote_is_shown_as_the_rep_said_it() -> None:
    e = verify("so WHAT happens when a late order", TURNS)
    assert e is not None and e.quote == "So, what happens when a late order"


@pytest.mark.parametrize(
    "quote",
    [
        "what do you do when orders arrive late",  # a paraphrase
        "We redo routes by hand every single morning",  # the customer's words
        "I understand how frustrating that must be",  # invented
        "Got",  # too short to prove anything
        "",
    ],
)
def test_other_quotes_are_rejected(quote: str) -> None:
    assert verify(quote, TURNS) is None


def test_a_wrong_turn_number_is_corrected() -> None:
    e = verify("with your team leads", TURNS, hint_turn=1)
    assert e is not None and e.turn == 3


def test_words_must_match_whole() -> None:
    assert verify("happens when a late order come", TURNS) is None  # "come" is not "comes"
