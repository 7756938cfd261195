"""A recording's reading that lost its punctuation, read again where it did.

Whisper conditions each 30 s window on the text it wrote before (faster-whisper's
`condition_on_previous_text`). Once that text is an unpunctuated run, the next windows copy
its style: on a two-minute mono call (bench/real_call_questions.py, tiny.en) the reading
had 0 '?' in 391 words, and the judge found no question. Read without that conditioning the
same call had 5 '?' and 17 '.', but on a shorter call the conditioned reading was the better
one (5 '?' against 3). So the conditioned reading stays, and only its runs of RUN_WORDS words
or more with no punctuation are read again without conditioning; the new reading replaces a
run when it ends more sentences there. Both readings are timed on the same audio, so the
words spliced in keep times that agree with their neighbours (attribution uses them).
"""

from __future__ import annotations

from collections.abc import Sequence

from roleplay.services.ports import Segment, Word

# Words in a row with no punctuation mark at all that make a reading "unpunctuated". Read
# with its punctuation, our longest real sentence (the reader's licence text: 50 words) has a
# comma every ~10 words, and Whisper ends a spoken sentence every ~8-20 words; the mono
# call's unpunctuated reading had runs of 60-120 words.
RUN_WORDS = 40
_ENDS = (".", "?", "!", "…")
_MARKS = (*_ENDS, ",", ";", ":", "—", "–")
# Runs this close (seconds) are read again as one stretch: each reading of a stretch encodes
# at least one 30 s window, however short the stretch.
JOIN_GAP = 10.0


def ends_sentence(word: Word) -> bool:
    return word.text.rstrip("\"'”’)").endswith(_ENDS)


def _marked(word: Word) -> bool:
    return word.text.rstrip("\"'”’)").endswith(_MARKS)


def unpunctuated(segments: Sequence[Segment]) -> list[tuple[float, float]]:
    """The time spans (from, to) of the runs of RUN_WORDS words or more with no punctuation
    mark, each with the word that ends it; a span reaches halfway into the pauses around it
    (0 and inf at the ends), and spans closer than JOIN_GAP are one."""
    words = [w for s in segments for w in s.words]
    spans: list[tuple[float, float]] = []
    start = 0
    for i, word in enumerate(words):
        if i < len(words) - 1 and not _marked(word):
            continue
        if i + 1 - start >= RUN_WORDS:
            lo = 0.0 if start == 0 else (words[start - 1].end + words[start].start) / 2
            hi = float("inf") if i == len(words) - 1 else (word.end + words[i + 1].start) / 2
            if spans and lo - spans[-1][1] < JOIN_GAP:
                lo = spans.pop()[0]
            spans.append((lo, hi))
        start = i + 1
    return spans


def spliced(
    first: Sequence[Segment], again: Sequence[Segment], spans: Sequence[tuple[float, float]]
) -> tuple[Segment, ...]:
    """`first` with each span's words replaced by `again`'s there, where `again` ends more
    sentences in it. A word belongs to the span its middle falls in."""

    def inside(word: Word, span: tuple[float, float]) -> bool:
        return span[0] <= (word.start + word.end) / 2 < span[1]

    taken = []
    for span in spans:
        old = [w for s in first for w in s.words if inside(w, span)]
        new = [w for s in again for w in s.words if inside(w, span)]
        if sum(map(ends_sentence, new)) > sum(map(ends_sentence, old)):
            taken.append(span)
    if not taken:
        return tuple(first)

    def replaced(word: Word) -> bool:
        return any(inside(word, span) for span in taken)

    kept = [_part(s, [w for w in s.words if not replaced(w)]) for s in first]
    added = [_part(s, [w for w in s.words if replaced(w)]) for s in again]
    return tuple(sorted((s for s in kept + added if s is not None), key=lambda s: s.start))


def _part(segment: Segment, words: list[Word]) -> Segment | None:
    if len(words) == len(segment.words):
        return segment if words else None
    if not words:
        return None
    text = " ".join(w.text for w in words)
    return Segment(words[0].start, words[-1].end, text, tuple(words))
