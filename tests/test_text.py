from __future__ import annotations

import pytest

from roleplay.domain import text as txt


@pytest.mark.parametrize(
    ("line", "kinds"),
    [
        ("How does your team plan routes today?", ["open"]),
        ("Do you plan routes by hand?", ["closed"]),
        ("Tell me about your mornings.", ["open"]),
        ("So, what happens when an order is late?", ["open"]),
        ("We have a great product. It saves time.", []),
        ("Is that right? And why does it matter to you?", ["closed", "open"]),
        ("Hvordan planlegger dere rutene i dag?", ["open"]),
        ("How's maintenance set up across the plants today?", ["open"]),
        ("And what's all this firefighting doing to your techs?", ["open"]),
        ("If you could cut those stops in half, what would that change for you?", ["open"]),
        ("Before I refund anything, which card did the second charge go to?", ["open"]),
        ("What if we just split the difference and say ten?", ["closed"]),
        ("How about Tuesday?", ["closed"]),
        ("If we did that, would you sign this week?", ["closed"]),
    ],
)
def test_questions_are_found_and_classified(line: str, kinds: list[str]) -> None:
    lang = "nb" if line.startswith("Hvordan") else "en"
    assert [q.kind for q in txt.questions(line, lang)] == kinds


def test_phrases_match_whole_words_only() -> None:
    norm = txt.normalise("What's the PRICE, roughly?")
    assert txt.contains_phrase(norm, "price")
    assert not txt.contains_phrase(txt.normalise("It's priceless"), "price")


def test_fillers_are_counted_per_occurrence() -> None:
    assert txt.filler_hits("Um, so, you know, it's um basically fine", "en").count("um") == 2
    assert txt.filler_hits("I'd like to know what kind of tools you use", "en") == []


def test_sentences_keep_their_punctuation() -> None:
    assert txt.sentences("Hi there. How are you? Fine!") == ["Hi there.", "How are you?", "Fine!"]
