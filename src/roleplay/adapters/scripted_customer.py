"""The offline scripted customer: plays a scenario from its signals, with no model at all.

Deterministic for a session (its choices come from the variation seed and the turn number),
and stateless: what was revealed or raised is read back from the tags of earlier turns, so a
call can switch to it midway (e.g. when the LLM server goes down) and carry on.

Each rep turn gets the first of these that applies: time up; loss; win (its required facts
revealed); an open objection handled; a fact earned (a play-back that handles or earns it is
confirmed or put right first); an objection triggered; then an answer to
what the rep said (scripted_answers: a meeting or offer accepted once the win's facts are out,
else a reason why not yet; small talk; the situation; an apology acknowledged...), followed by
an objection due by turn count (in the drawn order) when the line deserved an answer of its own.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from roleplay.adapters import scripted_answers, scripted_playback
from roleplay.domain import text as txt
from roleplay.domain.scenario import EndCondition, Objection
from roleplay.domain.signals import matches
from roleplay.services.ports import CustomerEvent, CustomerRequest, EndCall, Marker, Sentence


class ScriptedCustomer:
    name = "scripted"

    def respond(self, request: CustomerRequest) -> Iterator[CustomerEvent]:
        run = request.run
        s = run.scenario
        turns = request.turns
        rng = random.Random(f"{run.variation.seed}:{len(turns)}")
        # Everything said so far, as one text: a turn may hold two lines (answer + objection).
        said = "\n".join(t.text for t in turns if t.speaker == "customer")

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
                yield from self._checked(last, said, lang, rng)
                yield from self._say(pick(obj.handled.replies), f"handled:{obj.id}")
                return
        for fact in s.facts:
            if (
                fact.id not in revealed
                and set(fact.earn.after) <= revealed
                and matches(fact.earn.signals, last, lang)
            ):
                yield from self._checked(last, said, lang, rng)
                yield from self._say(pick(fact.reveal), f"fact:{fact.id}")
                return
        by_id = {o.id: o for o in s.objections}
        kind = scripted_answers.kind_of(last, lang)
        line, reply = scripted_answers.answer(s, kind, last, rng, said)
        for obj in (by_id[i] for i in run.objection_order):
            if obj.id not in raised and self._triggered(obj, last, lang):
                if reply in {"situation", "small-talk", "acknowledge", "warm", "correct"}:
                    # "Who else would be involved, maybe a meeting Tuesday?" gets its answer,
                    # then the objection the meeting provoked.
                    yield from self._say(line, f"reaction:{reply}")
                yield from self._say(pick(obj.phrasings), f"objection:{obj.id}")
                return
        win = s.end.win
        if (
            kind == "proposal"
            and set(win.requires) <= revealed
            and (win.after_turn is None or n >= win.after_turn)
        ):
            # A meeting or offer in other words than the win signals: accepted all the same.
            yield from self._say(pick(win.lines), "end:win")
            yield EndCall("win", win.when)
            return
        for obj in (by_id[i] for i in run.objection_order):
            due = obj.trigger.after_turn is not None and n >= obj.trigger.after_turn
            if obj.id not in raised and due:
                if kind != "neutral":
                    # Answer what was asked first, then bring the objection up.
                    yield from self._say(line, f"reaction:{reply}")
                yield from self._say(pick(obj.phrasings), f"objection:{obj.id}")
                return
        yield from self._say(line, f"reaction:{reply}")

    @classmethod
    def _checked(
        cls, last: str, said: str, lang: str, rng: random.Random
    ) -> Iterator[CustomerEvent]:
        """A play-back that also earns a fact or handles an objection gets its yes or no
        first ("Yes, that's it." or "Not quite." and what was said), as a person answers."""
        if scripted_playback.is_playback(last, lang):
            line, reply = scripted_playback.answer(last, said, lang, rng, echo=False)
            yield from cls._say(line, f"reaction:{reply}")

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
