"""The conversation's structure, read without a language model.

Phrase lists match wording, and a rep who says the right thing in other words scores nothing
while a rep who stuffs stock phrases into one line scores everything. What a rule can read
reliably is how the turns relate to each other:

- play-back: the rep repeats the customer's specifics (numbers, names, the customer's own
  content words) from earlier customer turns, and checks it ("Is that it?");
- a time: how specific a sentence is about when (a clock time or date, a day, "next week");
- agreement: whether the customer's next turn says yes;
- questions that build on the customer's last answer.

This module turns a transcript into rep sentences (`Line`) with these facts attached; the
behaviour rules (domain/behaviour.py) read them per skill.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from roleplay.domain import text as txt
from roleplay.domain.behaviour_words import Words
from roleplay.domain.kpis import holds_floor
from roleplay.domain.session import Transcript, Turn

# --- words -------------------------------------------------------------------------------
# The patterns below are Words: compiled on the first search, so a call scored in English
# never compiles the Norwegian ones (and importing this module compiles none: issue 18).


def _words(spaced: str) -> set[str]:
    return set(spaced.split())


_NUMBER_WORDS = {
    "en": _words(
        "three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
        "ninety hundred thousand million half quarter third"
    ),
    "nb": _words(
        "tre fire fem seks sju syv åtte ni ti elleve tolv femten tjue tretti førti femti "
        "seksti sytti åtti nitti hundre tusen million millioner halv halvparten"
    ),
}
_STOP = {
    "en": _words(
        "about above after again against because before being below between could doing "
        "during every further having himself herself itself other ourselves should their "
        "theirs themselves there these those through under until where which while would "
        "yourself yourselves honestly really actually basically maybe there's that's what's "
        "going thing things think know right okay great thanks thank today people sorry "
        "always never something anything nothing everything someone anyone little still "
        "years month months weeks week hours times first second last again though"
    ),
    "nb": _words(
        "ikke bare etter andre annet eller hvordan hvorfor mellom meget noen noe også slik "
        "under være vært ville skulle kunne fordi derfor samme sammen ærlig talt egentlig "
        "altså takk greit dette disse denne"
    ),
}
_AGREE = {
    "en": Words(
        r"^\W*(?:yes|yeah|yep|yup|exactly|correct|right|sure|okay|ok|fine|alright|all right|"
        r"absolutely|definitely|deal|great|perfect|agreed|that works|works|sounds good|"
        r"that would|that'd|let's|spot on|that's right|that's it|that's fair|fair|it does|"
        r"monday|tuesday|wednesday|thursday|friday|good)\b",
        re.IGNORECASE,
    ),
    "nb": Words(
        r"^\W*(?:ja|jepp|jo|nettopp|akkurat|stemmer|riktig|greit|ok|okei|fint|flott|gjerne|"
        r"det passer|passer|avtale|mandag|tirsdag|onsdag|torsdag|fredag)\b",
        re.IGNORECASE,
    ),
}
_REFUSE = {
    "en": Words(r"\b(?:no|not|don't|can't|won't|maybe|nope|never|perhaps)\b", re.I),
    "nb": Words(r"\b(?:nei|ikke|kanskje|aldri)\b", re.I),
}
_FIRST_PERSON = {
    "en": Words(r"\b(?:i|i'll|i'm|i've|i'd|we'll|we're|we've|me|my|let me)\b", re.IGNORECASE),
    "nb": Words(r"\b(?:jeg|vi|meg|min|mitt|mine)\b", re.IGNORECASE),
}
_WEEKDAYS = {
    "en": r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
    "nb": r"(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)",
}
_CLOCK = {
    "en": Words(
        r"\b(?:at|by|before|from|around|until)\s+(?:\d{1,2}(?::\d{2})?|noon|midday|one|two|"
        r"three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b(?!\s*(?:%|percent|days|"
        r"weeks|months|years|hours|minutes|people|of|agents|seats|depots))"
        r"|\b\d{1,2}(?::\d{2})?\s*(?:a\.?m\b|p\.?m\b|o'?clock)|\bo'?clock\b|\bnoon\b"
        r"|\b\d{1,2}(?:st|nd|rd|th)\b",
        re.IGNORECASE,
    ),
    "nb": Words(
        r"\bklokk(?:a|en)\s+\w+|\bkl\.?\s*\d{1,2}|\b\d{1,2}\.\s*(?:januar|februar|mars|april|mai"
        r"|juni|juli|august|september|oktober|november|desember)",
        re.IGNORECASE,
    ),
}
_DAY = {
    "en": Words(
        _WEEKDAYS["en"] + r"|\b(?:today|tonight|tomorrow|now|this (?:morning|afternoon|"
        r"evening)|end of (?:the )?day|same day|while we(?:'ve| have| are|'re) (?:been )?"
        r"(?:talking|on the (?:phone|line))|on this call|before we hang up|straight after)\b",
        re.IGNORECASE,
    ),
    "nb": Words(
        _WEEKDAYS["nb"] + r"|\b(?:i dag|i kveld|i morgen|nå|med en gang|samme dag)\b",
        re.IGNORECASE,
    ),
}
_ROUGH = {
    "en": Words(
        r"\b(?:next (?:week|month)|this week|few days|working days|business days|soon|"
        r"shortly|within|end of the (?:week|month|quarter)|sometime|at some point|in due "
        r"course|january|february|march|april|june|july|august|september|october|november|"
        r"december|spring|summer|autumn|winter|before (?:the|your) \w+)\b",
        re.IGNORECASE,
    ),
    "nb": Words(r"\b(?:neste uke|denne uka|denne uken|innen|snart|etter sommeren)\b", re.I),
}


def lang_of(language: str) -> str:
    base = txt.base_language(language)
    return base if base in _NUMBER_WORDS else "en"


def when(sentence: str, lang: str) -> int:
    """How specific a sentence is about time: 3 a clock time or date, 2 a day or 'now',
    1 roughly ('next week', 'within two days'), 0 not at all."""
    if _CLOCK[lang].search(sentence):
        return 3
    if _DAY[lang].search(sentence):
        return 2
    return 1 if _ROUGH[lang].search(sentence) else 0


def agrees(reply: str | None, lang: str) -> bool:
    """The customer's reply opens with a yes (and its first sentence is not a no)."""
    if not reply:
        return False
    first = (txt.sentences(reply) or [""])[0]
    if _REFUSE[lang].search(first) and not re.search(r"\bthat would\b|\bthat'd\b", first, re.I):
        return False
    return bool(_AGREE[lang].search(first))


