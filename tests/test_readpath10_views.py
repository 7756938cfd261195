"""The plain views `today` and `show` read without pydantic cannot drift from the models: the
same fields, and for the schedule the same figures (FSRS's retrievability, worked out without
fsrs in domain/habit_views.py, is fsrs's own; the level estimate is shared code)."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel

from roleplay.adapters.habit_store import FOR_PROGRESS_ONLY
from roleplay.domain import habit_views as views
from roleplay.domain import plain_commitment, skill_level
from roleplay.domain import shown_session as shown
from roleplay.domain.commitment import Commitment
from roleplay.domain.habit import HabitState, PracticeEntry
from roleplay.domain.kpis import Kpis
from roleplay.domain.plain_json import Unexpected
from roleplay.domain.schedule import (
    _SCHEDULER,
    EvidenceStrength,
    SkillCard,
    _to_fsrs,
    retrievability,
    review,
)
from roleplay.domain.scorecard import CommitmentCheck, CriterionScore, Evidence, Scorecard
from roleplay.domain.session import DrillRef, FileRef, SessionRecord, Turn, VariationRecord
from roleplay.services.daily_read import QuickSettings
from roleplay.services.habit import HabitSettings, OpenCommitment, _open

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def fields(cls: Any) -> set[str]:
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        return set(cls.model_fields)
    if dataclasses.is_dataclass(cls):
        return {f.name for f in dataclasses.fields(cls)}
    return set(cls._fields)  # a NamedTuple


@pytest.mark.parametrize(
    ("view", "model"),
    [
        (views.PlainState, HabitState),
        (views.PlainEntry, PracticeEntry),
        (views.PlainCard, SkillCard),
        (views.PlainLevels, skill_level.Levels),
        (views.PlainFit, skill_level.Fit),
        (views.PlainTrack, skill_level.Track),
        (plain_commitment.PlainCommitment, Commitment),
        (plain_commitment.PlainCheck, CommitmentCheck),
        (plain_commitment.PlainEvidence, Evidence),
        (views.PlainOpen, OpenCommitment),
        (QuickSettings, HabitSettings),
        (shown.ShownRecord, SessionRecord),
        (shown.ShownTurn, Turn),
        (shown.ShownFile, FileRef),
        (shown.ShownVariation, VariationRecord),
        (shown.ShownDrill, DrillRef),
        (shown.ShownCard, Scorecard),
        (shown.ShownCriterion, CriterionScore),
        (shown.ShownKpis, Kpis),
    ],
)
def test_a_plain_view_has_exactly_its_models_fields(view: Any, model: Any) -> None:
    assert fields(view) == fields(model)


def test_the_decay_repeated_is_fsrs() -> None:
    """FSRS's decay is the one figure repeated (fsrs itself is not loaded by `today`); the
    level estimate is computed once, in domain/level_estimate.py, for the models and views."""
    import fsrs

    assert fsrs.Scheduler().parameters[20] == -views._DECAY


def schedule(seed: int) -> HabitState:
    """A rep's schedule after a few months of random showings, commitments and checks."""
    rng = random.Random(seed)
    state = HabitState(rep="ana")
    skills = ["discovery", "rapport", "next-steps", "objections"]
    at = T0
    for n in range(60):
        at += timedelta(hours=rng.choice([3, 20, 26, 70, 200]))
        levels = {s: rng.randint(1, 5) for s in rng.sample(skills, rng.randint(1, 3))}
        for skill, level in levels.items():
            evidence = EvidenceStrength(quotes=rng.randint(0, 3)) if rng.random() < 0.5 else None
            card = review(state.cards.get(skill), skill, level, at, evidence)
            state.cards[skill] = card
            state.levels.observe(skill, card.shown, at)
        skill = next(iter(levels))
        made = Commitment(
            text=f"try {n}",
            suggested="try",
            skill=skill,
            criterion=skill,
            criterion_name=skill.title(),
            rubric="discovery",
            level=levels[skill],
            made_at=at,
        )
        check = CommitmentCheck(
            commitment="earlier",
            made_in=f"s{n - 1}",
            skill=skill,
            criterion=skill,
            kept=rng.choice([True, False, None]),
            reason="because",
            evidence=(Evidence(quote="words", turn=1),),
        )
        state.sessions.append(
            PracticeEntry(
                id=f"s{n}",
                scenario="discovery-spin",
                started_at=at - timedelta(minutes=5),
                ended_at=at,
                minutes=5.0,
                practised=rng.random() < 0.9,
                levels=levels,
                retrievability={s: 0.5 for s in levels},
                kpis={"overall": 3.0, "fillers_per_100_words": None},
                commitment=made if rng.random() < 0.3 else None,
                checks=(check,) if n else (),
            )
        )
    return state


