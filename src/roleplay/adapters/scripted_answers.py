"""What kind of line the rep said, when it earns no fact and raises no objection, and what the
scripted customer answers to it.

The kinds, in the order they are tried: an odd remark (an instruction to "the AI", a question
whether it is a robot), a proposed meeting or offer, small talk, a question about the
customer's situation, an apology or thanks, a pitch, a play-back, anything else. A play-back of
the customer's words ("So what I'm hearing is..., is that right?") is one even when asked as a
question, and scripted_playback answers it from what the customer said. Word lists per
language; a language without its own lists uses the English ones.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Literal

from roleplay.adapters import scripted_playback
from roleplay.domain import text as txt
from roleplay.domain.scenario import Scenario

Kind = Literal[
    "odd", "proposal", "small-talk", "question", "acknowledge", "pushback", "warm", "neutral"
]
PITCH_WORDS = 25  # a rep turn this long with no question is a pitch, not a conversation

_ODD: dict[str, tuple[str, ...]] = {
    "en": (
        "ignore your",
        "ignore all",
        "ignore the",
        "ignore previous",
        "your instructions",
        "print your",
        "system prompt",
        "your prompt",
        "your role and",
        "drop the role",
        "out of character",
        "are you an ai",
        "you're an ai",
        "you are an ai",
        "are you a robot",
        "are you a bot",
        "language model",
        "chatgpt",
        "pretend you're",
        "pretend you are",
        "tell me a joke",
        "forget the",
        "hidden facts",
    ),
    "nb": (
        "glem rollen",
        "rollen din",
        "instruksjonene",
        "instruksjoner",
        "er du en robot",
        "er du en ki",
        "språkmodell",
        "ignore your",
        "print your",
        "system prompt",
    ),
}
_PROPOSAL_FRAME = {
    "en": re.compile(
        r"\b(can we|could we|shall we|should we|let's|let us|how about|why don't we|would you be "
        r"open|would it help if|can i|could i|may i|i'll|i will|i can|i could|we can|we could|"
        r"i'd like to|so can we|are you free)\b"
    ),
    "nb": re.compile(
        r"\b(kan vi|skal vi|hva med|hva om|jeg kan|vi kan|jeg skal|kan jeg|passer det|vil du)\b"
    ),
}
_PROPOSAL_WHAT = {
    "en": re.compile(
        r"\b(meeting|meet|call with|a call|follow-up|follow up|demo|trial|pilot|proposal|"
        r"contract|sign|signed|discount|free|refund|credit|offer|book|schedule|set up|"
        r"calendar|next week|tomorrow|monday|tuesday|wednesday|thursday|friday|send you|"
        r"send over|put me through|transfer me|connect me)\b"
    ),
    "nb": re.compile(
        r"\b(møte|demo|avtale|tilbud|rabatt|kontrakt|signere|neste uke|i morgen|mandag|"
        r"tirsdag|onsdag|torsdag|fredag|sende)\b"
    ),
}
_SMALL_TALK: dict[str, tuple[str, ...]] = {
    "en": (
        "how are you",
        "how're you",
        # "How is your team set up?" asks about the business: only the day, week, weekend...
        "how's your day",
        "how is your day",
        "how was your",
        "how have you been",
        "how's it going",
        "how are things",
        "how's things",
        "holding up",
        "treating you",
        "weekend",
        "weather",
        "trade show",
        "your week",
        "your day going",
        "how's your morning",
        "how is your morning",
        "your morning going",
        "your morning been",
        "hope you're well",
        "hope you are well",
        "good to hear from",
        "nice to speak",
        "favourite",
        "favorite",
    ),
    "nb": (
        "hvordan går det",
        "hvordan har du det",
        "helg",
        "helgen",
        "været",
        "travel uke",
        "travel dag",
        "lenge siden",
    ),
}
_ACKNOWLEDGE: dict[str, tuple[str, ...]] = {
    "en": (
        "sorry",
        "apologise",
        "apologize",
        "apologies",
        "thank you",
        "thanks",
        "appreciate",
        "i understand",
        "i hear you",
        "that sounds",
        "fair enough",
        "my fault",
        "my mistake",
        "no need to apologise",
        "that's fair",
        "makes sense",
    ),
    "nb": ("beklager", "takk", "jeg forstår", "høres", "skjønner", "min feil"),
}

_DEFAULT_ANSWERS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "odd": (
            "Sorry, what? I'm not sure what you're asking me.",
            "I don't follow. Is this still about why you called?",
        ),
        "small-talk": ("Busy, as always. But fine, thanks.", "Can't complain. Go on."),
        "not-yet": (
            "Let's not get ahead of ourselves. I'm not there yet.",
            "Slow down. I haven't agreed to anything.",
        ),
        "acknowledge": ("Okay. Thanks for saying so.", "Alright. Let's go on."),
        # A question about the customer in a scenario with no situation lines: who they are,
        # from the persona, and a question back; never a bare dodge.
        "about-me": (
            "I'm {role} at {company}, so a bit of everything lands on my desk. What do you "
            "want to know?",
            "Well, I look after a lot at {company} as {role}. Which part are you asking about?",
        ),
        "pushback": (
            "Okay, but what does any of that have to do with us?",
            "You're telling me a lot about you. I haven't heard a question yet.",
            "I'm not sure why you're telling me all this.",
        ),
        "neutral": ("Hm. Go on.", "Maybe. Hard to say.", "Okay.", "I'm not sure I follow."),
        "warm": ("Yes, that's pretty much it.", "Right, exactly.", "Good question, actually."),
    },
    "nb": {
        "odd": ("Unnskyld, hva? Jeg skjønner ikke hva du spør om.", "Hæ? Hva mener du?"),
        "small-talk": ("Travelt, som vanlig. Men greit, takk.", "Kan ikke klage. Fortsett."),
        "not-yet": (
            "Nå går du litt fort frem. Jeg er ikke der ennå.",
            "Rolig nå. Jeg har ikke sagt ja til noe.",
        ),
        "acknowledge": ("Greit. Takk for det.", "Ok. Vi går videre."),
        "about-me": (
            "Jeg er {role} i {company}, så det meste havner på mitt bord. Hva vil du vite?",
            "Jeg har ansvar for mye i {company} som {role}. Hvilken del lurer du på?",
        ),
        "pushback": (
            "Greit, men hva har det med oss å gjøre?",
            "Du forteller mye om dere. Jeg har ikke hørt et spørsmål ennå.",
        ),
        "neutral": ("Hm. Fortsett.", "Kanskje. Vanskelig å si.", "Ok."),
        "warm": ("Ja, det stemmer egentlig.", "Akkurat.", "Godt spørsmål, faktisk."),
    },
}


def kind_of(text: str, language: str) -> Kind:
    """What the rep's line asks of the customer, when it earns nothing in the scenario."""
    lang = txt.base_language(language)
    norm = txt.normalise(text)
    if _has(norm, _ODD, lang):
        return "odd"
    frame = _PROPOSAL_FRAME.get(lang, _PROPOSAL_FRAME["en"])
    what = _PROPOSAL_WHAT.get(lang, _PROPOSAL_WHAT["en"])
    if frame.search(norm) and what.search(norm):
        return "proposal"
    asks = txt.questions(text, language)
    if _has(norm, _SMALL_TALK, lang) and (asks or "hope" in norm):
        return "small-talk"
    if scripted_playback.is_playback(text, language):
        return "warm"  # a play-back, checked or not: the customer confirms or corrects it
    if asks:
        return "question"
    if _has(norm, _ACKNOWLEDGE, lang):
        return "acknowledge"
    if txt.word_count(text) >= PITCH_WORDS:
        return "pushback"
    if txt.shows_listening(text, language):
        return "warm"
    return "neutral"


