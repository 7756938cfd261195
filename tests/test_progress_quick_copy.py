"""`roleplay progress` (all skills, as text) draws no day-by-day series and only the latest
points of each KPI: it reads the schedule's quick copy (no 8 MB parse, no replay at 8,000
sessions), which must show exactly what the whole schedule shows; a copy cut by an earlier
version (without what progress reads from it) is never used, and is cut again."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from roleplay.adapters.habit_store import HabitFileStore
from roleplay.cli.habit_render import SPARK_POINTS, progress_text
from roleplay.composition import Services, build
from roleplay.config import data_dir
from roleplay.domain.habit import HabitState, PracticeEntry
from roleplay.domain.progress import kpi_series, recent_kpi_sessions
from roleplay.services.daily import Progress, progress
from tests.test_progress_checkpoints import NOW, practised

__all__ = ["practised"]  # the fixture, used by name below


def _services(ws: Path) -> Services:
    return build(ws, offline=True, clock=ManualClock(NOW))


def _whole(ws: Path) -> Progress:
    """What progress showed before the quick copy held enough for it: every point."""
    s = _services(ws)
    return progress(s.habit("ana"), s.catalog())


def _quick(ws: Path) -> Progress:
    s = _services(ws)
    return progress(s.habit("ana"), s.catalog(), None, 0, SPARK_POINTS)


def _whole_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def load(self: HabitFileStore, key: str) -> HabitState | None:
        raise AssertionError("the whole schedule was read")

    monkeypatch.setattr(HabitFileStore, "load", load)


def test_progress_text_from_the_quick_copy_is_what_the_whole_schedule_shows(
    practised: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _whole(practised)  # builds and saves the schedule, and its quick copy
    assert whole.sessions > SPARK_POINTS and whole.kpis and whole.skills
    with monkeypatch.context() as m:
        _whole_never_read(m)
        quick = _quick(practised)
    assert progress_text(quick, detail=False) == progress_text(whole, detail=False)
    for q, w in zip(quick.skills, whole.skills, strict=True):
        assert q.levels == w.levels[-SPARK_POINTS:]  # with the retrievability before each
        assert q.daily == () and len(w.daily) == 90  # asked for none: none replayed
        assert (q.reviews, q.retrievability, q.due) == (w.reviews, w.retrievability, w.due)
    assert [(k.key, k.points) for k in quick.kpis] == [
        (k.key, k.points[-SPARK_POINTS:]) for k in whole.kpis
    ]
    assert quick.commitments == whole.commitments and quick.streak == whole.streak


def test_a_copy_cut_by_an_earlier_version_is_not_read_and_is_cut_again(
    practised: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = progress_text(_whole(practised), detail=False)
    [copy] = (data_dir() / "habit").glob("*.today")
    earlier = json.loads(copy.read_text())
    del earlier["copy_format"]
    for e in earlier["state"]["sessions"]:  # what that version left out
        e.pop("kpis", None)
        e.pop("retrievability", None)
    copy.write_text(json.dumps(earlier))
    assert progress_text(_quick(practised), detail=False) == reference
    assert json.loads(copy.read_text())["copy_format"] == 2  # cut again as it was read whole
    with monkeypatch.context() as m:
        _whole_never_read(m)
        assert progress_text(_quick(practised), detail=False) == reference


def _random_state(rng: random.Random) -> HabitState:
    keys = ["overall", "talk_ratio_words", "words_per_minute", "interruptions"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    sessions = []
    for n in range(rng.randint(0, 120)):
        at = start + timedelta(hours=7 * n)
        sparse = rng.random()  # some KPIs are measured rarely (a voice call only)
        kpis = {k: round(rng.random(), 3) for k in keys if rng.random() > sparse * (k != "overall")}
        sessions.append(
            PracticeEntry(
                id=f"s{n:04d}",
                scenario="mini",
                started_at=at,
                ended_at=at + timedelta(minutes=4),
                minutes=4.0,
                practised=rng.random() > 0.1,
                kpis=kpis,
            )
        )
    return HabitState(rep="ana", sessions=sessions)


@pytest.mark.parametrize("seed", range(40))
def test_the_recent_sessions_kpis_give_the_latest_points_of_every_series(seed: int) -> None:
    rng = random.Random(seed)
    state = _random_state(rng)
    last = rng.choice([1, 3, 24])
    recent = recent_kpi_sessions(state, last)
    only_recent = state.model_copy(
        update={
            "sessions": [
                e if e.id in recent else e.model_copy(update={"kpis": {}}) for e in state.sessions
            ]
        }
    )
    whole = kpi_series(state, UTC)
    expected = [(k.key, k.points[-last:]) for k in whole]
    assert [(k.key, k.points) for k in kpi_series(only_recent, UTC, last)] == expected
    assert [(k.key, k.points) for k in kpi_series(state, UTC, last)] == expected
