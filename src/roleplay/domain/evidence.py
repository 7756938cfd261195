"""Evidence quotes must be the rep's own words, verbatim.

A quote is verified when, after normalising case, punctuation and whitespace, it occurs inside
one of the rep's turns. Quotes of the customer, paraphrases and inventions are dropped. Quotes
shorter than two words prove nothing ("yes") and are dropped too.
"""

from __future__ import annotations

from collections.abc import Sequence

from roleplay.domain import text as txt
from roleplay.domain.scorecard import Evidence
from roleplay.domain.session import Turn

MIN_WORDS = 2


def verify(quote: str, turns: Sequence[Turn], hint_turn: int | None = None) -> Evidence | None:
    """The rep turn containing `quote` (the hinted turn first), as Evidence; else None."""
    needle = txt.normalise(quote)
    if len(needle.split()) < MIN_WORDS:
        return None
    rep = [t for t in turns if t.speaker == "rep"]
    rep.sort(key=lambda t: t.index != hint_turn)  # try the turn the judge named first
    for turn in rep:
        if f" {needle} " in f" {txt.normalise(turn.text)} ":
            return Evidence(
                quote=_verbatim(quote, turn.text), turn=turn.index, time=round(turn.start, 1)
            )
    return None


def _verbatim(quote: str, text: str) -> str:
    """The quote as the rep actually said it (their casing and punctuation), when findable."""
    words = txt.normalise(quote).split()
    tokens = list(_tokens(text))
    norms = [txt.normalise(tok) for _, _, tok in tokens]
    for i in range(len(tokens) - len(words) + 1):
        if norms[i : i + len(words)] == words:
            start, end = tokens[i][0], tokens[i + len(words) - 1][1]
            return text[start:end]
    return quote.strip()


def _tokens(text: str) -> list[tuple[int, int, str]]:
    import re

    return [
        (m.start(), m.end(), m.group(0))
        for m in re.finditer(r"\S+", text)
        if txt.normalise(m.group(0))
    ]
