from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from roleplay.domain.reply_stream import ReplyStream

REPLY = (
    "Honestly? We redo routes by hand, Mr. Smith. It costs us 2.5 hours a day! "
    "*sighs* Anyway, send me something. [[fact:pain]] [[end:win]]"
)
SENTENCES = [
    "Honestly?",
    "We redo routes by hand, Mr. Smith.",
    "It costs us 2.5 hours a day!",
    "Anyway, send me something.",
]


def _stream(chunks: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    s = ReplyStream()
    got: list[str] = []
    for c in chunks:
        got += s.feed(c)
    got += s.close()
    return got, s.tags


def test_sentences_and_tags_from_one_chunk() -> None:
    got, tags = _stream([REPLY])
    assert got == SENTENCES
    assert tags == [("fact", "pain"), ("end", "win")]


@given(st.lists(st.integers(1, len(REPLY) - 1), max_size=12, unique=True))
def test_any_chunking_gives_the_same_sentences_and_never_speaks_a_tag(cuts: list[int]) -> None:
    edges = [0, *sorted(cuts), len(REPLY)]
    got, tags = _stream([REPLY[a:b] for a, b in itertools.pairwise(edges)])
    assert got == SENTENCES
    assert tags == [("fact", "pain"), ("end", "win")]
    assert not any("[" in s or "]" in s for s in got)


def test_a_sentence_is_released_as_soon_as_it_is_complete() -> None:
    s = ReplyStream()
    assert s.feed("Fine.") == []  # could still be "Fine.5" or "Fine..."
    assert s.feed(" Ask away") == ["Fine."]
    assert s.close() == ["Ask away"]


def test_lists_and_stage_directions_are_not_spoken() -> None:
    got, _ = _stream(["- First, the price.\n- Second, (laughs) the timing."])
    assert got == ["First, the price.", "Second, the timing."]


SMALL_MODEL = (
    "That's too early for me. [objection:too-early] We looked at [sic] tools before. "
    "Fine, Thursday works. [end:win]"
)


@given(st.lists(st.integers(1, len(SMALL_MODEL) - 1), max_size=12, unique=True))
def test_a_tag_in_single_brackets_is_never_spoken(cuts: list[int]) -> None:
    """Small models write `[objection:x]`; for our tag kinds that is a tag, however it is
    chunked. Other bracketed text is the customer's words and stays."""
    edges = [0, *sorted(cuts), len(SMALL_MODEL)]
    got, tags = _stream([SMALL_MODEL[a:b] for a, b in itertools.pairwise(edges)])
    assert got == [
        "That's too early for me.",
        "We looked at [sic] tools before.",
        "Fine, Thursday works.",
    ]
    assert tags == [("objection", "too-early"), ("end", "win")]


def test_a_tag_cut_off_at_the_end_is_not_spoken() -> None:
    got, tags = _stream(["No budget this year. [objection:bud"])
    assert got == ["No budget this year."]
    assert tags == []
