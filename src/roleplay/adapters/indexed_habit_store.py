"""The scheduler's state store that also puts the rep's cards in the index (after the file)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from roleplay.domain.habit import HabitState
from roleplay.domain.schedule import SkillCard
from roleplay.services.ports import HabitStore


class IndexedHabitStore:
    def __init__(
        self, inner: HabitStore, saved: Callable[[str, Sequence[SkillCard]], object]
    ) -> None:
        self._inner = inner
        self._saved = saved  # indexes a rep's cards (never raises for an unreachable index)

    def load(self, key: str) -> HabitState | None:
        return self._inner.load(key)

    def load_to_read(self, key: str) -> HabitState | None:
        return self._inner.load_to_read(key)

    def note(self, key: str) -> dict[str, Any] | None:
        return self._inner.note(key)

    def keep_note(self, key: str, note: dict[str, Any]) -> None:
        self._inner.keep_note(key, note)

    def save(self, key: str, state: HabitState) -> None:
        self._inner.save(key, state)
        self._saved(state.rep, list(state.cards.values()))
