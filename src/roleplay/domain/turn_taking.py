"""When has the rep finished speaking? How long a silence ends a turn, given what was said.

A fixed silence is either too slow (waiting 700 ms after every crisp question) or too eager
(cutting in when the rep pauses after "and..."). Like the better voice agents, we read the
transcript so far: a question ends the turn after a short pause (250 ms), a complete statement
after a little more (people pause between sentences of one turn); a line that trails off
("and...", "um", "so the thing is") gets more time; anything else the default.

A check-back of what the customer said ("So if I understand correctly, mornings are the
bottleneck.") hands the turn over as plainly as a question: the customer confirms at once,
so it ends the turn as soon as a question does. Thanks and greetings do not: "Hi Dana, thanks
for taking the time." is usually followed by the first question after a breath (measured:
ending there split a spoken opening line in two).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from roleplay.domain import text as txt

Ending = Literal["question", "statement", "trailing", "open"]

# Words a sentence rarely ends on: conjunctions, fillers, articles, prepositions, possessives,
# modal verbs. A line that ends on one is trailing off, whatever its punctuation ("So we.").
_EN = """and but or so because cause since although though if when while whereas than um uh
erm er ah hmm like the a an to of for with from in on at by about into as my your our their his her
its i we they he she should could would can will might must let let's i'm we're you're it's
there's kind sort mean"""
_NB = """og men eller så fordi siden selv om hvis når mens enn at som eh ehm øh øhm altså typ en et
ei til av for med fra i på ved over under mot min mitt mine din ditt dine vår vårt våre
deres sin sitt sine skal vil kan må bør"""
_DANGLING = {"en": frozenset(_EN.split()), "nb": frozenset(_NB.split())}
# Words that end sentences too ("That's what it is."): trailing only with no full stop after.
_UNFINISHED = {
    "en": frozenset({"is", "are", "was", "were", "be", "been", "that", "this", "these", "those"}),
    "nb": frozenset({"er", "var", "være", "det", "den", "hva", "hvilke"}),
}
# A last sentence with one of these hands the turn over (normalised words, matched whole).
_HANDOVER = {
    "en": (
        "if i understand correctly",
        "if i understood correctly",
        "if i understand you correctly",
        "so what you're saying is",
        "correct me if i'm wrong",
    ),
    "nb": ("hvis jeg forstår deg riktig", "hvis jeg har forstått deg riktig"),
}
# A last sentence that starts with one of these asks the customer to talk ("Tell me about your
# mornings.", "Walk me through a bad day."): the turn is theirs as plainly as after a question
# (normalised words, after any connective: "So tell me...").
_INVITATION = {
    "en": (
        "tell me",
        "tell us",
        "walk me through",
        "talk me through",
        "take me through",
        "help me understand",
        "describe",
        "explain",
        "i'd love to hear",
        "i would love to hear",
        "i'd like to hear",
        "i would like to hear",
        "i'd like to know",
        "i would like to know",
        "i'm curious",
        "i am curious",
        "let me know",
        "please tell",
        "please share",
        "share with me",
        "give me an example",
        "go ahead",
    ),
    "nb": (
        "fortell",
        "beskriv",
        "forklar",
        "jeg er nysgjerrig",
        "gi meg beskjed",
        "gi meg et eksempel",
    ),
}
# A statement closed with a tag ("Mornings are the bottleneck, right.") asks for a yes or no
# (Whisper often ends it with a full stop): the words after the last comma, whole.
_TAG = {
    "en": frozenset(
        {
            "right",
            "correct",
            "isn't it",
            "aren't they",
            "don't you",
            "doesn't it",
            "wouldn't you say",
            "is that right",
            "is that correct",
            "am i right",
        }
    ),  # not "yes" or "yeah": "We tried that, yeah." goes on as often as not
    "nb": frozenset({"ikke sant", "eller hva", "stemmer det"}),
}
# Words a question starts with. Whisper often closes a spoken question with a full stop ("Who
# else would be involved in a decision like this."): a complete sentence that starts with one
# of these is read as the question it is. Not without the full stop: a pause mid-sentence
# ("How does a typical morning look") must not end the turn.
_ASKING_EN = """who whom whose what when where why how which would could can do does did is are
will should shall have has may"""
_ASKING_NB = "hvem hva når hvor hvorfor hvordan hvilke hvilken hvilket kan vil skal har er gjør"
_ASKING = {"en": frozenset(_ASKING_EN.split()), "nb": frozenset(_ASKING_NB.split())}
_TRAILING_MARKS = ("...", "…", ",", "-", "–", "—", ":", ";")
_COMPLETE_MARKS = (".", "?", "!")
_CONNECTIVE_WORDS = "so and but okay ok right well then og men så da"
_CONNECTIVES = frozenset(_CONNECTIVE_WORDS.split())
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class TurnEndPolicy:
    """Seconds of silence that end the rep's turn, by how the transcript so far ends."""

    silence: float = 0.65  # the default, when the words say nothing either way
    question: float = 0.25  # after a question: the rep hands the turn over
    trailing: float = 1.2  # after a word or mark that says more is coming
    # After a complete statement: people pause between sentences of one turn (~0.3-0.4 s),
    # so this waits a little longer than after a question.
    statement: float = 0.5

    def silence_needed(self, transcript: str, language: str = "en") -> float:
        if fragment(transcript, language):
            return self.silence  # "What..." and a breath: not a question yet
        kind = ending(transcript, language)
        if kind == "statement" and hands_over(transcript, language):
            return self.question
        if kind == "question":
            return self.question
        if kind == "statement":
            return self.statement
        if kind == "trailing":
            return self.trailing
        return self.silence


