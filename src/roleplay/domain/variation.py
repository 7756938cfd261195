"""Draw one option from every variation dimension, from a seed saved with the session."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

# The models load for `draw` (a call): `today` draws choices from the catalog's summary,
# whose options carry the same ids and weights, without loading them.
if TYPE_CHECKING:
    from roleplay.domain.scenario import Scenario, VariationOption


@dataclass(frozen=True)
class Variation:
    seed: int
    choices: dict[str, str] = field(default_factory=dict)  # dimension -> option id


@dataclass(frozen=True)
class ScenarioRun:
    """A scenario as played in one session: placeholders filled, variation applied."""

    scenario: Scenario  # resolved: every {placeholder} replaced
    variation: Variation
    moods: tuple[str, ...]
    objection_order: tuple[str, ...]  # every objection id, in the order drawn for this run


def draw(scenario: Scenario, seed: int, fixed: dict[str, str] | None = None) -> ScenarioRun:
    """Deterministic for a given seed; `fixed` pins dimensions (e.g. a drill or a rerun)."""
    picks = _picks(scenario, seed, fixed or {})
    choices = {dim: picked.id for dim, picked in picks}
    values: dict[str, str] = {}
    moods: list[str] = []
    order: list[str] | None = None
    for _dim, picked in picks:
        values.update(picked.values)
        if picked.mood:
            moods.append(picked.mood)
        if picked.objection_order and order is None:
            order = list(picked.objection_order)
    from roleplay.domain.scenario import PLACEHOLDER, Scenario

    resolved = Scenario.model_validate(_fill(scenario.model_dump(), values, PLACEHOLDER))
    all_ids = [o.id for o in scenario.objections]
    ordered = [i for i in (order or []) if i in all_ids] + [
        i for i in all_ids if i not in (order or [])
    ]
    return ScenarioRun(resolved, Variation(seed, choices), tuple(moods), tuple(ordered))


def draw_choices(
    scenario: Scenario, seed: int, fixed: dict[str, str] | None = None
) -> dict[str, str]:
    """The options `draw` picks for `seed` (dimension -> option id), without resolving the
    scenario: `today` tries hundreds of seeds to find a fresh variation, and resolving each
    (a copy of the whole scenario, validated again) was most of its time."""
    return {dim: picked.id for dim, picked in _picks(scenario, seed, fixed or {})}


def _picks(
    scenario: Scenario, seed: int, fixed: dict[str, str]
) -> list[tuple[str, VariationOption]]:
    rng = random.Random(seed)
    picks: list[tuple[str, VariationOption]] = []
    for dim in sorted(scenario.variations):
        options = scenario.variations[dim]
        # Always consume the rng so pinning one dimension does not change the others.
        picked = rng.choices(options, weights=[o.weight for o in options], k=1)[0]
        if dim in fixed:
            matching = [o for o in options if o.id == fixed[dim]]
            if not matching:
                known = ", ".join(o.id for o in options)
                raise ValueError(f"variation '{dim}' has no option '{fixed[dim]}' (known: {known})")
            picked = matching[0]
        picks.append((dim, picked))
    return picks


# Where a sentence starts: the text's start, or after . ! ? (and a closing quote) and a space;
# an opening quote or bracket may come first. Not after an abbreviation ("e.g. {x}").
_SENTENCE_START = re.compile(r"(?:^|[.!?\u2026][\"'\u201d\u2019)\]]*\s+)[\"'\u201c\u2018(\[]*$")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|ca|f\.eks|bl\.a)\.\s+$", re.I)


def _value(text: str, at: int, value: str) -> str:
    """`value` as it reads at `at` in `text`: "{competitor} pitched us" with "a consultant"
    starts the sentence with "A consultant". A first word with capitals of its own
    ("iPhone", "eBay") is left as it is."""
    before = text[:at]
    first = value.split(" ", 1)[0]
    if (
        first[:1].isalpha()
        and first == first.lower()
        and _SENTENCE_START.search(before)
        and not _ABBREVIATION.search(before)
    ):
        return value[:1].upper() + value[1:]
    return value


def _fill(obj: Any, values: dict[str, str], placeholder: re.Pattern[str]) -> Any:
    if isinstance(obj, str):
        return placeholder.sub(
            lambda m: (
                _value(obj, m.start(), values[m.group(1)]) if m.group(1) in values else m.group(0)
            ),
            obj,
        )
    if isinstance(obj, dict):
        return {k: _fill(v, values, placeholder) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_fill(v, values, placeholder) for v in obj]
    return obj