def plain(state: HabitState) -> views.PlainState:
    """The state as its quick copy holds it, read plainly."""
    text = state.model_dump_json(exclude=FOR_PROGRESS_ONLY)  # type: ignore[arg-type]
    found = views.read_state(json.loads(text))
    assert isinstance(found, views.PlainState)
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_plain_schedule_holds_the_models_values(seed: int) -> None:
    state = schedule(seed)
    read = plain(state)
    assert read.rep == state.rep and read.format == state.format
    assert {s: c._asdict() for s, c in read.cards.items()} == {
        s: c.model_dump() for s, c in state.cards.items()
    }
    for entry, model in zip(read.sessions, state.sessions, strict=True):
        dumped = model.model_dump(exclude={"evidence"})
        mine = entry._asdict()
        mine["commitment"] = entry.commitment._asdict() if entry.commitment else None
        mine["checks"] = tuple(
            {**c._asdict(), "evidence": tuple(e._asdict() for e in c.evidence)}
            for c in entry.checks
        )
        del mine["evidence"]
        assert mine == dumped


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_plain_schedule_gives_the_models_figures(seed: int) -> None:
    """The estimate the queue orders by and FSRS's retrievability, float for float, at times
    from the last review to months later; the commitments still open, in the same order."""
    state = schedule(seed)
    read = plain(state)
    last = state.sessions[-1].ended_at
    for later in [0, 0.3, 1, 2.5, 9, 40, 400]:
        now = last + timedelta(days=later)
        skills = [*state.cards, "never-practised"]
        estimated: dict[str, Any] = dict(read.levels.estimates(skills, now))
        assert estimated == dict(state.levels.estimates(skills, now))
        for skill, card in state.cards.items():
            mine = read.cards[skill]
            fsrs_own = _SCHEDULER.get_card_retrievability(_to_fsrs(card), now)
            assert views.retrievability(mine, now) == retrievability(card, now) == fsrs_own
            assert mine.shown == card.shown and mine.due_day(UTC) == card.due_day(UTC)
    assert views.retrievability(None, last) == retrievability(None, last)
    opened = [(o.commitment._asdict(), o.made_in) for o in views.open_commitments(read.sessions)]
    assert opened == [(o.commitment.model_dump(), o.made_in) for o in _open(state)]
    assert opened  # the random schedule leaves some open


def test_what_the_quick_copy_never_holds_is_left_to_the_models() -> None:
    """Evidence and checkpoints (left out of the copy) and a wrong type go to the models."""
    good = json.loads(schedule(1).model_dump_json(exclude=FOR_PROGRESS_ONLY))  # type: ignore[arg-type]
    views.read_state(good)
    changes: list[Callable[[dict[str, Any]], object]] = [
        lambda d: d.update(checkpoints={}),
        lambda d: d["sessions"][0].update(evidence={}),
        lambda d: d["sessions"][0].update(minutes="5"),
        lambda d: next(iter(d["cards"].values())).update(last_showing=6.0),
        lambda d: d["levels"]["fits"][0].update(lift=None),
        lambda d: d.pop("levels"),
    ]
    for change in changes:
        data = json.loads(json.dumps(good))
        change(data)
        with pytest.raises(Unexpected):
            views.read_state(data)


def test_the_kpis_progress_follows_are_the_tracked_ones() -> None:
    from roleplay.domain.kpis import tracked
    from roleplay.domain.progress import KPI_ROWS

    assert tuple((k.key, k.label, k.better, k.format) for k in tracked()) == KPI_ROWS
