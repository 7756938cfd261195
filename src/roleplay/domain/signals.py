"""Signals: machine-checkable hints in trainer files (phrases, regex patterns, question types).

The scripted customer uses them to decide when a fact is earned or an objection triggers; the
offline judge uses them to find evidence. They are an approximation of understanding, and the
files say in words (`how`, `when`) what they approximate, for the LLM customer and judge.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from roleplay.domain import pattern_safety
from roleplay.domain import text as txt


def _check_pattern(pattern: str) -> str:
    """A valid pattern inside the subset that runs in bounded time (see `pattern_safety`)."""
    problem = pattern_safety.problem(pattern)
    if problem is not None:
        raise ValueError(problem)
    return pattern


Pattern = Annotated[str, AfterValidator(_check_pattern)]
NonEmptyStr = Annotated[str, Field(min_length=1)]
# A title or name is shown on one line of every list: a line break in it ("Renewal\nsecond
# line") broke `roleplay scenarios` and the Library into lines that were not entries.
ONE_LINE_PATTERN = r"^[^\n\r\u2028\u2029\x85\x0b\x0c]*$"
OneLine = Annotated[str, Field(min_length=1, pattern=ONE_LINE_PATTERN)]


class Signals(BaseModel):
    """Phrases or patterns in the rep's words, optionally only in questions of a kind."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    phrases: list[NonEmptyStr] = Field(
        default_factory=list,
        description="Words or phrases (case and punctuation ignored, whole words).",
    )
    patterns: list[Pattern] = Field(
        default_factory=list, description="Python regular expressions, case-insensitive."
    )
    questions: Literal["open", "closed", "any"] | None = Field(
        default=None,
        description="Only count matches inside questions of this kind; with no phrases or "
        "patterns, every such question counts.",
    )

    def is_empty(self) -> bool:
        return not self.phrases and not self.patterns and self.questions is None


@dataclass(frozen=True)
class Hit:
    """One sentence of a turn that matched; `quote` is verbatim from the turn."""

    quote: str
    matched: str


def find_hits(signals: Signals, text: str, language: str = "en") -> list[Hit]:
    """Sentences of `text` that match `signals`, at most one hit per sentence."""
    if signals.is_empty():
        return []
    if signals.questions is not None:
        units = [
            q.text
            for q in txt.questions(text, language)
            if signals.questions == "any" or q.kind == signals.questions
        ]
    else:
        units = txt.sentences(text)
    hits: list[Hit] = []
    for unit in units:
        matched = _match_unit(signals, unit)
        if matched is not None:
            hits.append(Hit(quote=unit, matched=matched))
    return hits


def _match_unit(signals: Signals, unit: str) -> str | None:
    if not signals.phrases and not signals.patterns:
        return "question"  # a bare question filter: every question of the kind counts
    padded = f" {txt.normalise(unit)} "
    for phrase in signals.phrases:
        if phrase_in(padded, phrase):
            return phrase
    for pattern in signals.patterns:
        if _compiled(pattern).search(unit[: pattern_safety.MAX_TEXT]):
            return pattern
    return None


def phrase_in(padded: str, phrase: str) -> bool:
    """`txt.contains_phrase(norm, phrase)` for `padded` = f" {norm} ", the phrase normalised
    once for all sentences (normalising every phrase again for every sentence was a third of
    scoring a long call)."""
    needle = _needle(phrase)
    return needle is not None and needle in padded


@functools.lru_cache(maxsize=4096)
def _needle(phrase: str) -> str | None:
    """The phrase as `txt.contains_phrase` looks for it (None: it matches nothing)."""
    needle = txt.normalise(phrase)
    return f" {needle} " if needle else None


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def matches(signals: Signals, text: str, language: str = "en") -> bool:
    return bool(find_hits(signals, text, language))
