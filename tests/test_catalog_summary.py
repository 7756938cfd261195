"""The read commands see the catalog through its summary (services/catalog_summary.py): the
same facts as the scenario models, so `today`, `progress`, `scenarios` and `show` say the same
as with the whole catalog, and a trainer's edit or a broken file is seen by the next command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from roleplay.composition import build
from roleplay.config import Settings
from roleplay.domain import queue as q
from roleplay.domain.variation import draw_choices
from roleplay.services import daily
from roleplay.services.catalog import load_catalog
from roleplay.services.catalog_summary import (
    CatalogSummary,
    FilesKey,
    load_summary,
    summarise,
)
from tests.hostile import roleplay_process
from tests.test_fast_commands import practise


def roleplay(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command of ana's in its own process (as a user runs it)."""
    env = {"COLUMNS": "200", "ROLEPLAY_REP": "ana", "ROLEPLAY_TIMEZONE": "UTC"}
    return roleplay_process("--workspace", str(ws), *args, env=env)


def test_a_summary_draws_the_variations_its_scenario_draws(workspace: Path) -> None:
    """`today` picks a seed by drawing variations from the summary; a call draws them from
    the model: the same seed must give the same choices, or the queue's command would not
    replay the variation it promised."""
    catalog = load_catalog([workspace / "scenarios"], [workspace / "rubrics"])
    summary = summarise(catalog)
    assert set(summary.scenarios) == set(catalog.scenarios)
    varied = 0
    for ident, entry in catalog.scenarios.items():
        model, facts = entry.scenario, summary.scenarios[ident].scenario
        varied += bool(model.variations)
        pins: list[dict[str, str]] = [{}, *(dict(d.pinned) for d in model.drills)]
        for pinned in pins:
            for seed in range(40):
                assert draw_choices(facts, seed, pinned) == draw_choices(model, seed, pinned)  # type: ignore[arg-type]
            seen = [draw_choices(model, s, pinned) for s in range(3)]
            assert q.fresh_choices(facts, seen, pinned) == q.fresh_choices(model, seen, pinned)  # type: ignore[arg-type]
        for d in model.drills:
            assert facts.drill(d.id).pinned == d.pinned
            assert facts.drill(d.id).skills == d.skills
    assert varied >= 2  # the bundled scenarios do vary


def test_today_and_progress_from_the_summary_are_those_of_the_whole_catalog(
    workspace: Path, isolated_user_dirs: Path
) -> None:
    practise(workspace)
    services = build(workspace, settings=Settings(rep="ana", timezone="UTC"))
    habit = services.habit(None)
    whole, summary = services.catalog(), services.catalog_summary()
    assert daily.today(habit, summary) == daily.today(habit, whole)
    assert daily.progress(habit, summary) == daily.progress(habit, whole)


def test_the_summary_is_made_again_when_a_file_changes(
    workspace: Path, isolated_user_dirs: Path
) -> None:
    dirs = ([workspace / "scenarios"], [workspace / "rubrics"])

    class Kept:
        def __init__(self) -> None:
            self.key: FilesKey | None = None
            self.found: CatalogSummary | None = None

        def last_summary(self) -> tuple[FilesKey, CatalogSummary] | None:
            return None if self.key is None or self.found is None else (self.key, self.found)

        def keep_summary(self, key: FilesKey, summary: CatalogSummary) -> None:
            self.key, self.found = key, summary

    kept = Kept()
    first = load_summary(*dirs, None, kept)
    assert load_summary(*dirs, None, kept) is first and kept.found is first  # nothing changed
    path = workspace / "scenarios" / "discovery-spin.yaml"
    path.write_text(path.read_text().replace("SPIN discovery", "SPIN Discovery", 1))
    again = load_summary(*dirs, None, kept)
    assert again is not first and kept.found is again
    assert "Discovery" in again.scenarios["discovery-spin"].scenario.title


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["today"], "1 file(s) have problems"),
        (["progress"], "discovery"),
        (["scenarios"], "price-objection.yaml: run `roleplay validate"),
        (["show", "last"], "SPIN"),
    ],
)
def test_a_broken_scenario_is_said_the_same_from_the_kept_summary(
    workspace: Path, isolated_user_dirs: Path, args: list[str], said: str
) -> None:
    practise(workspace)
    path = workspace / "scenarios" / "price-objection.yaml"
    path.write_text(path.read_text().replace("title:", "titel:", 1))
    made = roleplay(workspace, *args)  # loads the catalog, keeps its summary
    kept = roleplay(workspace, *args)  # reads the summary back
    assert made.returncode == kept.returncode == 0, made.stderr + kept.stderr
    assert (made.stdout, made.stderr) == (kept.stdout, kept.stderr)
    assert said in made.stdout