def ending(transcript: str, language: str = "en") -> Ending:
    """How the rep's words so far end: a question, a complete statement, trailing off, or
    open (no punctuation to go by)."""
    stripped = transcript.strip().rstrip("\"'”’)")
    if not stripped:
        return "open"
    words = txt.normalise(stripped).split()
    dangling = _DANGLING.get(txt.base_language(language), _DANGLING["en"])
    if stripped.endswith("?"):
        return "question"
    if stripped.endswith(_TRAILING_MARKS) or (words and words[-1] in dangling):
        return "trailing"
    unfinished = _UNFINISHED.get(txt.base_language(language), _UNFINISHED["en"])
    if words and words[-1] in unfinished and not stripped.endswith(_COMPLETE_MARKS):
        return "trailing"
    if stripped.endswith(_COMPLETE_MARKS):
        return "question" if _asks(stripped, language) else "statement"
    return "open"


def fragment(transcript: str, language: str = "en") -> bool:
    """The last sentence so far is one word that opens a longer one: a question word or an
    auxiliary ("What?", "How?", "Would?"), a connective, a filler or a word a sentence does
    not end on ("So?", "Um, and?"). Whisper writes the rep's first word, heard alone while
    they hesitate ("What... would make this a priority?"), as a question of its own; it is
    not a turn, and no reply is asked for from it, nor does a question's short pause end the
    turn on it. A word that can be a whole turn ("Really?", "Yes?", "Right?") is not one."""
    sentences = [p for p in _SENTENCE_END.split(transcript.strip()) if p.strip()]
    if not sentences:
        return False
    lang = txt.base_language(language)
    fillers = _FILLERS.get(lang, _FILLERS["en"])
    words = [w for w in txt.normalise(sentences[-1]).split() if w not in fillers]
    if not words:
        return True  # "Um?"
    if len(words) > 1:
        return False
    openers = _ASKING.get(lang, _ASKING["en"]) | _DANGLING.get(lang, _DANGLING["en"])
    return words[0] in openers or words[0].split("'")[0] in openers  # "What's..."


