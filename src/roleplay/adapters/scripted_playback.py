"""The scripted customer's answer to a play-back: "So what I'm hearing is..., is that right?"

A customer hearing their own words played back confirms them, and one hearing something they
never said puts it right. Both are read from what this customer said so far in the call (the
facts revealed, the situation lines, the objections), so the customer never confirms a fact
the rep only guessed (that would hand over what the scenario hides) and never invents one:

- the rep's numbers were all said, and the rep's words meet the customer's: confirmed, now and
  then with the customer's own line again ("Right, exactly. Two hours, easily.");
- a number the customer never said: "Not quite." and the customer's line that holds the real
  one, or "I didn't give you a number." when none was given;
- the customer's words, but with a "not" on one side only: "Not quite." and what was said;
- one word in common: "Sort of." and what the customer did say;
- nothing in common: "I don't think I said that."; the rep has to ask.

The wording is drawn with the call's own random generator (variation seed and turn number), so
the same play-back gets different words in another session, as every other scripted answer does.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import TypeVar

from roleplay.domain import text as txt

T = TypeVar("T")


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# What frames a line as a play-back of the customer's words (normalised text).
_FRAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "what i'm hearing",
        "what i am hearing",
        "what i heard",
        "if i understand",
        "if i understood",
        "if i've understood",
        "if i hear you",
        "if i heard you",
        "if i got that",
        "if i've got that",
        "so you're saying",
        "so you are saying",
        "what you're saying",
        "what you are saying",
        "let me make sure",
        "make sure i got",
        "make sure i understand",
        "just to confirm",
        "to summarise",
        "to summarize",
        "to sum up",
        "in other words",
        "correct me if",
        "you mentioned",
        "you said",
        "you told me",
        "let me play",
        "play that back",
        "play it back",
    ),
    "nb": (
        "hvis jeg forstår",
        "hvis jeg har forstått",
        "hvis jeg skjønner",
        "du nevnte",
        "du sa",
        "så det du sier",
        "det du sier er",
        "for å oppsummere",
        "rett meg hvis",
        "med andre ord",
        "bare for å bekrefte",
    ),
}
# A check that asks the customer to confirm ("..., is that right?").
_CHECKS: dict[str, tuple[str, ...]] = {
    "en": (
        "is that right",
        "is that correct",
        "is that about right",
        "is that fair",
        "fair to say",
        "did i get that",
        "have i got that",
        "did i understand",
        "have i understood",
        "am i right",
        "does that sound right",
        "is that it",
    ),
    "nb": ("stemmer det", "er det riktig", "har jeg forstått", "har jeg skjønt", "ikke sant"),
}
_TAG_CHECK = re.compile(r"\b(?:right|correct|yes|riktig|sant)\W*\?\W*$", re.IGNORECASE)
_SO_START = re.compile(r"^\W*(?:so|and so|just so|så|altså)\b", re.IGNORECASE)

# "One" and "en"/"ett" are left out: "the one I want" holds no number.
_NUMBER_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
        "eighty ninety hundred thousand million billion half quarter dozen"
    ),
    "nb": _words(
        "to tre fire fem seks sju syv åtte ni ti elleve tolv femten tjue tretti førti "
        "femti seksti sytti åtti nitti hundre tusen million millioner milliard halv "
        "halvparten"
    ),
}
# Words that carry no content of their own: a play-back meeting the customer's words only on
# these met nothing.
_STOP: dict[str, frozenset[str]] = {
    "en": _words(
        "that this what with have has had your you're yours they them their there these those "
        "were been being just really like hear heard hearing understand understood said says "
        "saying mentioned told right correct sounds make sure summarise summarize other words "
        "then when which would could should from into also very much more most some only does "
        "doing going know think about because still always never well okay yeah thing things "
        "time times correct confirm back play sort kind lots want wants need needs"
    ),
    "nb": _words(
        "ikke bare etter andre annet eller hvordan hvorfor mellom noen også slik være vært "
        "ville skulle kunne fordi derfor samme sammen egentlig altså greit dette disse denne "
        "forstår forstått nevnte sier stemmer riktig oppsummere"
    ),
}

_LINES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "confirm": (
            "Yes, that's it.",
            "Right, exactly.",
            "That's right.",
            "Yeah, that's about the size of it.",
            "Yes, pretty much.",
            "Correct.",
        ),
        "wrong-number": ("Not quite.", "No, not that number.", "No, that's not what I said."),
        "not-so": ("Not quite.", "No, that's not what I said.", "Not really, no."),
        "no-number": (
            "I didn't give you a number.",
            "Hang on, I never said a number.",
            "I don't think I gave you any figures.",
        ),
        "partly": ("Sort of.", "Partly.", "Not exactly.", "Close, but not quite."),
        "unheard": (
            "No, I didn't say that.",
            "I don't think I said that.",
            "That's not what I said.",
            "Where did you get that from?",
        ),
    },
    "nb": {
        "confirm": ("Ja, det stemmer.", "Akkurat.", "Ja, det er det.", "Stemmer.", "Riktig."),
        "wrong-number": ("Ikke helt.", "Nei, ikke det tallet.", "Nei, det sa jeg ikke."),
        "not-so": ("Ikke helt.", "Nei, det sa jeg ikke.", "Nei, egentlig ikke."),
        "no-number": ("Jeg har ikke gitt deg noe tall.", "Vent, jeg har ikke sagt noe tall."),
        "partly": ("Tja, delvis.", "Ikke helt.", "Nesten, men ikke helt."),
        "unheard": ("Nei, det har jeg ikke sagt.", "Det sa jeg ikke.", "Hvor har du det fra?"),
    },
}


def _table(tables: dict[str, T], lang: str) -> T:
    return tables.get(txt.base_language(lang), tables["en"])


def _strip(norm: str, lang: str) -> str:
    for phrase in (*_table(_FRAMES, lang), *_table(_CHECKS, lang)):
        norm = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", norm)
    return norm


def _numbers(norm: str, lang: str) -> set[str]:
    canon = re.sub(r"(?<=\d)[ ,.](?=\d{3}\b)", "", norm)
    words = _table(_NUMBER_WORDS, lang)
    return set(re.findall(r"\d+", canon)) | {w for w in canon.split() if w in words}


_POSSESSIVE = re.compile(r"['’]s\b")  # "Richard's area" is about Richard


def _content(norm: str, lang: str) -> set[str]:
    stop, numbers = _table(_STOP, lang), _table(_NUMBER_WORDS, lang)
    return {
        w[:5]
        for w in _POSSESSIVE.sub("", norm).replace("-", " ").split()
        if len(w) >= 4 and w not in stop and w not in numbers and "'" not in w
    }


_NEGATION = re.compile(r"\b(?:not|no|never|nobody|nothing|none|ikke|aldri|ingen|ingenting)\b|n't\b")


def _names(sentence: str) -> set[str]:
    """Names in a sentence (capitalised past its first word), as _content stems them."""
    words = [_POSSESSIVE.sub("", w) for w in txt.words(sentence)[1:]]
    return {w.lower()[:5] for w in words if w[:1].isupper() and len(w) >= 4 and "'" not in w}


def _negated(norm: str) -> bool:
    return bool(_NEGATION.search(norm))


def is_playback(text: str, language: str) -> bool:
    """The rep plays back something the customer said and checks it, asking nothing new."""
    norm = txt.normalise(text)
    framed = any(txt.contains_phrase(norm, p) for p in _table(_FRAMES, language))
    checked = any(txt.contains_phrase(norm, p) for p in _table(_CHECKS, language))
    checked = checked or bool(_TAG_CHECK.search(text.strip()))
    if not (framed or (checked and _SO_START.search(text))):
        return False
    if not checked and not text.rstrip().endswith("?") and txt.word_count(text) >= 25:
        return False  # "You mentioned downtime. Our platform..." is a pitch (scripted_answers)
    # "You mentioned the mornings: what happens then?" asks something new; "So what I'm
    # hearing is..." opens with "what" and asks nothing.
    unframed = text.replace("’", "'")
    for phrase in _table(_FRAMES, language):
        unframed = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", "", unframed, flags=re.I)
    if any(q.kind == "open" for q in txt.questions(unframed, language)):
        return False
    rest = _strip(norm, language)
    return bool(_content(rest, language) or _numbers(rest, language))


def answer(
    text: str, said: str, language: str, rng: random.Random, echo: bool = True
) -> tuple[str, str]:
    """(line, reply kind): `warm` when the customer confirms, `correct` when they put it right.
    `said` is everything the customer said so far, one turn a line. Without `echo` a
    confirmation is a bare yes (a new fact follows it; the customer's old line would not)."""
    lines = _table(_LINES, language)
    rest = _strip(txt.normalise(text), language)
    numbers, content = _numbers(rest, language), _content(rest, language)
    heard = [
        s
        for turn in said.split("\n")
        for s in txt.sentences(turn)
        if not s.rstrip().endswith("?") and txt.word_count(s) >= 3
    ]
    norms = [txt.normalise(s) for s in heard]
    heard_numbers = _numbers(" ".join(norms), language)

    def overlap(n: int) -> int:
        return len(content & _content(norms[n], language)) + 2 * len(
            numbers & _numbers(norms[n], language)
        )

    def best(among: Sequence[int]) -> str | None:
        scored = [(overlap(n), n) for n in among]
        top = max((score for score, _ in scored), default=0)
        return heard[rng.choice([n for score, n in scored if score == top])] if top else None

    wrong = numbers - heard_numbers
    if wrong:
        with_numbers = [n for n in range(len(heard)) if _numbers(norms[n], language)]
        if not with_numbers:
            return rng.choice(lines["no-number"]), "correct"
        real = best(with_numbers) or heard[with_numbers[-1]]
        return f"{rng.choice(lines['wrong-number'])} {real}", "correct"
    matched = len(content & _content(" ".join(norms), language)) + len(numbers)
    again = best(range(len(heard)))
    # "So Richard is the one to speak to?" after "It's not Richard you want.": the customer's
    # latest line on it (sharing a name, or two words) says the opposite.
    against = [
        n
        for n in range(len(heard))
        if (overlap(n) >= 2 or content & _names(heard[n])) and _negated(norms[n]) != _negated(rest)
    ]
    if against:
        return f"{rng.choice(lines['not-so'])} {heard[against[-1]]}", "correct"
    if matched >= 2:
        # Now and then the customer says it again in their own words; a bare yes otherwise.
        more = f" {again}" if again and echo and rng.random() < 0.5 else ""
        return f"{rng.choice(lines['confirm'])}{more}", "warm"
    if matched == 1 and again:
        return f"{rng.choice(lines['partly'])} {again}", "correct"
    return rng.choice(lines["unheard"]), "correct"
