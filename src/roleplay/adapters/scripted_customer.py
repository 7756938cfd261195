"""The offline scripted customer: plays a scenario from its signals, with no model at all.

Deterministic for a session (its choices come from the variation seed and the turn number),
and stateless: what was revealed or raised is read back from the tags of earlier turns, so a
call can switch to it midway (e.g. when the LLM server goes down) and carry on.

Each rep turn gets the first of these that applies: time up; loss; win (its required facts
revealed); an open objection handled; a fact earned; an objection triggered; an objection due
by turn count (in the drawn order); a generic reaction (warm, pushback, neutral).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from roleplay.domain import text as txt
from roleplay.domain.scenario import EndCondition, Objection, Scenario
from roleplay.domain.signals import matches
from roleplay.services.ports import CustomerEvent, CustomerRequest, EndCall, Marker, Sentence

PITCH_WORDS = 25  # a rep turn this long with no question is a pitch, not a conversation

_DEFAULT_REACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "pushback": (
            "Okay, but what does any of that have to do with us?",
            "You're telling me a lot about you. I haven't heard a question yet.",
            "I'm not sure why you're telling me all this.",
        ),
        "neutral": ("Hm. Go on.", "Maybe. Hard to say.", "Okay.", "I'm not sure I follow."),
        "warm": ("Yes, that's pretty much it.", "Right, exactly.", "Good question, actually."),
    },
    "nb": {
        "pushback": (
            "Greit, men hva har det med oss å gjøre?",
            "Du forteller mye om dere. Jeg har ikke hørt et spørsmål ennå.",
        ),
        "neutral": ("Hm. Fortsett.", "Kanskje. Vanskelig å si.", "Ok."),
        "warm": ("Ja, det stemmer egentlig.", "Akkurat.", "Godt spørsmål, faktisk."),
    },
}


class ScriptedCustomer:
    name = "scripted"

    def respond(self, request: CustomerRequest) -> Iterator[CustomerEvent]:
        run = request.run
        s = run.scenario
        turns = request.turns
        rng = random.Random(f"{run.variation.seed}:{len(turns)}")
        said = {t.text for t in turns if t.speaker == "customer"}

        def pick(lines: Sequence[str]) -> str:
            fresh = [line for line in lines if line not in said]
            return rng.choice(fresh or list(lines))

        if not turns or all(t.speaker == "customer" for t in turns):
            yield from self._say(pick(s.opening), "opening")
            return
        if request.time_up:
            yield from self._say(pick(s.end.time.lines), "end:time")
            yield EndCall("time", "the time limit was reached")
            return

        rep = [t for t in turns if t.speaker == "rep"]
        last = rep[-1].text
        n = len(rep)
        tags = {tag for t in turns if t.speaker == "customer" for tag in t.tags}
        revealed = {tag.split(":", 1)[1] for tag in tags if tag.startswith("fact:")}
        raised = {tag.split(":", 1)[1] for tag in tags if tag.startswith("objection:")}
        handled = {tag.split(":", 1)[1] for tag in tags if tag.startswith("handled:")}
        lang = s.language

        if self._ends(s.end.loss, last, n, revealed, lang):
            yield from self._say(pick(s.end.loss.lines), "end:loss")
            yield EndCall("loss", s.end.loss.when)
            return
        if self._ends(s.end.win, last, n, revealed, lang):
            yield from self._say(pick(s.end.win.lines), "end:win")
            yield EndCall("win", s.end.win.when)
            return
        for obj in s.objections:
            if (
                obj.id in raised
                and obj.id not in handled
                and obj.handled
                and matches(obj.handled.signals, last, lang)
            ):
                yield from self._say(pick(obj.handled.replies), f"handled:{obj.id}")
                return
        for fact in s.facts:
            if (
                fact.id not in revealed
                and set(fact.earn.after) <= revealed
                and matches(fact.earn.signals, last, lang)
            ):
                yield from self._say(pick(fact.reveal), f"fact:{fact.id}")
                return
        by_id = {o.id: o for o in s.objections}
        for obj in (by_id[i] for i in run.objection_order):
            if obj.id not in raised and self._triggered(obj, last, lang):
                yield from self._say(pick(obj.phrasings), f"objection:{obj.id}")
                return
        for obj in (by_id[i] for i in run.objection_order):
            due = obj.trigger.after_turn is not None and n >= obj.trigger.after_turn
            if obj.id not in raised and due:
                yield from self._say(pick(obj.phrasings), f"objection:{obj.id}")
                return
        yield from self._say(pick(self._reaction(s, last)), "reaction")

    @staticmethod
    def _say(line: str, tag: str) -> Iterator[CustomerEvent]:
        yield Marker(tag)
        for sentence in txt.sentences(line) or [line]:
            yield Sentence(sentence)

    @staticmethod
    def _ends(cond: EndCondition, text: str, n: int, revealed: set[str], lang: str) -> bool:
        if cond.after_turn is not None and n < cond.after_turn:
            return False
        return set(cond.requires) <= revealed and matches(cond.signals, text, lang)

    @staticmethod
    def _triggered(obj: Objection, text: str, lang: str) -> bool:
        return not obj.trigger.signals.is_empty() and matches(obj.trigger.signals, text, lang)

    @staticmethod
    def _reaction(s: Scenario, text: str) -> Sequence[str]:
        lang = txt.base_language(s.language)
        defaults = _DEFAULT_REACTIONS.get(lang, _DEFAULT_REACTIONS["en"])
        qs = txt.questions(text, s.language)
        if any(q.kind == "open" for q in qs) or txt.shows_listening(text, s.language):
            kind = "warm"
        elif not qs and txt.word_count(text) >= PITCH_WORDS:
            kind = "pushback"
        else:
            kind = "neutral"
        return getattr(s.reactions, kind) or defaults[kind]
