"""The offline judge: reads the call's structure, with the rubric's signals as hints.

It is approximate by design and says so on every scorecard. It is deterministic (same
transcript, same scorecard) and nothing the rep says can instruct it.

Per criterion whose skill has a behaviour rule (domain/behaviour.py), the level comes from
what the rep did in relation to the customer: played back their specifics and checked,
committed to an action with a time, proposed a step the customer agreed to in their next turn,
asked questions that build on the last answer, and what went wrong (refusing, blaming, passing
the customer on, "policy"), quoted as counter-evidence. The rubric's `signals` can lift a
level by one at most. A skill without a rule is scored from the signals alone: sentences
matching `signals.evidence` (one per turn) minus those matching `signals.avoid`, against
`levels_at`. Beside a rule, a phrase counts only where the call backs it (not in a turn that
also pitches, argues or passes the customer on, unless the customer's words or their yes back
it), and the evidence quoted is what counted.

Lines that count for nothing: a sentence stuffed with signal phrases of three or more criteria
at once (one line cannot show several skills), and instructions to the judge.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Callable

from roleplay.domain import behaviour_words as bw
from roleplay.domain import kpis as kpi
from roleplay.domain import text as txt
from roleplay.domain.behaviour import RULES, Reading
from roleplay.domain.conversation import Call, Line, agrees, read_call, turns_of
from roleplay.domain.rubric import Criterion, Rubric
from roleplay.domain.scorecard import (
    CriterionScore,
    Evidence,
    Scorecard,
    strengths_and_priorities,
    weighted_overall,
)
from roleplay.domain.session import Transcript
from roleplay.domain.signals import Signals, find_hits, phrase_in

MAX_QUOTES = 3
ANSWERED_WORDS = 8  # a question the customer answered in this many words was a real question
STUFFED_PHRASES = 7  # phrases of the two most-matched criteria that make a line stuffing
OFFLINE_NOTE = (
    "Scored by the offline judge: it reads the call's structure (play-back of the customer's "
    "specifics, commitments with a time, agreement in the customer's next turn, questions "
    "that build on answers) and the rubric's phrases, so treat levels as approximate. "
    "Configure an LLM for a judge that reads meaning."
)


def score_offline(rubric: Rubric, transcript: Transcript) -> Scorecard:
    language = transcript.record.language
    call = read_call(transcript, _excluder(rubric, language))
    backed, said = _backed(call), _as_said(call)
    scores = [_score_criterion(c, call, language, backed, said) for c in rubric.criteria]
    notes = [OFFLINE_NOTE]
    unscored = [s.name for s in scores if s.level is None]
    if unscored:
        notes.append(
            "Not scored offline (the rubric gives no signals): " + ", ".join(unscored) + "."
        )
    ignored = [line for line in call.lines if line.excluded]
    if ignored:
        kinds = sorted({line.excluded or "" for line in ignored})
        notes.append(
            f"{len(ignored)} sentence(s) counted for nothing ({'; '.join(kinds)}), e.g. "
            f'"{ignored[0].text[:80]}"'
        )
    if not transcript.rep_turns():
        notes.append("The rep said nothing, so every scored criterion is at the lowest level.")
    return assemble(rubric, transcript, scores, judge="offline", approximate=True, notes=notes)


def _excluder(rubric: Rubric, language: str) -> Callable[[str], str | None]:
    hinted = [c.signals.evidence for c in rubric.criteria if c.signals is not None]

    def exclude(sentence: str) -> str | None:
        if bw.INSTRUCTION.search(sentence):
            return "an instruction to the judge"
        counts = sorted((_phrases(signals, sentence) for signals in hinted), reverse=True)
        c1, c2, c3 = (*counts, 0, 0, 0)[:3]
        # A list of stock phrases: several of the rubric's phrases for each of several
        # skills in one sentence. A recap, or a long sentence that touches two or three
        # skills with a phrase or two, is not one.
        if c2 >= 2 and (c3 >= 2 or c1 + c2 >= STUFFED_PHRASES):
            return "stock phrases for several skills in one line"
        return None

    return exclude


def _phrases(signals: Signals, sentence: str) -> int:
    padded = f" {txt.normalise(sentence)} "
    found = sum(1 for phrase in signals.phrases if phrase_in(padded, phrase))
    return found + sum(1 for p in signals.patterns if re.search(p, sentence, re.IGNORECASE))


def assemble(
    rubric: Rubric,
    transcript: Transcript,
    scores: list[CriterionScore],
    *,
    judge: str,
    approximate: bool,
    notes: list[str],
    samples: int = 1,
) -> Scorecard:
    """A scorecard from criterion scores: overall, pass/fail, strengths, priorities, KPIs.

    A drill is scored only on the skills it trains: other criteria are left unscored. A level
    without verified evidence (unsupported) counts as the lowest level in the overall, so it
    can never carry a pass."""
    drill = transcript.record.drill
    if drill is not None and drill.skills:
        trained = set(drill.skills)
        untrained = [s.name for s in scores if s.skill not in trained and s.level is not None]
        scores = [
            s
            if s.skill in trained
            else s.model_copy(
                update={
                    "level": None,
                    "rationale": "Not scored: this drill trains " + ", ".join(drill.skills) + ".",
                    "evidence": (),
                    "counter_evidence": (),
                    "unsupported": False,
                }
            )
            for s in scores
        ]
        if untrained:
            notes = [*notes, f"Drill: scored only on what it trains ({', '.join(drill.skills)})."]
    if any(s.unsupported for s in scores):
        notes = [
            *notes,
            "Levels without verified evidence count as 1 in the overall: a level the "
            "transcript does not show cannot carry a pass.",
        ]
    overall = weighted_overall(scores)
    strengths, priorities = strengths_and_priorities(scores)
    # Typed sessions have no speech timings; an outside transcript may have timestamps.
    mode = transcript.record.mode
    timed = mode == "voice" or (
        mode == "transcript" and any(t.end > t.start for t in transcript.turns)
    )
    return Scorecard(
        session=transcript.record.id,
        rubric=rubric.id,
        rubric_version=rubric.version,
        judge=judge,
        approximate=approximate,
        criteria=tuple(scores),
        overall=overall,
        pass_threshold=rubric.pass_threshold,
        passed=None if overall is None else overall >= rubric.pass_threshold,
        strengths=strengths,
        priorities=priorities,
        kpis=kpi.compute(transcript.turns, transcript.record.language, timed=timed),
        notes=tuple(notes),
        samples=samples,
    )


def _score_criterion(
    c: Criterion,
    call: Call,
    language: str,
    backed: Callable[[Line], int],
    said: Callable[[Line], str],
) -> CriterionScore:
    example = c.examples.good[0]
    rule = RULES.get(c.skill)
    if c.signals is None and rule is None:
        return CriterionScore(
            id=c.id,
            name=c.name,
            skill=c.skill,
            weight=c.weight,
            level=None,
            rationale="Not scored offline: the rubric gives no signals for this criterion.",
            tip=c.tip,
            example=example,
        )
    good_hits: list[Line] = []
    bad_hits: list[Line] = []
    hinted = 1
    if c.signals is not None:
        good_hits = _hits(c.signals.evidence, call, language, one_per_turn=True)
        if not c.signals.avoid.is_empty():
            bad_hits = _hits(c.signals.avoid, call, language, one_per_turn=False)
        net = len(good_hits) - len(bad_hits)
        hinted = 1 + sum(1 for threshold in c.signals.levels_at if net >= threshold)
    reading: Reading | None = rule(call) if rule is not None else None
    if reading is None:
        level = hinted
        rationale = _rationale(
            c,
            level,
            [f"{len(good_hits)} matching line(s)"]
            + ([f"{len(bad_hits)} to avoid"] if bad_hits else []),
        )
        good, bad = good_hits, bad_hits
    else:
        level, good, bad = _with_hints(c, reading, good_hits, bad_hits, backed)
        rationale = _rationale(c, level, reading.found)
    return CriterionScore(
        id=c.id,
        name=c.name,
        skill=c.skill,
        weight=c.weight,
        level=level,
        rationale=rationale,
        evidence=tuple(_quote(line, said(line)) for line in good[:MAX_QUOTES]),
        counter_evidence=tuple(_quote(line) for line in bad[:MAX_QUOTES]),
        tip=c.tip,
        example=example,
    )


def _with_hints(
    c: Criterion,
    reading: Reading,
    good_hits: list[Line],
    bad_hits: list[Line],
    backed: Callable[[Line], int],
) -> tuple[int, list[Line], list[Line]]:
    """The level of a criterion read by a behaviour rule, with the rubric's phrases as hints,
    and the lines that earned it (evidence) and cost it (counter-evidence).

    A level and the evidence it quotes agree: a line quoted for the level counts toward it,
    and a line that counts for nothing is not quoted. A rubric's phrase counts only where the
    call backs it (`_backed`): "I hear you, that's a fair concern" said in the same breath as
    a pitch lifted a weak call's level and was quoted for it. A line that is counter-evidence
    ("I'll pass it on, someone will get back to you") is never also quoted as evidence (it
    was, for and against ownership). Found behaviour counts: when the rule saw none of its
    own and a backed phrase found some, it lifts the level by one; a play-back in other words
    that the rule missed ("So if I heard you right, the double debit ... Is that right?",
    "Yes, exactly") was quoted beside "never plays anything back", 2/5."""
    bad = _unique([*reading.bad, *bad_hits])
    wrong = {(id(line.turn), line.text) for line in bad}
    own = [line for line in reading.good if (id(line.turn), line.text) not in wrong]
    mine = {(id(line.turn), line.text) for line in own}
    # Beside what the rule saw, a phrase needs one backing; alone, both: a clean turn and
    # the customer's words, their yes or their answer.
    needed = 1 if own else 2
    hints = [
        line
        for line in good_hits
        if (id(line.turn), line.text) not in wrong
        and ((id(line.turn), line.text) in mine or backed(line) >= needed)
    ]
    level = reading.level
    if c.signals is not None and hints and level > 1:
        # A line matching both the rubric's evidence and its `avoid` cancels out, as before.
        hit = {(id(line.turn), line.text) for line in good_hits}
        net = len(hints) - sum(1 for line in bad_hits if (id(line.turn), line.text) not in hit)
        hinted = 1 + sum(1 for threshold in c.signals.levels_at if net >= threshold)
        found_new = any((id(line.turn), line.text) not in mine for line in hints)
        if hinted > level or (not own and found_new):
            level += 1
            reading.found.append("the rubric's phrases lift it by one")
    return level, _unique([*own, *hints]), bad


def _backed(call: Call) -> Callable[[Line], int]:
    """How well the call backs what a rubric's phrase in a line claims, 0 to 2: one for a turn
    that does nothing to undo it (no pitching, arguing, blaming, passing on... in the same
    breath: "I hear you. Honestly, we're the industry leader"), one for the conversation: the
    turn repeats something the customer said (a number or name, or two of their words), the
    customer's next turn says yes to it, or the line is a question the customer answered at
    some length."""
    table = bw.NEGATIVE[call.lang]
    lines = call.counted()
    dirty = turns_of(line for line in lines if any(p.search(line.text) for p in table.values()))
    turns = turns_of(
        line
        for line in lines
        if line.playback >= 1 or line.from_before >= 1 or agrees(line.reply, call.lang)
    )

    def backed(line: Line) -> int:
        clean = id(line.turn) not in dirty
        heard = id(line.turn) in turns or (
            line.is_question and len(txt.words(line.reply or "")) >= ANSWERED_WORDS
        )
        return int(clean) + int(heard)

    return backed


def _hits(signals: Signals, call: Call, language: str, one_per_turn: bool) -> list[Line]:
    found: list[Line] = []
    seen: set[int] = set()
    for line in call.counted():
        if one_per_turn and line.turn.index in seen:
            continue
        if find_hits(signals, line.text, language):
            found.append(line)
            seen.add(line.turn.index)
    return found


def _unique(lines: list[Line]) -> list[Line]:
    """The first line of each text in each turn (the turn by identity); a set, not a scan of
    the lines kept so far (quadratic in a long call)."""
    out: list[Line] = []
    seen: set[tuple[int, str]] = set()
    for line in lines:
        if (id(line.turn), line.text) not in seen:
            seen.add((id(line.turn), line.text))
            out.append(line)
    return out


def _quote(line: Line, text: str | None = None) -> Evidence:
    quote = line.text if text is None else text
    return Evidence(quote=quote, turn=line.turn.index, time=round(line.turn.start, 1))


CHECK_WORDS = 5  # "Is that right?": a check quoted alone says nothing of what it checks


def _as_said(call: Call) -> Callable[[Line], str]:
    """The words to quote for a line: a short check ("Is that right?") with the sentence of
    the same turn it checks, so the scorecard shows the play-back that earned the level."""
    before: dict[int, Line] = {}
    for prev, line in itertools.pairwise(call.lines):
        if prev.turn is line.turn and prev.excluded is None:
            before[id(line)] = prev

    def said(line: Line) -> str:
        prev = before.get(id(line))
        if prev is None or not line.is_question or len(txt.words(line.text)) > CHECK_WORDS:
            return line.text
        return f"{prev.text} {line.text}"

    return said


def _rationale(c: Criterion, level: int, found: list[str]) -> str:
    """What the judge saw, then the level, with the rubric's text for that level labelled as
    the rubric's: it describes a typical call at that level and may assert what this call did
    not do (level 1 of active listening "goes straight back to the pitch" for a rep who never
    pitched), so it is never worded as a description of this call."""
    described = c.levels.get(level)
    seen = "; ".join(found)
    if described:
        return f'{seen}. Level {level}; the rubric describes level {level} as: "{described}"'
    return f"{seen}. Level {level}, between the levels the rubric describes."


def combine_samples(rubric: Rubric, transcript: Transcript, cards: list[Scorecard]) -> Scorecard:
    """Several judge runs of one session: the median level per criterion, with every sample's
    level kept so the scorecard can show the spread. Rationale and evidence come from a sample
    that gave the median level."""
    if len(cards) == 1:
        return cards[0]
    combined: list[CriterionScore] = []
    for i, first in enumerate(cards[0].criteria):
        levels = [lvl for c in cards if (lvl := c.criteria[i].level) is not None]
        if not levels:
            combined.append(first)
            continue
        median = statistics.median_low(levels)
        chosen = next(c.criteria[i] for c in cards if c.criteria[i].level == median)
        combined.append(chosen.model_copy(update={"samples": tuple(levels)}))
    notes = [
        *cards[0].notes,
        f"Judged {len(cards)} times: each level is the median; the spread shows how much the "
        "judge varied.",
    ]
    return assemble(
        rubric,
        transcript,
        combined,
        judge=cards[0].judge,
        approximate=cards[0].approximate,
        notes=notes,
        samples=len(cards),
    )
