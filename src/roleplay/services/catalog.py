"""The trainer's files in a workspace: every scenario and rubric, or every problem with them.

Loading never stops at the first broken file: broken files are kept with their problems so the
app and `roleplay validate` can show all of them in one place.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from roleplay.domain.loading import Positions, load_rubric, load_scenario
from roleplay.domain.problems import InvalidFile, Problem, format_path
from roleplay.domain.rubric import Rubric
from roleplay.domain.scenario import Scenario, check_coaching
from roleplay.domain.suggest import did_you_mean, unknown_reference

Kind = Literal["scenario", "rubric"]


@dataclass(frozen=True)
class ScenarioFile:
    path: Path
    scenario: Scenario
    sha256: str
    positions: Positions


@dataclass(frozen=True)
class RubricFile:
    path: Path
    rubric: Rubric
    sha256: str
    positions: Positions


class UnknownScenario(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class Catalog:
    scenarios: dict[str, ScenarioFile] = field(default_factory=dict)
    rubrics: dict[str, RubricFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    broken: dict[Path, list[Problem]] = field(default_factory=dict)

    def scenario(self, ref: str) -> ScenarioFile:
        """By id, or by the path of a scenario file in the workspace."""
        if ref in self.scenarios:
            return self.scenarios[ref]
        for entry in self.scenarios.values():
            if Path(ref).name in (entry.path.name, entry.path.stem):
                return entry
        broken = [p for p in self.broken if p.stem == Path(ref).stem]
        if broken:
            problems = "\n".join(str(p) for p in self.broken[broken[0]])
            raise UnknownScenario(f"scenario '{ref}' has problems:\n{problems}")
        raise UnknownScenario(
            "; ".join(unknown_reference("scenario", ref, self.scenarios))
            + "; `roleplay scenarios` lists them"
        )

    def rubric_for(self, scenario: Scenario) -> RubricFile:
        return self.rubrics[scenario.rubric]


def display_path(path: Path) -> str:
    """Relative to the current folder when inside it, so editors can jump to file:line."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def detect_kind(path: Path, text: str) -> Kind:
    parts = {p.lower() for p in path.parts[:-1]}
    if "rubrics" in parts:
        return "rubric"
    if "scenarios" in parts:
        return "scenario"
    return "rubric" if "\ncriteria:" in f"\n{text}" else "scenario"


def load_catalog(
    scenario_dirs: Iterable[Path], rubric_dirs: Iterable[Path], extra_files: Iterable[Path] = ()
) -> Catalog:
    """Load every *.yaml under the given folders plus `extra_files`, then cross-check them."""
    files: list[tuple[Path, Kind | None]] = []
    for folder in scenario_dirs:
        files += [(p, "scenario") for p in sorted(folder.glob("*.y*ml"))]
    for folder in rubric_dirs:
        files += [(p, "rubric") for p in sorted(folder.glob("*.y*ml"))]
    seen = {p.resolve() for p, _ in files}
    files += [(p, None) for p in extra_files if p.resolve() not in seen]
    catalog = Catalog()
    for path, kind in files:
        _load_file(catalog, path, kind)
    _cross_check(catalog)
    return catalog


def _load_file(catalog: Catalog, path: Path, kind: Kind | None) -> None:
    shown = display_path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _broken(
            catalog,
            path,
            [
                Problem(
                    shown,
                    0,
                    0,
                    "(file)",
                    f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                    "save the file as UTF-8",
                )
            ],
        )
        return
    except OSError as exc:
        _broken(catalog, path, [Problem(shown, 0, 0, "(file)", f"cannot read: {exc.strerror}")])
        return
    kind = kind or detect_kind(path, text)
    digest = hashlib.sha256(raw).hexdigest()
    try:
        if kind == "rubric":
            rubric, pos = load_rubric(text, shown)
            _register(
                catalog,
                path,
                shown,
                rubric.id,
                pos,
                catalog.rubrics,
                RubricFile(path, rubric, digest, pos),
            )
        else:
            scenario, pos = load_scenario(text, shown)
            _register(
                catalog,
                path,
                shown,
                scenario.id,
                pos,
                catalog.scenarios,
                ScenarioFile(path, scenario, digest, pos),
            )
    except InvalidFile as exc:
        _broken(catalog, path, exc.problems)


E = TypeVar("E", ScenarioFile, RubricFile)


def _register(
    catalog: Catalog,
    path: Path,
    shown: str,
    ident: str,
    pos: Positions,
    table: dict[str, E],
    entry: E,
) -> None:
    if ident in table:
        other = display_path(table[ident].path)
        line, col = pos.of(("id",))
        _broken(
            catalog,
            path,
            [
                Problem(
                    shown,
                    line,
                    col,
                    "id",
                    f"id '{ident}' is already used by {other}",
                    "ids must be unique in a workspace",
                )
            ],
        )
        return
    table[ident] = entry


def _broken(catalog: Catalog, path: Path, problems: list[Problem]) -> None:
    catalog.broken.setdefault(path, []).extend(problems)
    catalog.problems.extend(problems)


def _cross_check(catalog: Catalog) -> None:
    for ident, entry in list(catalog.scenarios.items()):
        s = entry.scenario
        shown = display_path(entry.path)
        problems: list[Problem] = []
        rubric = catalog.rubrics.get(s.rubric)
        if rubric is None:
            line, col = entry.positions.of(("rubric",))
            message, hint = unknown_reference("rubric", s.rubric, catalog.rubrics)
            if not hint.startswith("did you mean"):
                hint = f"add rubrics/{s.rubric}.yaml or use an existing id ({hint})"
            problems.append(Problem(shown, line, col, "rubric", message, hint))
        else:
            for where, what, fix in check_coaching(s, (c.id for c in rubric.rubric.criteria)):
                line, col = entry.positions.of(where)
                problems.append(Problem(shown, line, col, format_path(where), what, fix))
            trained = set(rubric.rubric.skills)
            for i, skill in enumerate(s.skills):
                if skill not in trained:
                    line, col = entry.positions.of(("skills", i))
                    close = did_you_mean(skill, trained)
                    problems.append(
                        Problem(
                            shown,
                            line,
                            col,
                            format_path(("skills", i)),
                            f"skill '{skill}' is not trained by any criterion of rubric "
                            f"'{s.rubric}'",
                            f"did you mean '{close}'?"
                            if close
                            else f"the rubric trains: {', '.join(sorted(trained))}",
                        )
                    )
        if problems:
            del catalog.scenarios[ident]
            _broken(catalog, entry.path, problems)


def validate(
    paths: Iterable[Path], scenario_dirs: Iterable[Path], rubric_dirs: Iterable[Path]
) -> tuple[Catalog, list[Problem]]:
    """Problems in `paths` (files or folders); references resolve against the workspace too."""
    targets: list[Path] = []
    for p in paths:
        if p.is_dir():
            sub = [p / "scenarios", p / "rubrics"]
            if any(s.is_dir() for s in sub):
                targets += [f for s in sub if s.is_dir() for f in sorted(s.glob("*.y*ml"))]
            else:
                targets += sorted(p.glob("*.y*ml"))
        else:
            targets.append(p)
    resolved = {t.resolve() for t in targets}
    missing = [t for t in targets if not t.exists()]
    catalog = load_catalog(scenario_dirs, rubric_dirs, [t for t in targets if t.exists()])
    problems = [Problem(display_path(m), 0, 0, "(file)", "no such file") for m in missing]
    for path, found in catalog.broken.items():
        if path.resolve() in resolved:
            problems += found
    return catalog, problems
