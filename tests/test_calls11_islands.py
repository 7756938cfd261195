"""Mono calls: a few words heard in the other voice inside one speaker's sentence go back to
that speaker (calls11, stop 34).

On calls of the real recordings with the rep's espeak-ng questions the voices gave single words
of the rep's greeting to the customer ("Good / morning, thanks for calling Nordic / Freight. /
This is Kari speaking."), so the transcript cut the greeting into three turns, one of them the
customer's. The words are as tiny.en timed them on those calls (bench/mono_backchannel_bench.py).
"""

from __future__ import annotations

from roleplay.domain.call import SpokenWord, islands_joined, utterances


def spoken(heard: list[tuple[str, float, float, str]]) -> list[SpokenWord]:
    return [SpokenWord(*w) for w in heard]


GREETING = [
    ("Good", 0.11, 0.53, "A"),
    ("morning,", 0.53, 0.95, "B"),
    ("thanks", 1.23, 1.55, "B"),
    ("for", 1.55, 1.75, "B"),
    ("calling", 1.75, 2.13, "B"),
    ("Nordic", 2.13, 2.63, "B"),
    ("Freight.", 2.63, 3.23, "A"),
    ("This", 3.23, 3.45, "B"),
    ("is", 3.45, 3.61, "B"),
    ("Kari", 3.61, 3.97, "B"),
    ("speaking.", 3.97, 4.63, "B"),
    ("Permission", 5.23, 5.83, "A"),
    ("is", 5.83, 6.03, "A"),
    ("hereby", 6.03, 6.43, "A"),
    ("granted.", 6.43, 6.93, "A"),
]


def test_words_of_the_other_voice_inside_a_sentence_go_back_to_its_speaker() -> None:
    said = [(u.speaker, u.text) for u in utterances(islands_joined(spoken(GREETING)))]
    assert said == [
        ("B", "Good morning, thanks for calling Nordic Freight. This is Kari speaking."),
        ("A", "Permission is hereby granted."),
    ]


def test_a_backchannel_or_a_reply_keeps_its_voice() -> None:
    heard = [
        ("from?", 9.6, 10.1, "B"),
        ("And", 10.59, 10.93, "A"),
        ("so", 10.93, 11.23, "A"),
        ("fellow", 11.67, 11.91, "A"),
        ("America.", 11.91, 12.31, "A"),
        ("Yes,", 12.43, 12.81, "B"),  # starts a sentence: the rep's backchannel
        ("what", 12.91, 12.99, "A"),
        ("your", 12.99, 13.33, "A"),
        ("country", 13.33, 13.71, "A"),
        ("can", 13.71, 14.09, "A"),
        ("do", 14.09, 14.5, "A"),
        ("Right", 15.2, 15.5, "B"),  # after a pause: a reply
        ("now", 15.5, 15.7, "B"),
        ("we", 15.7, 15.9, "A"),
    ]
    assert islands_joined(spoken(heard)) == spoken(heard)
