"""`roleplay score last` (issue 18): a re-score that gives the scorecard saved before leaves
the practice schedule as it is instead of replaying every session; one that changes the card
still replays it. The offline judge compiles only the word patterns a call reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from roleplay.domain import behaviour_words
from roleplay.services.habit import Habit
from tests.helpers import play, services, two_calls_with_a_commitment

LINES = [
    "Hi, thanks for taking the call. What made you look at this now?",
    "How many errors a week does the team fix by hand?",
    "Could we take 30 minutes on Tuesday at 2 with you and finance?",
]


@pytest.fixture
def rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reps whose schedule was replayed from every session (a spy: it still happens)."""
    seen: list[str] = []
    real = Habit.rebuild

    def spying(self: Habit, catalog: object = None) -> object:
        seen.append(self.rep)
        return real(self, catalog)  # type: ignore[arg-type]

    monkeypatch.setattr(Habit, "rebuild", spying)
    return seen


def test_a_rescore_giving_the_same_card_keeps_the_schedule(
    workspace: Path, rebuilds: list[str]
) -> None:
    clock = ManualClock()
    svc = services(workspace, clock)
    done = two_calls_with_a_commitment(svc, clock, LINES)
    second = done.transcript
    assert done.scorecard.commitments  # the schedule wrote into the card: still the same card

    again = svc.end_of_call().rescore(second.record.id)
    assert rebuilds == []
    assert again.scorecard == done.scorecard
    assert again.comes_back == done.comes_back and again.suggestion == done.suggestion
    kept = svc.habit().state()
    replayed = services(workspace, clock).habit().rebuild()
    assert kept.cards == replayed.cards and kept.sessions == replayed.sessions


def test_a_rescore_that_changes_the_card_replays_the_schedule(
    workspace: Path, rebuilds: list[str]
) -> None:
    svc = services(workspace)
    call = svc.practice.begin("discovery-spin", svc.profile(), seed=1)
    play(call, LINES)
    svc.end_of_call().finish(call)
    rubric = workspace / "rubrics" / "discovery.yaml"
    rubric.write_text(rubric.read_text("utf-8").replace("version: 1", "version: 2", 1), "utf-8")
    again = svc.end_of_call().rescore(call.record.id)
    assert again.scorecard.rubric_version == 2
    assert rebuilds == [svc.profile().rep]


def test_every_word_pattern_compiles_and_only_when_searched() -> None:
    tables = [
        value
        for name, value in vars(behaviour_words).items()
        if name.isupper() and isinstance(value, dict | behaviour_words.Words)
    ]
    words: list[behaviour_words.Words] = []
    for table in tables:
        if isinstance(table, behaviour_words.Words):
            words.append(table)
            continue
        for value in table.values():  # a language's table, or NEGATIVE's kinds per language
            words += list(value.values()) if isinstance(value, dict) else [value]
    assert len(words) > 50
    for w in words:
        assert isinstance(w, behaviour_words.Words)
        re.compile(w.source, w.flags)  # a typo in a table fails here, not in a call
    fresh = behaviour_words.Words(r"\bpolicy\b")
    assert fresh._compiled is None
    assert fresh.search("That is our POLICY.") and fresh._compiled is not None
