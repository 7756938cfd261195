"""Conversation tests a trainer writes into a scenario file, and the checks behind them.

A test is a sequence of rep lines; after any of them it can expect something of the customer's
reply or of the call (a fact revealed or still hidden, an objection raised, how the call ends,
the reply's language and length). Every reply, whatever the test, is also held to invariants
that a faithful customer never breaks (no hidden fact before it was earned, no words of the
brief or the customer's secret instructions, no control tags, never an AI, always the persona).

Everything here is pure: the runner (services.conversation_tests) feeds it replies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from roleplay.domain import text as txt
from roleplay.domain.problems import Finding
from roleplay.domain.signals import NonEmptyStr
from roleplay.domain.suggest import unknown_reference

# The same pattern as scenario.SLUG_PATTERN (that module imports this one).
_Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="an id")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Expect(_Strict):
    """What must hold after the customer's reply to this line."""

    revealed: list[_Slug] = Field(
        default_factory=list, description="Facts the customer has revealed by now."
    )
    not_revealed: list[_Slug] = Field(
        default_factory=list, description="Facts the customer must still be keeping back."
    )
    raised: list[_Slug] = Field(
        default_factory=list, description="Objections the customer has raised by now."
    )
    ends: Literal["win", "loss", "none"] | None = Field(
        default=None, description="How the call stands after this reply (none: still going)."
    )
    in_language: bool = Field(default=False, description="The reply is in the scenario's language.")
    max_words: int | None = Field(default=None, ge=1, description="The reply is at most N words.")


class TestLine(_Strict):
    rep: NonEmptyStr = Field(description="What the rep says.")
    expect: Expect | None = None


class ConversationTest(_Strict):
    id: _Slug
    about: str | None = Field(default=None, description="What the test shows, for trainers.")
    pinned: dict[_Slug, _Slug] = Field(
        default_factory=dict, description="Variation options fixed for this test."
    )
    lines: Annotated[list[TestLine], Field(min_length=1)]


def check_tests(
    tests: Sequence[ConversationTest],
    fact_ids: list[str],
    objection_ids: list[str],
    variations: dict[str, list[str]],
) -> list[Finding]:
    """References of the tests to the scenario's facts, objections and variations."""
    found: list[Finding] = []
    seen: set[str] = set()
    for i, test in enumerate(tests):
        at: tuple[str | int, ...] = ("tests", i)
        if test.id in seen:
            found.append(((*at, "id"), f"duplicate test id '{test.id}'", "ids must be unique"))
        seen.add(test.id)
        for dim, option in test.pinned.items():
            where = (*at, "pinned", dim)
            if dim not in variations:
                found.append((where, *unknown_reference("variation", dim, list(variations))))
            elif option not in variations[dim]:
                found.append(
                    (where, *unknown_reference(f"'{dim}' option", option, variations[dim]))
                )
        for j, line in enumerate(test.lines):
            if line.expect is None:
                continue
            e = line.expect
            for key, refs, known, kind in (
                ("revealed", e.revealed, fact_ids, "fact"),
                ("not_revealed", e.not_revealed, fact_ids, "fact"),
                ("raised", e.raised, objection_ids, "objection"),
            ):
                for k, ref in enumerate(refs):
                    if ref not in known:
                        where = (*at, "lines", j, "expect", key, k)
                        found.append((where, *unknown_reference(kind, ref, known)))
            both = set(e.revealed) & set(e.not_revealed)
            if both:
                found.append(
                    (
                        (*at, "lines", j, "expect"),
                        f"{', '.join(sorted(both))} is expected both revealed and not revealed",
                        "keep it in one of the two lists",
                    )
                )
    return found


# --- invariants ----------------------------------------------------------------------------

INVARIANTS = (
    "no-unearned-fact",
    "no-secret-words",
    "no-control-tags",
    "not-an-ai",
    "stays-in-persona",
)

# Each pattern is compiled on first use (`@cache`): `roleplay test` reads replies with them,
# and scoring a call (which loads this module with the scenario's models) never does (issue 18).


@cache
def _tags() -> re.Pattern[str]:
    return re.compile(r"\[\[|\]\]|\[\s*/?\s*(fact|objection|handled|end)\s*[:\]]", re.IGNORECASE)


@cache
def _ai() -> re.Pattern[str]:
    return re.compile(
        r"\b(as an ai|i am an ai|i'm an ai|an ai (language )?model|language model|ai assistant|"
        r"virtual assistant|i'm an assistant|i am an assistant|chatbot|openai|chatgpt|"
        r"role-?play|this scenario|the scenario|my instructions|system prompt|"
        r"språkmodell|ki-assistent|kunstig intelligens|jeg er en ki|rollespill)\b",
        re.IGNORECASE,
    )


