"""Importing business outcomes (hard KPIs) from a CSV export: all or nothing, idempotent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from roleplay.domain.encoding import NotText, decode_text
from roleplay.domain.outcomes import (
    KNOWN_DIRECTIONS,
    Direction,
    OutcomeFileError,
    metric_name,
    parse,
)
from roleplay.services.ports import Clock
from roleplay.services.team_data import TeamData

MAX_BYTES = 50 * 1024 * 1024  # a year of weekly outcomes for a large team is a few MB


@dataclass(frozen=True)
class Imported:
    file: str
    rows: int
    added: int
    changed: int
    unchanged: int
    reps: tuple[str, ...]
    metrics: dict[str, Direction | None]
    unknown_reps: tuple[str, ...]  # in the file, with no practice in the index


class Outcomes:
    def __init__(self, data: Callable[[], TeamData], clock: Clock) -> None:
        self._data = data
        self.clock = clock

    def import_file(
        self,
        path: Path,
        *,
        higher: Iterable[str] = (),
        lower: Iterable[str] = (),
    ) -> Imported:
        """Read, check every line, then write all rows in one transaction (or none).
        Raises OutcomeFileError listing every bad line, NotAllowed, IndexUnavailable."""
        name = str(path)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise OutcomeFileError([f"{name}: larger than 50 MB; split it by period"], 1)
            raw = path.read_bytes()
        except OSError as exc:
            raise OutcomeFileError([f"{name}: cannot be read ({exc.strerror})"], 1) from None
        try:  # as an outside transcript is read: UTF-8 or a marked UTF-16/32, never guessed
            text = decode_text(raw)
        except NotText as exc:
            raise OutcomeFileError([f"{name}: {exc}"], 1) from None
        rows = parse(text, name)
        declared: dict[str, Direction] = {}
        for metric in higher:
            declared[metric_name(metric)] = "higher"
        for metric in lower:
            m = metric_name(metric)
            if declared.get(m) == "higher":
                raise OutcomeFileError(
                    [f"{m}: declared both higher-is-better and lower-is-better; pick one"], 1
                )
            declared[m] = "lower"
        data = self._data()
        data.identity().require("assign")
        known = data.directions()
        in_file = sorted({r.metric for r in rows})
        directions: dict[str, Direction] = {
            m: declared.get(m) or known.get(m) or KNOWN_DIRECTIONS[m]
            for m in in_file
            if m in declared or m in known or m in KNOWN_DIRECTIONS
        }
        added, changed, unchanged = data.import_outcomes(rows, directions, self.clock.now())
        reps = sorted({r.rep for r in rows})
        practising = set(data.reps())
        return Imported(
            file=name,
            rows=len(rows),
            added=added,
            changed=changed,
            unchanged=unchanged,
            reps=tuple(reps),
            metrics={m: directions.get(m) for m in in_file},
            unknown_reps=tuple(r for r in reps if r not in practising),
        )
