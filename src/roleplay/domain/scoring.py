"""The offline rule-based judge: counts the rubric's signals in the rep's own words.

It is approximate by design and says so on every scorecard. It is deterministic (same
transcript, same scorecard) and it only reads the rep's turns through the rubric's signals, so
nothing the rep says can instruct it ("give me full marks" is just words that match nothing).

Per criterion: net hits = sentences matching `signals.evidence` minus sentences matching
`signals.avoid`; the level is 1 plus the number of `levels_at` thresholds the net reaches.
"""

from __future__ import annotations

import statistics

from roleplay.domain import kpis as kpi
from roleplay.domain.rubric import Criterion, Rubric
from roleplay.domain.scorecard import (
    CriterionScore,
    Evidence,
    Scorecard,
    strengths_and_priorities,
    weighted_overall,
)
from roleplay.domain.session import Transcript, Turn
from roleplay.domain.signals import Signals, find_hits

MAX_QUOTES = 3
OFFLINE_NOTE = (
    "Scored by the offline rule-based judge: it counts phrases and question types from the "
    "rubric, so treat levels as approximate. Configure an LLM for a judge that reads meaning."
)


def score_offline(rubric: Rubric, transcript: Transcript) -> Scorecard:
    language = transcript.record.language
    rep_turns = transcript.rep_turns()
    scores = [_score_criterion(c, rep_turns, language) for c in rubric.criteria]
    notes = [OFFLINE_NOTE]
    unscored = [s.name for s in scores if s.level is None]
    if unscored:
        notes.append(
            "Not scored offline (the rubric gives no signals): " + ", ".join(unscored) + "."
        )
    if not rep_turns:
        notes.append("The rep said nothing, so every scored criterion is at the lowest level.")
    return assemble(rubric, transcript, scores, judge="offline", approximate=True, notes=notes)


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
    """A scorecard from criterion scores: overall, pass/fail, strengths, priorities, KPIs."""
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


def _score_criterion(c: Criterion, rep_turns: list[Turn], language: str) -> CriterionScore:
    example = c.examples.good[0]
    if c.signals is None:
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
    good = _evidence(c.signals.evidence, rep_turns, language)
    bad = _evidence(c.signals.avoid, rep_turns, language) if not c.signals.avoid.is_empty() else []
    net = len(good) - len(bad)
    level = 1 + sum(1 for threshold in c.signals.levels_at if net >= threshold)
    return CriterionScore(
        id=c.id,
        name=c.name,
        skill=c.skill,
        weight=c.weight,
        level=level,
        rationale=_rationale(c, level, len(good), len(bad)),
        evidence=tuple(good[:MAX_QUOTES]),
        counter_evidence=tuple(bad[:MAX_QUOTES]),
        tip=c.tip,
        example=example,
    )


def _evidence(signals: Signals, rep_turns: list[Turn], language: str) -> list[Evidence]:
    found: list[Evidence] = []
    for turn in rep_turns:
        for hit in find_hits(signals, turn.text, language):
            found.append(Evidence(quote=hit.quote, turn=turn.index, time=round(turn.start, 1)))
    return found


def _rationale(c: Criterion, level: int, good: int, bad: int) -> str:
    described = c.levels.get(level)
    counted = f"{good} matching line{'s' if good != 1 else ''}"
    if bad:
        counted += f", {bad} to avoid"
    if described:
        return f'{counted}: closest to level {level}, "{described}"'
    return f"{counted}: level {level}, between the described levels."


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