# Self-introductions that would give the customer another name.
@cache
def _named() -> re.Pattern[str]:
    return re.compile(
        r"\b(?i:my name is|my name's|i am called|call me|jeg heter|mitt navn er)"
        r"\s+([A-ZÆØÅ][\w'-]+)"
    )


@cache
def _works_at() -> re.Pattern[str]:
    return re.compile(
        r"\b(?i:i work (?:at|for)|i'm with|i am with|jeg jobber (?:i|hos|for))\s+([A-ZÆØÅ][\w&'-]+)"
    )


SECRET_WINDOW = 8  # this many consecutive words shared with a secret text is a leak


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Function words per language; a reply is "in" a language when its words hit that list at least
# as often as any other. Only languages listed here can be checked.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _wordset(
        "the a an and or but is are was were be been i you we they he she it that this what "
        "how why when where who not no yes to of in on for with have has had do does did "
        "can could would will my your our their me us them so if just about there here"
    ),
    "nb": _wordset(
        "og eller men er var være jeg du vi de han hun det den at dette hva hvordan hvorfor "
        "når hvor hvem ikke nei ja til av i på for med har hadde gjør kan kunne vil skal min "
        "din vår deres meg oss dem så hvis bare om der her også noe"
    ),
}


@dataclass(frozen=True)
class Failure:
    check: str  # an invariant name, or expect.<key>
    message: str


@dataclass(frozen=True)
class Secrets:
    """What a faithful customer never says, for one run of a scenario."""

    texts: tuple[str, ...]  # brief, hidden instructions, system prompt: never quoted
    allowed: tuple[str, ...]  # the customer's own authored lines: quoting them is fine
    evidence: dict[str, tuple[str, ...]]  # fact id -> values that give that fact away
    name: str
    company: str


def fact_evidence(
    fact_texts: dict[str, list[str]],
    values: dict[str, str],
    public: Iterable[str],
) -> dict[str, tuple[str, ...]]:
    """For each fact, the variation values its raw (unfilled) text uses that nobody else says:
    not in the rep's brief or the persona, not in the customer's other lines, not in another
    fact. Saying one of them gives the fact away."""
    placeholder = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
    open_text = txt.normalise(" ".join(public))
    names = {
        f: {n for t in texts for n in placeholder.findall(t)} for f, texts in fact_texts.items()
    }
    out: dict[str, tuple[str, ...]] = {}
    for fact_id, own in names.items():
        # A value two facts share cannot tell which of them was given away.
        others = set().union(*(n for f, n in names.items() if f != fact_id))
        found = [
            values[n]
            for n in sorted(own - others)
            if n in values and not txt.contains_phrase(open_text, values[n])
        ]
        out[fact_id] = tuple(found)
    return out


@cache
def _name_or_number() -> re.Pattern[str]:
    return re.compile(r"\b(?:[A-ZÆØÅ][\w'-]{2,}|\d[\d,. ]*\d|\d{2,})\b")


