"""Language-aware text helpers shared by the scripted customer, the judge and the KPIs.

Everything here is deliberately simple and deterministic: it is the offline approximation, and
its limits are documented where it is used.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

QuestionKind = Literal["open", "closed"]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# A sentence ends at . ! ? or … followed by space/end; keeps the terminator with the sentence.
_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+[\"'”’)]*|$)", re.UNICODE)

# First words that make a question open (invites a story) or closed (yes/no, a fact).
_OPEN_STARTS: dict[str, tuple[str, ...]] = {
    "en": (
        "what",
        "how",
        "why",
        "tell me",
        "walk me",
        "describe",
        "explain",
        "help me understand",
        "which",
        "where",
        "who",
        "when",
        "in what way",
        "talk me",
    ),
    "nb": (
        "hva",
        "hvordan",
        "hvorfor",
        "fortell",
        "beskriv",
        "forklar",
        "hvilke",
        "hvilken",
        "hvor",
        "hvem",
        "når",
        "på hvilken måte",
    ),
}
_CLOSED_STARTS: dict[str, tuple[str, ...]] = {
    "en": (
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "would",
        "will",
        "should",
        "have",
        "has",
        "had",
        "may",
        "might",
        "shall",
        "isn't",
        "aren't",
        "don't",
        "doesn't",
        "wouldn't",
        "won't",
        "can't",
        "right",
        "ok",
        "okay",
        "so",
    ),
    "nb": ("er", "har", "kan", "vil", "skal", "gjør", "burde", "må", "var", "hadde", "ok", "så"),
}
# Requests phrased as imperatives are open questions even without a question mark.
_OPEN_IMPERATIVES: dict[str, tuple[str, ...]] = {
    "en": ("tell me", "walk me through", "describe", "help me understand", "talk me through"),
    "nb": ("fortell", "beskriv", "forklar"),
}

FILLERS: dict[str, tuple[str, ...]] = {
    "en": (
        # "like", "kind of" and "actually" are left out: too often real words ("I'd like to").
        "um",
        "uh",
        "erm",
        "er",
        "ah",
        "hmm",
        "you know",
        "i mean",
        "sort of",
        "basically",
        "literally",
        "so yeah",
    ),
    "nb": ("eh", "ehm", "øh", "øhm", "liksom", "på en måte", "egentlig", "altså", "sånn", "typ"),
}


def base_language(language: str) -> str:
    """`en-GB` -> `en`; Norwegian `no`/`nn` are served by the `nb` tables."""
    base = language.split("-")[0].lower()
    return "nb" if base in {"no", "nn"} else base


def normalise(text: str) -> str:
    """Lower-case, fold punctuation to spaces, collapse whitespace. Used for every match."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = "".join(ch if (ch.isalnum() or ch in "' ") else " " for ch in text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def sentences(text: str) -> list[str]:
    """Split into sentences, keeping each sentence's own punctuation."""
    found = [m.group(0).strip() for m in _SENTENCE.finditer(text)]
    return [s for s in found if s and any(ch.isalnum() for ch in s)]


def contains_phrase(haystack_normalised: str, phrase: str) -> bool:
    """Whole-word phrase match on normalised text ("price" matches "the price", not "priceless")."""
    needle = normalise(phrase)
    if not needle:
        return False
    return f" {needle} " in f" {haystack_normalised} "


@dataclass(frozen=True)
class Question:
    text: str
    kind: QuestionKind


def questions(text: str, language: str = "en") -> list[Question]:
    """Questions in a turn, each classified as open or closed.

    A sentence is a question when it ends with '?' or is an open imperative ("tell me about...").
    Open/closed is decided by its first words; anything unknown that ends in '?' is closed.
    """
    lang = base_language(language)
    open_starts = _OPEN_STARTS.get(lang, _OPEN_STARTS["en"])
    imperatives = _OPEN_IMPERATIVES.get(lang, _OPEN_IMPERATIVES["en"])
    found: list[Question] = []
    for sentence in sentences(text):
        norm = normalise(sentence)
        asked = sentence.rstrip("\"'”’) ").endswith("?")
        imperative = any(norm.startswith(normalise(p)) for p in imperatives)
        if not (asked or imperative):
            continue
        # "So, what ..." / "And how ..." : skip one leading connective before classifying.
        probe = re.sub(r"^(so|and|but|okay|ok|right|well|og|men|så)\s+", "", norm)
        kind: QuestionKind = (
            "open"
            if imperative
            or any(_starts_with(probe, s) or _starts_with(norm, s) for s in open_starts)
            else "closed"
        )
        found.append(Question(sentence, kind))
    return found


def _starts_with(norm: str, start: str) -> bool:
    start = normalise(start)
    return norm == start or norm.startswith(start + " ")


def filler_hits(text: str, language: str = "en") -> list[str]:
    """Filler words and phrases in a text, one entry per occurrence."""
    table = FILLERS.get(base_language(language), FILLERS["en"])
    tokens = normalise(text).split()
    hits: list[str] = []
    for filler in table:
        parts = filler.split()
        n = len(parts)
        for i in range(len(tokens) - n + 1):
            if tokens[i : i + n] == parts:
                hits.append(filler)
    return hits


# Phrases that show the rep listened: summarising, reflecting, building on the customer's words.
LISTENING: dict[str, tuple[str, ...]] = {
    "en": (
        "what i'm hearing",
        "what i am hearing",
        "if i understand",
        "if i understood",
        "sounds like",
        "you mentioned",
        "you said",
        "so you're saying",
        "so you are saying",
        "let me make sure",
        "to summarise",
        "to summarize",
        "in other words",
        "correct me if",
    ),
    "nb": (
        "hvis jeg forstår",
        "du nevnte",
        "du sa",
        "så det du sier",
        "høres ut som",
        "for å oppsummere",
        "rett meg hvis",
        "med andre ord",
    ),
}


def shows_listening(text: str, language: str = "en") -> bool:
    norm = normalise(text)
    table = LISTENING.get(base_language(language), LISTENING["en"])
    return any(contains_phrase(norm, phrase) for phrase in table)
