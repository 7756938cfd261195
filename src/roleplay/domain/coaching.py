"""A scenario's own coaching on its scorecard: the tip and example line for each criterion that
the scenario coaches replace the rubric's generic ones (issue 17: the bakery call's tip talked
about "a web shop into the warehouse"). What a judge wrote for this very call is kept."""

from __future__ import annotations

from collections.abc import Mapping

from roleplay.domain.rubric import Rubric
from roleplay.domain.scenario import CriterionCoaching
from roleplay.domain.scorecard import Scorecard


def coach(card: Scorecard, rubric: Rubric, coaching: Mapping[str, CriterionCoaching]) -> Scorecard:
    """`card` with the scenario's tip and first example where the card has the rubric's own
    (generic) ones; a judge's call-specific tip or example stays."""
    if not coaching:
        return card
    generic = {c.id: c for c in rubric.criteria}
    criteria = []
    for c in card.criteria:
        mine = coaching.get(c.id)
        rubric_c = generic.get(c.id)
        if mine is None or rubric_c is None:
            criteria.append(c)
            continue
        update: dict[str, object] = {}
        if mine.tip and " ".join(c.tip.split()) == " ".join(rubric_c.tip.split()):
            update["tip"] = mine.tip
        if mine.examples and (not c.example or c.example in rubric_c.examples.good):
            update["example"] = mine.examples[0]
        criteria.append(c.model_copy(update=update) if update else c)
    return card.model_copy(update={"criteria": tuple(criteria)})
