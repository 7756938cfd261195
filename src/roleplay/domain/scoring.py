"""The offline rule-based judge: counts the rubric's signals in the rep's own words.

It is approximate by design and says so on every scorecard. It is deterministic (same
transcript, same scorecard) and it only reads the rep's turns through the rubric's signals, so
nothing the rep says can instruct it ("give me full marks" is just words that match nothing).

Per criterion: net hits = sentences matching `signals.evidence` minus sentences matching
`signals.avoid`; the level is 1 plus the number of `levels_at` thresholds the net reaches.
"""

from __future__ import annotations

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


def score_offline(
    rubric: Rubric, transcript: Transcript, *, timed: bool | None = None
) -> Scorecard:
    language = transcript.record.language
    rep_turns = transcript.rep_turns()
    scores = [_score_criterion(c, rep_turns, language) for c in rubric.criteria]
    overall = weighted_overall(scores)
    strengths, priorities = strengths_and_priorities(scores)
    is_timed = transcript.record.mode == "voice" if timed is None else timed
    notes = [OFFLINE_NOTE]
    unscored = [s.name for s in scores if s.level is None]
    if unscored:
        notes.append(
            "Not scored offline (the rubric gives no signals): " + ", ".join(unscored) + "."
        )
    if not rep_turns:
        notes.append("The rep said nothing, so every scored criterion is at the lowest level.")
    return Scorecard(
        session=transcript.record.id,
        rubric=rubric.id,
        rubric_version=rubric.version,
        judge="offline",
        approximate=True,
        criteria=tuple(scores),
        overall=overall,
        pass_threshold=rubric.pass_threshold,
        passed=None if overall is None else overall >= rubric.pass_threshold,
        strengths=strengths,
        priorities=priorities,
        kpis=kpi.compute(transcript.turns, language, timed=is_timed),
        notes=tuple(notes),
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
