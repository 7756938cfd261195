"""A sentence asked in question order, with or without its '?'.

Whisper does not always write the '?': on a two-minute mono call (tiny.en, bench/
real_call_questions.py) it wrote none once its reading of previous text had fallen into an
unpunctuated run, and the judge then found no question in the call at all. The order of the
words still says it: an auxiliary before its subject ("could I have your name", "does Friday
work"), a question word before a verb ("how are you planning", "what happens when"), or a tag
after a comma ("..., isn't it", "..., right"). A question word before a subject is a
statement ("what you need is a plan", "when we spoke last week"), and so is a sentence that
ends in '!' ("how great is that!"). Typed and spoken text read alike: one definition for
practice and for real calls.
"""

from __future__ import annotations

import re
from functools import cache


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words a spoken question often opens with before its question order, in any number
# ("okay so how do you..."): Whisper runs "Thanks. How are you..." together when it drops
# the full stop.
_LEAD_INS: dict[str, frozenset[str]] = {
    "en": _set(
        "so and but okay ok right well then thanks great yes yeah no sure perfect good "
        "alright also oh"
    ),
    "nb": _set("så og men ok okei ja nei flott takk bra da nå"),
}
_AUXILIARIES: dict[str, frozenset[str]] = {
    "en": _set(
        "do does did is are was were can could would will should have has had may might "
        "shall am isn't aren't wasn't weren't don't doesn't didn't can't couldn't wouldn't "
        "won't shouldn't haven't hasn't hadn't"
    ),
    "nb": _set(
        "er har kan vil skal gjør burde må var hadde blir ble trenger bruker ser tror jobber"
    ),
}
_PRONOUNS: dict[str, frozenset[str]] = {
    "en": _set(
        "i you we they he she it there this that these those anyone anybody someone "
        "somebody anything everyone everybody everything something"
    ),
    "nb": _set("du dere vi jeg det den han hun de man noen dette disse"),
}
_DETERMINERS: dict[str, frozenset[str]] = {
    "en": _set("the a an your our their his her my its any some all"),
    "nb": _set("en ei et din ditt dine deres vår vårt våre mitt min mine"),
}
# "Do" and "have" also give orders ("do it now", "have a look", "have that ready"): after
# them only a person (or a name) is a subject. After any auxiliary, "a"/"an" is more often
# an order or a fragment than a question.
_ORDERS = {"en": frozenset({"do", "have"}), "nb": frozenset()}
_PERSONS = {"en": _set("i you we they he she"), "nb": frozenset()}
_AFTER_ARTICLE_NOT = {"en": frozenset({"a", "an"}), "nb": frozenset()}
# Question words. Those that can ask about the subject ("what happens", "who signs") take
# any verb; the others take an auxiliary or a word of amount or kind ("how many", "how long").
_SUBJECT_ASKERS = {"en": frozenset({"what", "who", "what's", "who's"}), "nb": frozenset()}
_ASKERS: dict[str, frozenset[str]] = {
    "en": _set("how why where when which whose what who"),
    "nb": _set("hva hvordan hvorfor hvor hvem når hvilke hvilken hvilket"),
}
_AMOUNTS = {
    "en": _set("much many long often far soon else come kind sort type one ones of"),
    "nb": frozenset(),
}
_NOT_ASKING = {"en": frozenset({"which is", "which means", "which was"}), "nb": frozenset()}


@cache
def _tag() -> dict[str, re.Pattern[str]]:
    aux = "|".join(sorted(a for a in _AUXILIARIES["en"] if a.endswith("n't")))
    pronoun = "|".join(sorted(_PRONOUNS["en"]))
    return {
        "en": re.compile(
            rf",\s*(?:right|correct|(?:{aux})\s+(?:{pronoun})|is that (?:right|correct)"
            r"|am i right)\W*$",
            re.IGNORECASE,
        ),
        "nb": re.compile(r",\s*(?:ikke sant|ikke sann|stemmer det|eller hva)\W*$", re.I),
    }


def _tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text.replace("’", "'"))


def lead_ins_dropped(norm: str, lang: str = "en") -> str:
    """A normalised clause without the words a question opens with before its question order
    ("thanks how are you" -> "how are you")."""
    lead_ins = _LEAD_INS.get(lang, _LEAD_INS["en"])
    tokens = norm.split()
    while tokens and tokens[0] in lead_ins:
        tokens = tokens[1:]
    return " ".join(tokens)


def _opens_a_question(tokens: list[str], lang: str) -> bool:
    lower = [t.lower() for t in tokens]
    while lower and lower[0] in _LEAD_INS[lang]:
        tokens, lower = tokens[1:], lower[1:]
    if len(lower) < 3:
        return False  # "Could be." "Where to?" is written with its mark
    first, second = lower[0], lower[1]
    if first in _AUXILIARIES[lang]:
        name = tokens[1][:1].isupper() and second != "i"
        if first in _ORDERS[lang]:
            return second in _PERSONS[lang] or name
        if second in _PRONOUNS[lang] or name:
            return True
        if second in _AFTER_ARTICLE_NOT[lang]:
            return False
        return second in _DETERMINERS[lang]
    stem = first.split("'")[0]
    if stem not in _ASKERS[lang] or f"{first} {second}" in _NOT_ASKING[lang]:
        return False
    if "'" in first:
        return True  # "what's", "how's", "where're": the verb is in the word
    if second in _PRONOUNS[lang] or second in _DETERMINERS[lang]:
        return False  # "what you need is...", "when the truck comes..."
    if lang != "en":
        return True  # Norwegian asks verb-second: "hva gjør dere"
    if second in _AUXILIARIES[lang] or second in _AMOUNTS[lang]:
        return True
    return first in _SUBJECT_ASKERS[lang] and (second.endswith("s") or second.endswith("ed"))


def in_question_form(sentence: str, lang: str = "en") -> bool:
    """Whether a sentence (one, as `text.sentences` cuts them) asks in question order: a
    clause of it (cut at commas; in Norwegian only the first) opens in question order, or it
    ends in a question tag."""
    lang = lang if lang in _ASKERS else "en"
    stripped = sentence.strip().rstrip("\"'”’) ")
    if not stripped or stripped.endswith("!"):
        return False
    if _tag()[lang].search(stripped):
        return True
    clauses = re.split(r"[,;:—–]", stripped)
    if lang != "en":
        clauses = clauses[:1]  # Norwegian inverts after any fronted clause: "Nå, er vi klare."
    return any(_opens_a_question(_tokens(c), lang) for c in clauses)
