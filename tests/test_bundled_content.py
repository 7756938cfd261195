"""The bundled scenarios and rubrics: what a new user sees first. All valid, all playable."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from roleplay.adapters.clock import ManualClock
from roleplay.services.catalog import load_catalog
from tests.helpers import play, services

REPO = Path(__file__).resolve().parents[1]
CALLS = yaml.safe_load((Path(__file__).parent / "data" / "bundled_calls.yaml").read_text())
SEEDS = range(8)


def test_every_bundled_file_validates() -> None:
    catalog = load_catalog([REPO / "scenarios"], [REPO / "rubrics"])
    assert catalog.problems == [], "\n".join(map(str, catalog.problems))
    assert len(catalog.scenarios) >= 7 and len(catalog.rubrics) >= 3


def test_the_required_situations_are_covered() -> None:
    catalog = load_catalog([REPO / "scenarios"], [REPO / "rubrics"])
    assert set(CALLS) <= set(catalog.scenarios)
    assert {"discovery", "objection-handling", "closing"} <= set(catalog.rubrics)
    assert "nb" in {s.scenario.language for s in catalog.scenarios.values()}
    for entry in catalog.scenarios.values():
        s = entry.scenario
        assert len(s.variations) >= 3, f"{s.id}: too few variation dimensions to stay fresh"


def test_every_bundled_scenario_has_a_scripted_walkthrough() -> None:
    catalog = load_catalog([REPO / "scenarios"], [REPO / "rubrics"])
    assert set(catalog.scenarios) == set(CALLS)


@pytest.mark.parametrize("scenario", sorted(CALLS))
@pytest.mark.parametrize("seed", SEEDS)
def test_a_rep_who_does_the_right_things_wins(workspace: Path, scenario: str, seed: int) -> None:
    clock = ManualClock()
    s = services(workspace, clock)
    call = s.practice.begin(scenario, s.profile(), seed=seed, pinned=CALLS[scenario].get("pinned"))
    replies = play(call, CALLS[scenario]["win"], clock, seconds_per_turn=5)
    assert call.outcome == "win", "\n".join(f"{t.speaker}: {t.text} {t.tags}" for t in call.turns)
    assert len(set(replies)) == len(replies), "the customer repeated itself"


@pytest.mark.parametrize("scenario", sorted(CALLS))
def test_a_rep_who_does_the_wrong_thing_loses(workspace: Path, scenario: str) -> None:
    s = services(workspace)
    call = s.practice.begin(scenario, s.profile(), seed=1, pinned=CALLS[scenario].get("pinned"))
    play(call, CALLS[scenario]["loss"])
    assert call.outcome == "loss"


@pytest.mark.parametrize("scenario", sorted(CALLS))
def test_a_winning_call_scores_higher_than_a_lost_one(workspace: Path, scenario: str) -> None:
    s = services(workspace)
    pinned = CALLS[scenario].get("pinned")
    won = s.practice.begin(scenario, s.profile(), seed=3, pinned=pinned)
    play(won, CALLS[scenario]["win"])
    lost = s.practice.begin(scenario, s.profile(), seed=3, pinned=pinned)
    play(lost, CALLS[scenario]["loss"])
    good, bad = s.practice.finish(won), s.practice.finish(lost)
    assert good.overall is not None and bad.overall is not None
    assert good.overall > bad.overall
