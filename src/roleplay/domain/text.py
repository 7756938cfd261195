"""Language-aware text helpers shared by the scripted customer, the judge and the KPIs.

Everything here is deliberately simple and deterministic: it is the offline approximation, and
its limits are documented where it is used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Literal, NamedTuple

from roleplay.domain.question_form import in_question_form, lead_ins_dropped

QuestionKind = Literal["open", "closed"]

# Each pattern is compiled on first use (`@cache`): compiling all of them at import cost every
# command ~9 M instructions, and a read command uses one or two (issue 18).


@cache
def _word() -> re.Pattern[str]:
    return re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


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
    return _word().findall(text)


def word_count(text: str) -> int:
    return len(words(text))


# A candidate sentence end: terminal punctuation (and closing quotes) before a space or the end.
@cache
def _sentence_end() -> re.Pattern[str]:
    return re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")


# Abbreviations that never end a sentence, and ones that end it only before a capital letter
# ("at 9 a.m. with Helen" goes on; "at 3 p.m. Then we talk" is two sentences).
_TITLES = {"mr.", "mrs.", "ms.", "dr.", "st.", "prof."}
_SOFT = {
    "a.m.",
    "p.m.",
    "e.g.",
    "i.e.",
    "etc.",
    "vs.",
    "approx.",
    "kl.",
    "f.eks.",
    "bl.a.",
    "ca.",
    "osv.",
    "jf.",
}


def sentences(text: str) -> list[str]:
    """Split into sentences, keeping each sentence's own punctuation."""
    found: list[str] = []
    start = 0
    for m in _sentence_end().finditer(text):
        tokens = text[start : m.end()].split()
        word = tokens[-1].lower().strip("\"'”’()[]") if tokens else ""
        following = text[m.end() :].lstrip()
        if word in _TITLES or (word in _SOFT and following and not following[0].isupper()):
            continue
        found.append(text[start : m.end()].strip())
        start = m.end()
    found.append(text[start:].strip())
    return [s for s in found if s and any(ch.isalnum() for ch in s)]


def contains_phrase(haystack_normalised: str, phrase: str) -> bool:
    """Whole-word phrase match on normalised text ("price" matches "the price", not "priceless")."""
    needle = normalise(phrase)
    if not needle:
        return False
    return f" {needle} " in f" {haystack_normalised} "


class Question(NamedTuple):
    text: str
    kind: QuestionKind


# Suggestions phrased as questions ("What if we split the difference?") are proposals, not
# open questions.
_PROPOSALS: dict[str, tuple[str, ...]] = {
    "en": ("what if", "how about", "what about"),
    "nb": ("hva om", "hva med"),
}
# A play-back opens with "what" and asks nothing open: "So what I'm hearing is the onboarding
# took too long, is that right?" is a check, answered yes or no.
_PLAYBACK_STARTS: dict[str, tuple[str, ...]] = {
    "en": (
        "what i'm hearing",
        "what i am hearing",
        "what i heard",
        "what i've heard",
        "what i understand",
        "what i understood",
        "what you're saying",
        "what you are saying",
        "what you said",
        "what you've said",
        "what you told me",
    ),
    "nb": ("hva jeg hører", "hva du sier", "hva du sa"),
}


@cache
def _connective() -> re.Pattern[str]:
    return re.compile(r"^(?:so|and|but|okay|ok|right|well|then|og|men|så|da)\s+")


def questions(text: str, language: str = "en") -> list[Question]:
    """Questions in a turn, each classified as open or closed.

    A sentence is a question when it ends with '?', asks in question order without it ("could I
    have your name", `question_form`: Whisper drops the mark), or is an open imperative ("tell
    me about...").
    It is open when its main clause starts with an open word: the first clause, or a clause after
    a comma ("If you could halve the stops, what would that change?"), contractions included
    ("what's", "how's"). Proposals ("What if we...", "How about...") and anything else that ends
    in '?' are closed.
    """
    lang = base_language(language)
    open_starts = _OPEN_STARTS.get(lang, _OPEN_STARTS["en"])
    imperatives = _OPEN_IMPERATIVES.get(lang, _OPEN_IMPERATIVES["en"])
    proposals = _PROPOSALS.get(lang, _PROPOSALS["en"]) + _PLAYBACK_STARTS.get(lang, ())
    found: list[Question] = []
    for sentence in sentences(text):
        norm = normalise(sentence)
        asked = is_question(sentence, lang)
        imperative = any(norm.startswith(normalise(p)) for p in imperatives)
        if not (asked or imperative):
            continue
        clauses = [
            _uncontract(lead_ins_dropped(_connective().sub("", normalise(c)), lang))
            for c in re.split(r"[,;:—–]", sentence)
            if normalise(c)
        ]
        is_open = imperative or any(
            any(_starts_with(clause, s) for s in open_starts)
            and not any(_starts_with(clause, p) for p in proposals)
            for clause in clauses
        )
        found.append(Question(sentence, "open" if is_open else "closed"))
    return found


def is_question(sentence: str, language: str = "en") -> bool:
    """One sentence ends with '?' or asks in question order (`question_form`)."""
    if sentence.rstrip("\"'”’) ").endswith("?"):
        return True
    return in_question_form(sentence, base_language(language))


