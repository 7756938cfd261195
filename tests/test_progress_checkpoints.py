"""`roleplay progress` draws each skill's retrievability day by day by replaying its reviews.
The schedule keeps a skill's card every CHECKPOINT_EVERY reviews, and progress replays from the
last one before the days it shows: the same figures as replaying every review from the first,
whether the state was built at once, grew session by session, or was saved before checkpoints
were kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleplay.composition import build
from roleplay.domain.habit import CHECKPOINT_EVERY, HabitState
from roleplay.domain.progress import skill_progress
from tests.index_data import make_session, write, write_sessions

SESSIONS = 2 * CHECKPOINT_EVERY + 30
NOW = datetime.now(UTC)


def _replayed_from_the_first(state: HabitState) -> HabitState:
    return state.model_copy(update={"checkpoints": {}})


def _same_progress(state: HabitState) -> None:
    assert state.cards
    for skill in state.cards:
        for days in (1, 7, 30, 3650):
            kept = skill_progress(state, skill, NOW, UTC, days)
            replayed = skill_progress(_replayed_from_the_first(state), skill, NOW, UTC, days)
            assert kept == replayed, (skill, days)


@pytest.fixture
def practised(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ROLEPLAY_REP", "ana")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    start = NOW - timedelta(days=90)
    write_sessions(workspace / "recordings", SESSIONS, start, hours_apart=8)
    return workspace


def test_progress_from_checkpoints_is_progress_from_the_first_review(practised: Path) -> None:
    state = build(practised, offline=True).habit("ana").state()
    kept = {skill: sorted(cards) for skill, cards in state.checkpoints.items()}
    assert kept and all(n == [CHECKPOINT_EVERY, 2 * CHECKPOINT_EVERY] for n in kept.values()), (
        kept
    )  # every skill of the scenario was reviewed in each session
    _same_progress(state)


def test_a_state_saved_without_checkpoints_keeps_them_from_then_on(
    practised: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = build(practised, offline=True)
    habit = services.habit("ana")
    state = habit.state()
    # As a roleplay before checkpoints saved it: the cards and sessions, no checkpoints.
    habit._states.save(habit._key, _replayed_from_the_first(state))
    for n in range(CHECKPOINT_EVERY):
        write(
            practised / "recordings",
            make_session(
                20_000 + n, rep="ana", rubric="discovery", started_at=NOW - timedelta(hours=n + 1)
            ),
        )
    grown = build(practised, offline=True).habit("ana").state()
    assert len(grown.sessions) == SESSIONS + CHECKPOINT_EVERY
    assert all(sorted(c) == [3 * CHECKPOINT_EVERY] for c in grown.checkpoints.values())
    _same_progress(grown)
    rebuilt = build(practised, offline=True).habit("ana").rebuild()
    assert rebuilt.cards == grown.cards
    _same_progress(rebuilt)