def name_evidence(
    resolved: dict[str, tuple[str, list[str]]], public: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """For each fact (id -> (fact text, reveal lines), placeholders filled), the names and
    numbers of its fact text that no other text holds: not public, not in the customer's
    other lines, not in another fact or its lines. Saying one gives the fact away."""
    open_text = txt.normalise(" ".join(public))
    out: dict[str, tuple[str, ...]] = {}
    for fact_id, (fact, _) in resolved.items():
        elsewhere = txt.normalise(
            " ".join(t for f, (ft, lines) in resolved.items() if f != fact_id for t in (ft, *lines))
        )
        found = {
            m.group(0).strip()
            for m in _name_or_number().finditer(fact)
            # A capital after a sentence end is any word ("Each", "She"), not a name.
            if not re.search(r"(^|[.!?:;]\s*)$", fact[: m.start()])
            and not txt.contains_phrase(open_text, m.group(0))
            and not txt.contains_phrase(elsewhere, m.group(0))
        }
        out[fact_id] = tuple(sorted(found))
    return out


def reveals(fact_id: str, reply: str, tags: Iterable[str], secrets: Secrets, rep_said: str) -> bool:
    """The reply gives `fact_id` away: tagged so, or it says a value only that fact holds
    (and the rep has not said it first)."""
    if f"fact:{fact_id}" in tags:
        return True
    norm, rep = txt.normalise(reply), txt.normalise(rep_said)
    return any(
        _says(reply, norm, v) and not txt.contains_phrase(rep, v)
        for v in secrets.evidence.get(fact_id, ())
    )


def _says(reply: str, norm: str, value: str) -> bool:
    """A name is matched with its capitals ("Reading" the town, not "reading" the contract)."""
    if any(ch.isupper() for ch in value):
        return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", reply) is not None
    return txt.contains_phrase(norm, value)


def check_reply(
    reply: str,
    tags: Sequence[str],
    secrets: Secrets,
    earned: set[str],
    revealed_before: set[str],
    rep_said: str,
) -> list[Failure]:
    """The invariants every reply must keep. `earned`: facts the rep's lines have earned so
    far; `rep_said`: everything the rep has said (quoting the rep back is no leak)."""
    out: list[Failure] = []
    for fact_id in secrets.evidence:
        if fact_id in earned or fact_id in revealed_before:
            continue
        if reveals(fact_id, reply, tags, secrets, rep_said):
            out.append(Failure("no-unearned-fact", f"gave away '{fact_id}' before it was earned"))
    leaked = _shared_window(reply, secrets.texts, (*secrets.allowed, rep_said))
    if leaked:
        out.append(Failure("no-secret-words", f'quotes hidden instructions: "{leaked}"'))
    if _tags().search(reply):
        out.append(Failure("no-control-tags", "a control tag reached the spoken reply"))
    ai = _ai().search(reply)
    if ai:
        out.append(Failure("not-an-ai", f'steps out of the call: "{ai.group(0)}"'))
    out += _persona(reply, secrets)
    return out


def _persona(reply: str, secrets: Secrets) -> list[Failure]:
    own = set(txt.normalise(secrets.name).split())
    for m in _named().finditer(reply):
        if txt.normalise(m.group(1)) not in own:
            return [Failure("stays-in-persona", f"calls itself '{m.group(1)}', not {secrets.name}")]
    company = txt.normalise(secrets.company)
    for m in _works_at().finditer(reply):
        if txt.normalise(m.group(1)) not in company:
            return [Failure("stays-in-persona", f"works at '{m.group(1)}', not {secrets.company}")]
    return []


def _windows(text: str, n: int) -> set[str]:
    w = txt.normalise(text).split()
    return {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}


def _shared_window(reply: str, secret: Sequence[str], allowed: Sequence[str]) -> str | None:
    mine = _windows(reply, SECRET_WINDOW)
    if not mine:
        return None
    hidden = set().union(*(_windows(t, SECRET_WINDOW) for t in secret)) if secret else set()
    fine = set().union(*(_windows(t, SECRET_WINDOW) for t in allowed)) if allowed else set()
    leaked = sorted((mine & hidden) - fine)
    return leaked[0] if leaked else None


def in_language(reply: str, language: str) -> bool | None:
    """Whether the reply is in `language`; None when that language cannot be checked."""
    lang = txt.base_language(language)
    if lang not in _STOPWORDS:
        return None
    words = [w.lower() for w in txt.words(reply)]
    hits = {k: sum(w in v for w in words) for k, v in _STOPWORDS.items()}
    if not any(hits.values()):
        return True  # "Okay." is any language
    return hits[lang] >= max(hits.values()) and hits[lang] > 0


def check_expect(
    e: Expect,
    reply: str,
    revealed: set[str],
    raised: set[str],
    ended: str | None,
    language: str,
) -> list[Failure]:
    """`revealed`/`raised`: so far in the call, this reply included; `ended`: the outcome."""
    out: list[Failure] = []
    for f in e.revealed:
        if f not in revealed:
            out.append(Failure("expect.revealed", f"'{f}' was not revealed"))
    for f in e.not_revealed:
        if f in revealed:
            out.append(Failure("expect.not_revealed", f"'{f}' was revealed"))
    for o in e.raised:
        if o not in raised:
            out.append(Failure("expect.raised", f"objection '{o}' was not raised"))
    if e.ends is not None and (ended or "none") != e.ends:
        out.append(
            Failure("expect.ends", f"expected the call to end {e.ends}, got {ended or 'none'}")
        )
    if e.in_language and in_language(reply, language) is False:
        out.append(Failure("expect.in_language", f"the reply is not in '{language}'"))
    if e.max_words is not None and txt.word_count(reply) > e.max_words:
        out.append(
            Failure(
                "expect.max_words", f"{txt.word_count(reply)} words, expected at most {e.max_words}"
            )
        )
    return out
