"""What the read commands show of the trainer's files, without the scenario and rubric models.

`today`, `progress`, `scenarios` and `show` read a few facts of each scenario (its id, title,
skills, drills, variation options) and rubric (its title). Loading the catalog for them meant
importing the scenario and rubric models (~30 pydantic classes, ~10% of `today`'s instructions)
and unpickling every parsed file (~5%) on every run (issue 18). So the facts are kept beside
the parsed files, in plain tuples, found by exactly the files they were made from: every
trainer file's kind, path, shown name and the SHA-256 of its bytes (as the parsed files are),
in the order they are loaded, and the stamp of the code that made them. A file added, removed,
edited or broken changes the key: the whole catalog is loaded as before (the reference checks
across files included), and its facts are kept for the next command. A broken file's problems
are kept as they were found, so the messages are those of a fresh load.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from roleplay.services.trainer_files import display_path, file_digest, trainer_files

# The catalog (its types, the positions and problems of a load) loads when the files changed.
if TYPE_CHECKING:
    from roleplay.domain.problems import Problem
    from roleplay.domain.scenario import Scenario
    from roleplay.services.catalog import Catalog, ParsedFiles

    class Summaries(Protocol):  # a Protocol class is costly to make: for the checker only
        """Summaries kept by an earlier command, found by the files they were made from."""

        def summary(self, key: FilesKey) -> CatalogSummary | None: ...

        def keep_summary(self, key: FilesKey, summary: CatalogSummary) -> None: ...


# One key per trainer file: (kind, path, shown name, SHA-256 of the bytes or why unreadable).
FilesKey = tuple[tuple[str, str, str, str], ...]

# NamedTuples, not dataclasses: a dataclass costs ~5x as much to create at import, and these
# only carry facts checked when the files were loaded.


class Choice(NamedTuple):
    """One option of a variation dimension: what drawing a variation reads."""

    id: str
    weight: float


class DrillFacts(NamedTuple):
    id: str
    title: str
    skills: list[str]
    time_limit: int
    pinned: dict[str, str]


class PersonaFacts(NamedTuple):
    name: str


class ScenarioFacts(NamedTuple):
    """A scenario's fields the read commands show, under the model's names."""

    id: str
    title: str
    language: str
    difficulty: int
    skills: list[str]
    time_limit: int
    rubric: str
    persona: PersonaFacts
    drills: list[DrillFacts]
    variations: dict[str, list[Choice]]

    def drill(self, drill_id: str) -> DrillFacts:
        for d in self.drills:
            if d.id == drill_id:
                return d
        raise KeyError(drill_id)


class RubricFacts(NamedTuple):
    id: str
    title: str


class ScenarioEntry(NamedTuple):
    path: Path
    scenario: ScenarioFacts
    sha256: str


class RubricEntry(NamedTuple):
    path: Path
    rubric: RubricFacts
    sha256: str


class CatalogSummary(NamedTuple):
    """The catalog as the read commands see it: the same ids, files and problems."""

    scenarios: dict[str, ScenarioEntry]
    rubrics: dict[str, RubricEntry]
    problems: list[Problem]
    broken: dict[Path, list[Problem]]
    omitted: dict[Path, int]


def facts(s: Scenario) -> ScenarioFacts:
    return ScenarioFacts(
        s.id,
        s.title,
        s.language,
        s.difficulty,
        list(s.skills),
        s.time_limit,
        s.rubric,
        PersonaFacts(s.persona.name),
        [DrillFacts(d.id, d.title, list(d.skills), d.time_limit, dict(d.pinned)) for d in s.drills],
        {dim: [Choice(o.id, o.weight) for o in opts] for dim, opts in s.variations.items()},
    )


def summarise(catalog: Catalog) -> CatalogSummary:
    return CatalogSummary(
        {
            k: ScenarioEntry(e.path, facts(e.scenario), e.sha256)
            for k, e in catalog.scenarios.items()
        },
        {
            k: RubricEntry(e.path, RubricFacts(e.rubric.id, e.rubric.title), e.sha256)
            for k, e in catalog.rubrics.items()
        },
        list(catalog.problems),
        {path: list(found) for path, found in catalog.broken.items()},
        dict(catalog.omitted),
    )


def files_key(scenario_dirs: Iterable[Path], rubric_dirs: Iterable[Path]) -> FilesKey:
    """What the catalog is made from: every file load_catalog reads, as it reads it."""
    key: list[tuple[str, str, str, str]] = []
    for path, kind in trainer_files(scenario_dirs, rubric_dirs):
        key.append((kind or "", str(path), display_path(path), file_digest(path)))
    return tuple(key)


def load_summary(
    scenario_dirs: list[Path],
    rubric_dirs: list[Path],
    parsed: ParsedFiles | None,
    kept: Summaries | None,
) -> CatalogSummary:
    """The summary of the files as they are now: kept from an earlier command when every
    file is as it was, else made from a full load (which then keeps it)."""
    key = files_key(scenario_dirs, rubric_dirs) if kept is not None else ()
    found = kept.summary(key) if kept is not None else None
    if found is not None:
        return found
    from roleplay.services.catalog import load_catalog

    made = summarise(load_catalog(scenario_dirs, rubric_dirs, parsed=parsed))
    # Kept only when no file changed while it was loaded: never facts under another key.
    if kept is not None and files_key(scenario_dirs, rubric_dirs) == key:
        kept.keep_summary(key, made)
    return made