def _uncontract(norm: str) -> str:
    """`what's it like` -> `what it like`: only the first word decides the question's kind."""
    first, _, rest = norm.partition(" ")
    return f"{first.split(APOSTROPHE)[0]} {rest}".strip()


APOSTROPHE = "'"


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


# --- untrusted text at a terminal or in a document ------------------------------------------


# Every bidirectional control (Unicode's Bidi_Control: the embeddings, overrides and isolates
# U+202A-202E and U+2066-2069, and the marks U+200E, U+200F, U+061C). They reorder what a
# terminal or an editor shows ("Trojan Source"): an override turns a name around, an isolate
# moves what follows it, and a mark alone can reverse digits ("A \u200f1 2" as "A 2 1").
# None is visible; natural right-to-left text is shown right to left without them.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@cache
def _bidi() -> re.Pattern[str]:
    return re.compile(f"[{BIDI_CONTROLS}]")


def bidi_controls(text: str) -> list[int]:
    """Where `text` holds a bidirectional control (indexes)."""
    return [m.start() for m in _bidi().finditer(text)]


def character_name(char: str) -> str:
    """How a problem names a character: 'U+202E RIGHT-TO-LEFT OVERRIDE'."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"


# C0 controls except tab and newline, DEL, and C1 controls. ESC starts terminal sequences (OSC 52
# writes the clipboard), a bare CR overwrites a line, and the C1 range holds 8-bit CSI/OSC.
# Also the bidirectional controls (BIDI_CONTROLS): they reorder what a terminal shows, so a
# title could display as something else.
# And lone surrogates: Python's stand-ins for bytes that were not UTF-8 (piped input, argv),
# which a UTF-8 terminal cannot even be sent (UnicodeEncodeError).
@cache
def _controls() -> re.Pattern[str]:
    return re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}\\ud800-\\udfff]")


@cache
def _surrogates() -> re.Pattern[str]:
    return re.compile(r"[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """`text` with each lone surrogate (a byte that was not UTF-8, as Python decodes piped
    input and arguments) replaced by U+FFFD, so it can be saved as UTF-8 JSON. A turn typed in
    a Latin-1 terminal ('caf\xe9') crashed the call when it was saved."""
    return _surrogates().sub("\ufffd", text)


# Characters that end a line for some readers (str.splitlines, editors) but not for JSON lines.
@cache
def _line_breaks() -> re.Pattern[str]:
    return re.compile(r"[\r\u2028\u2029\x85\x0b\x0c\x1c-\x1e]")


def printable(text: str) -> str:
    """`text` without control characters (newline and tab kept), fit for a terminal or a
    Markdown document. A CR or other line break becomes a space, so nothing can pretend to be
    a new line; other controls (ESC, BEL...) are dropped."""
    return _controls().sub("", _line_breaks().sub(" ", text))


def one_line(text: str) -> str:
    """`text` as a single line: every line break (CR, LF, U+2028...) becomes a space."""
    return printable(text).replace("\n", " ")


# --- secrets --------------------------------------------------------------------------------

MIN_SECRET = 6  # shorter known values would redact ordinary words


# user:password@ in any URL, and credential-like query parameters (`?password=`, `&api_key=`).
@cache
def _url_userinfo() -> re.Pattern[str]:
    # The password runs to the *last* @ before the path, query or fragment: a password typed
    # with a raw @ in it (`user:p@ss@host`, which clients accept) otherwise kept its tail.
    return re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^\s/@:?#]*):[^\s/?#]*@")


@cache
def _url_key_only() -> re.Pattern[str]:
    return re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^\s/@:]{16,})@")


@cache
def _credential_param() -> re.Pattern[str]:
    return re.compile(
        # A prefix joined by _ or - counts too: client_secret, x-api-key, refresh_token,
        # ssl_password; `sig` is the signature of an Azure SAS URL.
        r"(?P<key>[?&;](?:[a-z0-9.]+[_-])*(?:password|passwd|pwd|pass|api[_-]?key|apikey|key|"
        r"token|secret|sslpassword|auth|authorization|credentials?|signature|sig)=)"
        r"[^&;#\s'\"]*",
        re.IGNORECASE,
    )


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with credentials replaced by ***: every known secret value, the password of any
    `scheme://user:password@host` URL, a long bare user-info (a key used as the user name), and
    credential query parameters (`?password=...`). The one redaction: logs, exports, LLM and
    database errors all go through it. Known values shorter than MIN_SECRET are left alone."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _url_userinfo().sub(r"\g<scheme>\g<user>:***@", text)
    text = _url_key_only().sub(r"\g<scheme>***@", text)
    return _credential_param().sub(r"\g<key>***", text)


@cache
def _c1_and_del() -> re.Pattern[str]:
    return re.compile(f"[\\x7f-\\x9f{BIDI_CONTROLS}]")


def json_terminal_safe(json_text: str) -> str:
    """JSON text with DEL, C1 controls and the bidirectional controls written as \\u escapes
    (json.dumps escapes C0 but leaves U+0080-U+009F raw, and a terminal may obey U+009B as CSI;
    a raw U+202E shows a title reversed). Lossless: the decoded data is the same. Valid because
    such characters can only occur inside JSON strings."""
    return _c1_and_del().sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
