"""The HabitStore contract (the rep's scheduler state, a cache of the recordings), run against
the JSON file store, the same wrapped to copy cards to the index, and the in-memory store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleplay.adapters.habit_store import HabitFileStore, MemoryHabitStore
from roleplay.adapters.indexed_habit_store import IndexedHabitStore
from roleplay.domain.habit import STATE_FORMAT, HabitState, PracticeEntry
from roleplay.domain.schedule import SkillCard, review
from roleplay.services.ports import HabitStore

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
INDEXED: list[tuple[str, list[str]]] = []  # what the wrapped store sent to the index


def _indexed(rep: str, cards: Sequence[SkillCard]) -> None:
    INDEXED.append((rep, [c.skill for c in cards]))


STORES: dict[str, Callable[[Path], HabitStore]] = {
    "file": lambda root: HabitFileStore(root / "habit"),
    "file+index": lambda root: IndexedHabitStore(HabitFileStore(root / "habit"), _indexed),
    "memory": lambda root: MemoryHabitStore(),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> HabitStore:
    INDEXED.clear()
    return STORES[request.param](tmp_path)


def _state(rep: str, days: int = 0) -> HabitState:
    at = T0 + timedelta(days=days)
    return HabitState(
        rep=rep,
        cards={"next-steps": review(None, "next-steps", 2, at)},
        sessions=[
            PracticeEntry(
                id=f"s-{days}",
                scenario="discovery-spin",
                started_at=at,
                ended_at=at + timedelta(minutes=4),
                minutes=4.0,
                practised=True,
                levels={"next-steps": 2},
            )
        ],
    )


def test_nothing_saved_yet_reads_as_none(store: HabitStore) -> None:
    assert store.load("ana\n/work/space") is None


def test_a_saved_state_reads_back_the_same(store: HabitStore) -> None:
    state = _state("ana")
    store.save("ana\n/work/space", state)
    again = store.load("ana\n/work/space")
    assert again == state
    assert again is not None and again.cards["next-steps"].due == state.cards["next-steps"].due


def test_a_later_save_replaces_the_state(store: HabitStore) -> None:
    store.save("ana\n/w", _state("ana"))
    later = _state("ana", days=3)
    store.save("ana\n/w", later)
    assert store.load("ana\n/w") == later


def test_each_rep_and_workspace_has_its_own_state(store: HabitStore) -> None:
    store.save("ana\n/one", _state("ana"))
    store.save("ana\n/two", _state("ana", days=1))
    store.save("ben\n/one", _state("ben", days=2))
    loaded = [store.load(k) for k in ("ana\n/one", "ana\n/two", "ben\n/one")]
    assert [s.sessions[0].id if s else None for s in loaded] == ["s-0", "s-1", "s-2"]


def test_a_state_of_another_format_is_rebuilt_not_trusted(store: HabitStore) -> None:
    store.save("ana\n/w", _state("ana").model_copy(update={"format": STATE_FORMAT + 1}))
    assert store.load("ana\n/w") is None  # the caller rebuilds it from the recordings


def test_the_indexed_store_copies_the_cards_after_saving(tmp_path: Path) -> None:
    store = STORES["file+index"](tmp_path)
    INDEXED.clear()
    store.save("ana\n/w", _state("ana"))
    assert INDEXED == [("ana", ["next-steps"])]


def test_the_copy_to_read_is_the_saved_state_or_none(store: HabitStore) -> None:
    """`today` may read it instead of the whole state: when there is one, it holds the saved
    cards and sessions (without what only progress plots), and follows every save."""
    key = "ana\n/work/space"
    assert store.load_to_read(key) is None
    for days in (0, 3):
        store.save(key, _state("ana", days))
        copy = store.load_to_read(key)
        if copy is None:  # the in-memory store keeps no quicker copy
            continue
        saved = store.load(key)
        assert saved is not None
        assert copy.cards == saved.cards
        assert [e.id for e in copy.sessions] == [f"s-{days}"]
        assert [e.levels for e in copy.sessions] == [e.levels for e in saved.sessions]


def test_a_note_about_the_copy_lasts_until_the_next_save(store: HabitStore) -> None:
    """What `today` noted about the copy to read (the list it was checked against) is read
    back while that copy is the one saved, never after a save; a store without a copy keeps
    none."""
    key = "ana\n/work/space"
    assert store.note(key) is None
    store.save(key, _state("ana", 0))
    store.keep_note(key, {"list": "a", "real_calls": []})
    kept = store.note(key)
    if store.load_to_read(key) is None:  # the in-memory store: no copy, no note
        assert kept is None
        return
    assert kept is not None and (kept["list"], kept["real_calls"]) == ("a", [])
    store.save(key, _state("ana", 3))
    assert store.note(key) is None