def first_person(sentence: str, lang: str) -> bool:
    return bool(_FIRST_PERSON[lang].search(sentence))


# --- specifics -----------------------------------------------------------------------------


def _canon_numbers(text: str) -> str:
    # "1 400" and "1,400" are one number; "$189" is 189.
    return re.sub(r"(?<=\d)[ ,.](?=\d{3}\b)", "", text)


def specifics(text: str, lang: str) -> tuple[set[str], set[str]]:
    """(hard, soft) specifics of a text: numbers and names; content-word stems."""
    hard: set[str] = set(re.findall(r"\d+", _canon_numbers(text)))
    for sentence in txt.sentences(text):
        tokens = txt.words(sentence)
        for i, tok in enumerate(tokens):
            if i > 0 and tok[:1].isupper() and tok.lower() not in {"i", "i'm", "i'll", "i've"}:
                hard.add(tok.lower())
    soft: set[str] = set()
    for word in txt.normalise(text).replace("-", " ").split():
        if word in _NUMBER_WORDS[lang]:
            hard.add(word)
        elif len(word) >= 5 and word not in _STOP[lang] and "'" not in word and word not in hard:
            soft.add(word[:5])  # a name is counted once, as a name
    return hard, soft


# --- the call ------------------------------------------------------------------------------


@dataclass
class Line:
    """One sentence of a rep turn, with what the structure says about it."""

    turn: Turn
    ordinal: int  # which rep turn of the call (0 = the first)
    position: float  # 0 at the call's first rep turn, 1 at its last
    first_in_turn: bool
    text: str
    before: str  # the customer's turn just before this rep turn ("" if none)
    reply: str | None  # the customer's next turn
    played_hard: set[str] = field(default_factory=set)  # customer specifics repeated
    played_soft: set[str] = field(default_factory=set)
    from_before: float = 0.0  # weight of specifics from the customer's last turn
    new_numbers: set[str] = field(default_factory=set)  # numbers nobody said before
    excluded: str | None = None  # why this sentence counts for nothing
    lang: str = "en"

    @cached_property
    def norm(self) -> str:
        return txt.normalise(self.text)

    @property
    def is_question(self) -> bool:
        return txt.is_question(self.text, self.lang)

    @property
    def playback(self) -> float:
        return len(self.played_hard) + 0.5 * len(self.played_soft)


class Among:
    """`line in Among(lines)` answers as `line in lines` does (by equality: two sentences of
    equal content are one), without comparing it with every line: only with those of its turn
    and text. A test per line against a list made long calls quadratic."""

    def __init__(self, lines: Iterable[Line]) -> None:
        self._by: dict[tuple[int, int, str], list[Line]] = {}
        for line in lines:
            self._by.setdefault(self._key(line), []).append(line)

    @staticmethod
    def _key(line: Line) -> tuple[int, int, str]:
        return (line.turn.index, line.ordinal, line.text)  # equal lines share all three

    def __contains__(self, line: Line) -> bool:
        return any(o is line or o == line for o in self._by.get(self._key(line), ()))