def _asks(sentence_text: str, language: str) -> bool:
    """The last sentence starts like a question (after a connective: "So how...", "And what's")."""
    sentences = [p for p in _SENTENCE_END.split(sentence_text) if p.strip()]
    words = txt.normalise(sentences[-1]).split() if sentences else []
    while words and words[0] in _CONNECTIVES:
        words = words[1:]
    first = words[0].split("'")[0] if words else ""
    return first in _ASKING.get(txt.base_language(language), _ASKING["en"])


def hands_over(transcript: str, language: str = "en") -> bool:
    """The last sentence gives the customer the turn without a question: it checks back what
    they said ("So if I understand correctly, ..."), invites them to talk ("Tell me about
    ...", "Walk me through ...") or ends on a tag ("..., right."). They are expected to answer
    at once, so the turn ends as soon as after a question."""
    sentences = [p for p in _SENTENCE_END.split(transcript.strip()) if p.strip()]
    if not sentences:
        return False
    lang = txt.base_language(language)
    last = f" {txt.normalise(sentences[-1])} "
    cues = _HANDOVER.get(lang, _HANDOVER["en"])
    if any(f" {cue} " in last for cue in cues):
        return True
    words = last.split()
    while words and words[0] in _CONNECTIVES:
        words = words[1:]
    opening = f" {' '.join(words)} "
    if any(opening.startswith(f" {cue} ") for cue in _INVITATION.get(lang, _INVITATION["en"])):
        return True
    clauses = sentences[-1].rsplit(",", 1)
    tag = txt.normalise(clauses[1]) if len(clauses) == 2 else ""
    return tag in _TAG.get(lang, _TAG["en"])


def same_words(a: str, b: str) -> bool:
    """Two transcripts say the same thing (case and punctuation aside)."""
    return txt.normalise(a) == txt.normalise(b)


def same_reply(a: str, b: str, language: str = "en") -> bool:
    """Two transcripts of one line differ in nothing the customer would answer differently:
    case and punctuation, fillers ("um"), a leading connective ("So ..."), contractions
    ("what's" / "what is"), numbers in words or digits ("ten percent" / "10%"), and words
    written apart, hyphenated or joined ("re-planning" / "replanning"). The reply asked for
    from one of them is kept for the other; any other difference asks again."""
    return _gist(a, language) == _gist(b, language)


_FILLERS_EN = "um umm uh uhm erm er ah eh hmm hm mm mhm"
_FILLERS_NB = "eh ehm øh øhm hmm hm mm"
_FILLERS = {"en": frozenset(_FILLERS_EN.split()), "nb": frozenset(_FILLERS_NB.split())}
_CONTRACTIONS = (
    ("won't", "will not"),
    ("can't", "can not"),
    ("cannot", "can not"),
    ("let's", "let us"),
    ("i'm", "i am"),
    ("n't", " not"),
    ("'re", " are"),
    ("'ve", " have"),
    ("'ll", " will"),
    ("'d", " would"),
    ("'s", " is"),  # "what's" / "what is" (a possessive stays the same on both sides)
)
_NUMBERS_EN = """zero one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty"""
_TENS_EN = "twenty thirty forty fifty sixty seventy eighty ninety"
_DIGITS = {w: str(i) for i, w in enumerate(_NUMBERS_EN.split())} | {
    w: str(20 + 10 * i) for i, w in enumerate(_TENS_EN.split())
}
_SPELLING = {"ok": "okay", "percent": "", "per cent": "", "alright": "all right"}


def _gist(text: str, language: str) -> str:
    lang = txt.base_language(language)
    said = txt.normalise(text.replace("%", " percent "))
    said = f" {said} "
    for short, long in _SPELLING.items():
        said = said.replace(f" {short} ", f" {long} ")
    if lang == "en":
        for short, long in _CONTRACTIONS:
            said = said.replace(f"{short} ", f"{long} ")
    words = [w for w in said.split() if w not in _FILLERS.get(lang, _FILLERS["en"])]
    while words and words[0] in _CONNECTIVES:
        words = words[1:]
    if lang == "en":
        words = [_DIGITS.get(w, w) for w in words]
    return "".join(words)  # written apart, hyphenated or joined: the same
