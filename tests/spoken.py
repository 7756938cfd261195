"""Words of a call with a speaker and times, made by hand for tests of domain/call.py."""

from __future__ import annotations

from roleplay.domain.call import SpokenWord


def words(*spec: tuple[str, float, float, str]) -> list[SpokenWord]:
    """Each (text, start, end, speaker) as its words, spread evenly over its time."""
    out: list[SpokenWord] = []
    for text, start, end, who in spec:
        parts = text.split()
        step = (end - start) / len(parts)
        out += [
            SpokenWord(p, start + i * step, start + (i + 1) * step, who)
            for i, p in enumerate(parts)
        ]
    return out
