"""When the rep's turn ends: a short pause after a question, longer when they trail off."""

from __future__ import annotations

import pytest

from roleplay.domain.turn_taking import TurnEndPolicy, ending, same_words

POLICY = TurnEndPolicy(silence=0.65, question=0.25, trailing=1.2, statement=0.5)


@pytest.mark.parametrize(
    ("said", "language", "kind"),
    [
        ("What happens when an order comes in late?", "en", "question"),
        ("Could you tell me more about that?", "en", "question"),
        ("That sounds painful.", "en", "statement"),
        ("So what we do is", "en", "trailing"),
        ("and...", "en", "trailing"),
        ("We could, um", "en", "trailing"),
        ("I was thinking that the", "en", "trailing"),
        ("Because of the,", "en", "trailing"),
        ("So we.", "en", "trailing"),  # Whisper puts a full stop after a dangling word
        ("Right", "en", "open"),
        ("", "en", "open"),
        ("Hvordan fungerer fakturagodkjenningen i dag?", "nb", "question"),
        ("Vi har prøvd det før.", "nb", "statement"),
        ("Jeg tenkte at", "nb", "trailing"),
        ("og så", "nb", "trailing"),
    ],
)
def test_how_a_line_ends(said: str, language: str, kind: str) -> None:
    assert ending(said, language) == kind


def test_a_question_ends_the_turn_sooner_than_trailing_off() -> None:
    assert POLICY.silence_needed("How often does that happen?") == 0.25
    assert POLICY.silence_needed("That sounds painful.") == 0.5
    assert POLICY.silence_needed("and so the thing is") == 1.2
    assert POLICY.silence_needed("okay so") == 1.2
    assert POLICY.silence_needed("Right") == 0.65


def test_same_words_ignores_case_and_punctuation() -> None:
    assert same_words("What's your budget?", "what's your budget")
    assert not same_words("What's your budget?", "What's your budget for this?")


@pytest.mark.parametrize(
    "said",
    [
        "So if I understand correctly, mornings are the bottleneck.",
        "Okay. So what you're saying is the drivers hear about it last.",
    ],
)
def test_a_check_back_ends_the_turn_like_a_question(said: str) -> None:
    assert ending(said) != "trailing"  # complete ("what you're saying is" reads as asking)
    assert POLICY.silence_needed(said) == POLICY.question


def test_thanks_and_an_earlier_check_back_still_wait_for_more() -> None:
    # "Thanks for taking the time." is followed by the first question after a breath.
    assert POLICY.silence_needed("Hi Dana, thanks for taking the time.") == POLICY.statement
    # The handover is read from the last sentence: the rep went on after the check-back.
    said = "If I understand correctly, it's the mornings. We also looked at the routes."
    assert POLICY.silence_needed(said) == POLICY.statement


@pytest.mark.parametrize(
    ("said", "language"),
    [
        ("Who else would be involved in a decision like this.", "en"),
        ("That sounds painful. So how often does that happen.", "en"),
        ("What's the budget for this.", "en"),
        ("Hvordan fungerer fakturagodkjenningen i dag.", "nb"),
    ],
)
def test_a_question_whisper_closed_with_a_full_stop_ends_the_turn_like_one(
    said: str, language: str
) -> None:
    assert ending(said, language) == "question"
    assert POLICY.silence_needed(said, language) == POLICY.question


def test_a_question_word_without_a_closing_mark_still_waits() -> None:
    # A pause mid-sentence: Whisper has not closed it, and the rep may go on.
    assert POLICY.silence_needed("How does a typical morning look") == POLICY.silence
    assert POLICY.silence_needed("What happens when an order comes in") == POLICY.trailing
    # A statement is still a statement, even after a question earlier in the turn.
    assert POLICY.silence_needed("How was it? We tried a new routing tool.") == POLICY.statement
