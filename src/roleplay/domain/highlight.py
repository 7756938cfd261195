"""Where the judge's evidence quotes sit inside a turn's text, for highlighting.

Quotes are verbatim up to case, punctuation and whitespace (that is how the judge verifies
them), so the match here is just as forgiving: the quote's words in order, anything that is not
a letter or digit between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    text: str
    labels: tuple[str, ...] = ()  # what this part is evidence for; empty: plain text


def _pattern(quote: str) -> re.Pattern[str] | None:
    words = re.findall(r"\w+", quote)
    if not words:
        return None
    return re.compile(r"\W+".join(re.escape(w) for w in words), re.IGNORECASE)


def spans(text: str, quotes: list[tuple[str, str]]) -> list[Span]:
    """Split `text` into plain and highlighted parts; `quotes` are (quote, label) pairs.

    Overlapping quotes merge into one highlighted part carrying every label. A quote that is
    not found leaves the text as it is.
    """
    marks: list[set[str]] = [set() for _ in text]
    for quote, label in quotes:
        pattern = _pattern(quote)
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            for i in range(m.start(), m.end()):
                marks[i].add(label)
    out: list[Span] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or marks[i] != marks[start]:
            out.append(Span(text[start:i], tuple(sorted(marks[start]))))
            start = i
    return out