def _has(norm: str, table: dict[str, tuple[str, ...]], lang: str) -> bool:
    return any(txt.contains_phrase(norm, p) for p in table.get(lang, table["en"]))


def answer(s: Scenario, kind: Kind, text: str, rng: random.Random, said: str) -> tuple[str, str]:
    """(line, reply kind) for a rep line of `kind`; the reply kind becomes the turn's tag."""
    defaults = _DEFAULT_ANSWERS.get(txt.base_language(s.language), _DEFAULT_ANSWERS["en"])
    a, r = s.answers, s.reactions

    def pick(lines: Sequence[str], reply: str) -> tuple[str, str]:
        lines = list(lines) or list(defaults[reply])
        fresh = [line for line in lines if line not in said]
        return rng.choice(fresh or lines), reply

    if kind == "warm" and scripted_playback.is_playback(text, s.language):
        return scripted_playback.answer(text, said, s.language, rng)
    if kind == "question":
        return situation(s, text, rng, said) or _about_me(s, defaults["about-me"], rng, said)
    pools = {
        "odd": a.odd,
        "proposal": a.not_yet,
        "small-talk": a.small_talk,
        "acknowledge": a.acknowledge,
        "pushback": r.pushback,
        "warm": r.warm,
        "neutral": r.neutral,
    }
    reply = "not-yet" if kind == "proposal" else kind
    return pick(pools[kind], reply)


def _about_me(s: Scenario, lines: Sequence[str], rng: random.Random, said: str) -> tuple[str, str]:
    p = s.persona
    filled = [line.format(role=p.role, company=p.company) for line in lines]
    fresh = [line for line in filled if line not in said]
    return rng.choice(fresh or filled), "situation-general"


def situation(s: Scenario, text: str, rng: random.Random, said: str) -> tuple[str, str] | None:
    """A situation line on the topic the question touches (else a general one), or None."""
    norm = txt.normalise(text)
    scored = [
        (sum(txt.contains_phrase(norm, w) for w in topic.about), n)
        for n, topic in enumerate(s.answers.situation)
    ]
    best = max((score for score, _ in scored), default=0)
    if best > 0:
        chosen = [s.answers.situation[n] for score, n in scored if score == best]
    else:
        chosen = [t for t in s.answers.situation if not t.about]
    lines = [line for t in chosen for line in t.lines]
    if not lines:
        return None
    fresh = [line for line in lines if line not in said]
    # A general line is about the customer, not about what was asked: tagged apart, so the
    # relevance bench does not count it as an answer.
    return rng.choice(fresh or lines), "situation" if best > 0 else "situation-general"