def turns_of(lines: Iterable[Line]) -> set[int]:
    """The turns of these lines, by identity (`any(o.turn is t for o in lines)` at a look-up)."""
    return {id(line.turn) for line in lines}


@dataclass
class Call:
    lang: str
    lines: list[Line]
    customer_turns: list[Turn]
    rep_turns: list[Turn]

    def counted(self) -> list[Line]:
        return [line for line in self.lines if line.excluded is None]


def read_call(
    transcript: Transcript, exclude: Callable[[str], str | None] = lambda s: None
) -> Call:
    """The call's rep sentences with their structure. `exclude` names sentences that count
    for nothing (stuffed with stock phrases, instructions to the judge); a turn made only of
    such sentences is left out entirely, so it shifts no other line's place in the call."""
    lang = lang_of(transcript.record.language)
    reasons = {
        t.index: [(s, exclude(s)) for s in txt.sentences(t.text)]
        for t in transcript.turns
        if t.speaker == "rep"
    }

    def stays(t: Turn) -> bool:
        return t.speaker == "customer" or any(r is None for _, r in reasons[t.index])

    turns = [t for t in transcript.turns if stays(t)]
    rep_turns = [t for t in turns if t.speaker == "rep"]
    last = max(len(rep_turns) - 1, 1)
    dropped = [
        Line(
            turn=t,
            ordinal=-1,
            position=0.0,
            first_in_turn=False,
            text=s,
            before="",
            reply=None,
            excluded=r,
            lang=lang,
        )
        for t in transcript.turns
        # `not stays(t)` is `t not in turns` without scanning them (quadratic: 8.9 s of a
        # 2,000-turn call): a turn equal to t has its index, hence its reasons and its fate.
        if t.speaker == "rep" and not stays(t)
        for s, r in reasons[t.index]
    ]
    heard_hard: set[str] = set()  # the customer's specifics so far
    heard_soft: set[str] = set()
    rep_said: set[str] = set()  # what the rep said first (not the customer's)
    all_numbers: set[str] = set()
    lines: list[Line] = []
    ordinal = 0
    # The customer's next turn after each place, found in one pass from the end (a scan per
    # turn made long calls quadratic); the last one before it is kept while walking forward.
    replies: list[str | None] = [None] * len(turns)
    following: str | None = None
    for i in range(len(turns) - 1, -1, -1):
        replies[i] = following
        if turns[i].speaker == "customer":
            following = turns[i].text
    before = ""
    taken_by = ""  # who took the last turn; a backchannel ("Right.") takes none (kpis.floor)
    for i, turn in enumerate(turns):
        prev_rep, taken_by = taken_by == "rep", turn.speaker if holds_floor(turn) else taken_by
        if turn.speaker == "customer":
            hard, soft = specifics(turn.text, lang)
            heard_hard |= hard - rep_said
            heard_soft |= soft - rep_said
            all_numbers |= {h for h in hard if h.isdigit() or h in _NUMBER_WORDS[lang]}
            before = turn.text
            continue
        reply = replies[i]
        b_hard, b_soft = specifics(before, lang) if before and not prev_rep else (set(), set())
        kept = " ".join(sent for sent, why in reasons[turn.index] if why is None)
        hard, soft = specifics(kept, lang)
        for n, (sentence, why) in enumerate(reasons[turn.index]):
            if why is not None:
                lines.append(
                    Line(
                        turn=turn,
                        ordinal=ordinal,
                        position=ordinal / last,
                        first_in_turn=False,
                        text=sentence,
                        before="",
                        reply=None,
                        excluded=why,
                        lang=lang,
                    )
                )
                continue
            s_hard, s_soft = specifics(sentence, lang)
            numbers = {h for h in s_hard if h.isdigit() or h in _NUMBER_WORDS[lang]}
            line = Line(
                turn=turn,
                ordinal=ordinal,
                position=ordinal / last,
                first_in_turn=n == 0,
                text=sentence,
                before=before if not prev_rep else "",
                reply=reply,
                played_hard=s_hard & heard_hard,
                played_soft=s_soft & heard_soft,
                from_before=len(s_hard & b_hard) + 0.5 * len(s_soft & b_soft),
                new_numbers=numbers - all_numbers,
                lang=lang,
            )
            lines.append(line)
        rep_said |= (hard | soft) - heard_hard - heard_soft
        all_numbers |= {h for h in hard if h.isdigit() or h in _NUMBER_WORDS[lang]}
        ordinal += 1
    return Call(lang, [*lines, *dropped], [t for t in turns if t.speaker == "customer"], rep_turns)
