"""Drills made from a scored real call, written into the workspace's scenarios folder.

The file is the trainer's from then on: plain YAML, validated the way `roleplay validate`
does before it is kept (a file that would not load is removed again and its problems raised),
so the drill joins every rep's options for its skill, and the queue prefers drills made from
real calls when that skill comes up (domain/queue.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from roleplay.domain.call_drill import Moment, drill_scenario, weakest_moments
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import Transcript
from roleplay.services.catalog import Catalog, load_catalog
from roleplay.services.ports import SessionStore


class CallDrillError(ValueError):
    """The drill cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class MadeDrill:
    path: Path
    scenario: str
    drill: str
    skill: str
    moment: Moment

    @property
    def command(self) -> str:
        return f"roleplay practice {self.scenario} --drill {self.drill}"


def moments_of(store: SessionStore, session_id: str) -> tuple[Transcript, Scorecard, list[Moment]]:
    t = store.load(session_id)
    card = store.scorecard(t.record.id)
    if card is None:
        raise CallDrillError(
            f"session {t.record.id} has no scorecard; score it first: roleplay score {t.record.id}"
        )
    return t, card, weakest_moments(t, card)


def make_drills(
    store: SessionStore,
    catalog: Catalog,
    scenarios_dir: Path,
    rubrics_dir: Path,
    session_id: str,
    day: date,
    base: str | None = None,
) -> list[MadeDrill]:
    t, card, moments = moments_of(store, session_id)
    if t.record.mode != "transcript":
        raise CallDrillError(
            f"session {t.record.id} is a practice session; drills are made from real calls "
            "(roleplay score --transcript CALL --save)"
        )
    if not moments:
        raise CallDrillError(f"session {t.record.id}: no scored criterion to make a drill from")
    rubric_file = catalog.rubrics.get(card.rubric)
    if rubric_file is None:
        raise CallDrillError(f"rubric '{card.rubric}' of the call is not in {rubrics_dir}")
    base_doc: dict[str, Any] | None = None
    if base is not None:
        entry = catalog.scenario(base)  # raises UnknownScenario with a did-you-mean
        loaded = yaml.safe_load(entry.path.read_text("utf-8"))
        if not isinstance(loaded, dict):
            raise CallDrillError(f"{entry.path}: not a scenario mapping")
        base_doc = loaded
    made: list[MadeDrill] = []
    for moment in moments:
        doc = drill_scenario(moment, t, rubric_file.rubric, day, base_doc)
        path = scenarios_dir / f"{doc['id']}.yaml"
        path.write_text(_header(t) + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
        check = load_catalog([scenarios_dir], [rubrics_dir])  # as `roleplay validate` does
        loaded = check.scenarios.get(doc["id"])
        if loaded is None or loaded.path.resolve() != path.resolve():
            found = check.broken.get(path) or [p for p in check.problems if path.name in p.file]
            problems = "\n".join(str(p) for p in found) or "another scenario has its id"
            path.unlink()
            raise CallDrillError(
                f"the drill made from {t.record.id} does not validate:\n{problems}"
            )
        made.append(MadeDrill(path, doc["id"], doc["drills"][0]["id"], moment.skill, moment))
    return made


def _header(t: Transcript) -> str:
    return (
        f"# A drill made from the real call {t.record.id} ({t.record.rep}).\n"
        "# Edit it like any scenario; `roleplay validate` checks it.\n"
    )
