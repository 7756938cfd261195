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
from typing import TYPE_CHECKING, Protocol, TypeVar

from roleplay.domain.positions import Positions
from roleplay.domain.problems import InvalidFile, Problem, format_path
from roleplay.domain.suggest import did_you_mean, unknown_reference
from roleplay.errors import RoleplayError
from roleplay.services.trainer_files import MAX_FILE_BYTES as MAX_FILE_BYTES
from roleplay.services.trainer_files import Kind, read_trainer_file, trainer_files
from roleplay.services.trainer_files import Unreadable as _Unreadable
from roleplay.services.trainer_files import display_path as display_path
from roleplay.services.trainer_files import file_digest as file_digest
from roleplay.services.trainer_files import same_file as _same

# The models load when files are read (from the parsed cache or parsed): a command that
# builds the services but reads no trainer file (`sessions`) builds none of them (issue 18).
if TYPE_CHECKING:
    from roleplay.domain.rubric import Rubric
    from roleplay.domain.scenario import Scenario

# One broken file may have hundreds of repeated problems; the first ones say what to fix.
MAX_PROBLEMS_PER_FILE = 20


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


class UnknownScenario(RoleplayError):
    """Not in the workspace; the message names close matches."""


@dataclass
class Catalog:
    scenarios: dict[str, ScenarioFile] = field(default_factory=dict)
    rubrics: dict[str, RubricFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    broken: dict[Path, list[Problem]] = field(default_factory=dict)
    omitted: dict[Path, int] = field(default_factory=dict)  # problems past the per-file cap
    # The valid part of broken scenario files, for checking their references too.
    partial: dict[Path, tuple[Scenario, Positions]] = field(default_factory=dict)

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


def detect_kind(path: Path, text: str) -> Kind:
    parts = {p.lower() for p in path.parts[:-1]}
    if "rubrics" in parts:
        return "rubric"
    if "scenarios" in parts:
        return "scenario"
    return "rubric" if "\ncriteria:" in f"\n{text}" else "scenario"


class ParsedFiles(Protocol):
    """Trainer files parsed before (by an earlier command), found by what was parsed: the
    kind, the name shown in problems and the SHA-256 of the bytes. A file whose bytes changed
    has a new key, so an edit is never missed, however quickly it follows the last read.
    Values are `Parsed`; `save` keeps what this load used."""

    def get(self, key: tuple[str, str, str]) -> Parsed | None: ...

    def put(self, key: tuple[str, str, str], value: Parsed) -> None: ...

    def save(self) -> None: ...


@dataclass(frozen=True)
class Parsed:
    """What parsing one trainer file's text gave: its model and positions, or its problems
    (with the valid part of a broken scenario, for the reference checks)."""

    model: Scenario | Rubric | None
    positions: Positions | None
    problems: tuple[Problem, ...] = ()
    partial: Scenario | None = None


def load_catalog(
    scenario_dirs: Iterable[Path],
    rubric_dirs: Iterable[Path],
    extra_files: Iterable[Path] = (),
    parsed: ParsedFiles | None = None,
) -> Catalog:
    """Load every *.yaml under the given folders plus `extra_files`, then cross-check them.
    `parsed`: files parsed before, reused when their bytes are the same (the reference checks
    across files always run again)."""
    catalog = Catalog()
    for path, kind in trainer_files(scenario_dirs, rubric_dirs, extra_files):
        _load_file(catalog, path, kind, parsed)
    _cross_check(catalog)
    if parsed is not None:
        parsed.save()
    return catalog


def _load_file(
    catalog: Catalog, path: Path, kind: Kind | None, parsed: ParsedFiles | None = None
) -> None:
    shown = display_path(path)
    try:
        raw = read_trainer_file(path)
        text = raw.decode("utf-8-sig")
    except _Unreadable as exc:
        _broken(catalog, path, [Problem(shown, 0, 0, "(file)", exc.message, exc.hint)])
        return
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
    kind = kind or detect_kind(path, text)
    digest = hashlib.sha256(raw).hexdigest()
    key = (kind, shown, digest)
    found = parsed.get(key) if parsed is not None else None
    if found is None:
        found = _parse(kind, text, shown)
        if parsed is not None:
            parsed.put(key, found)
    from roleplay.domain.rubric import Rubric
    from roleplay.domain.scenario import Scenario

    if isinstance(found.model, Rubric) and found.positions is not None:
        entry_r = RubricFile(path, found.model, digest, found.positions)
        _register(catalog, path, shown, found.model.id, found.positions, catalog.rubrics, entry_r)
    elif isinstance(found.model, Scenario) and found.positions is not None:
        entry_s = ScenarioFile(path, found.model, digest, found.positions)
        _register(catalog, path, shown, found.model.id, found.positions, catalog.scenarios, entry_s)
    else:
        _broken(catalog, path, list(found.problems))
        if found.partial is not None and found.positions is not None:
            # Its references to rubrics are checked with the others, in the same run.
            catalog.partial[path] = (found.partial, found.positions)


def _parse(kind: Kind, text: str, shown: str) -> Parsed:
    # The YAML parser loads only when a file changed: unchanged ones come from the cache.
    from roleplay.domain.loading import load_rubric, load_scenario

    try:
        if kind == "rubric":
            return Parsed(*load_rubric(text, shown))
        return Parsed(*load_scenario(text, shown))
    except InvalidFile as exc:
        from roleplay.domain.scenario import Scenario

        partial = exc.partial if isinstance(exc.partial, Scenario) else None
        return Parsed(None, exc.positions, tuple(exc.problems), partial)


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
    """Record problems of one file, at most MAX_PROBLEMS_PER_FILE of them plus one line that
    says how many more there are."""
    kept = catalog.broken.setdefault(path, [])
    if kept and kept[-1].path == _MORE:
        catalog.problems.remove(kept.pop())
    room = MAX_PROBLEMS_PER_FILE - len(kept)
    new, extra = problems[: max(room, 0)], problems[max(room, 0) :]
    kept.extend(new)
    catalog.problems.extend(new)
    omitted = catalog.omitted.get(path, 0) + len(extra)
    if omitted:
        catalog.omitted[path] = omitted
        more = Problem(
            kept[0].file if kept else display_path(path),
            0,
            0,
            _MORE,
            f"{omitted} more problem{'s' if omitted != 1 else ''} in this file not shown",
            "fix the ones above and validate again",
        )
        kept.append(more)
        catalog.problems.append(more)


_MORE = "(more)"


def count_problems(catalog: Catalog, problems: list[Problem]) -> int:
    """How many problems `problems` stands for, counting those past the per-file cap."""
    files = {p.file for p in problems}
    omitted = sum(n for path, n in catalog.omitted.items() if display_path(path) in files)
    return sum(p.path != _MORE for p in problems) + omitted


def _cross_check(catalog: Catalog) -> None:
    for ident, entry in list(catalog.scenarios.items()):
        problems = _references(catalog, entry.scenario, entry.positions, entry.path)
        if problems:
            del catalog.scenarios[ident]
            _broken(catalog, entry.path, problems)
    for path, (scenario, positions) in catalog.partial.items():
        _broken(catalog, path, _references(catalog, scenario, positions, path))


def _references(catalog: Catalog, s: Scenario, positions: Positions, path: Path) -> list[Problem]:
    """A scenario's references into the workspace: its rubric, the criteria its coaching
    names, and the skills it trains."""
    from roleplay.domain.scenario import check_coaching

    shown = display_path(path)
    problems: list[Problem] = []
    rubric = catalog.rubrics.get(s.rubric)
    if rubric is None:
        line, col = positions.of(("rubric",))
        message, hint = unknown_reference("rubric", s.rubric, catalog.rubrics)
        if not hint.startswith("did you mean"):
            hint = f"add rubrics/{s.rubric}.yaml or use an existing id ({hint})"
        problems.append(Problem(shown, line, col, "rubric", message, hint))
        return problems
    for where, what, fix in check_coaching(s, (c.id for c in rubric.rubric.criteria)):
        line, col = positions.of(where)
        problems.append(Problem(shown, line, col, format_path(where), what, fix))
    trained = set(rubric.rubric.skills)
    for i, skill in enumerate(s.skills):
        if skill not in trained:
            line, col = positions.of(("skills", i))
            close = did_you_mean(skill, trained)
            problems.append(
                Problem(
                    shown,
                    line,
                    col,
                    format_path(("skills", i)),
                    f"skill '{skill}' is not trained by any criterion of rubric '{s.rubric}'",
                    f"did you mean '{close}'?"
                    if close
                    else f"the rubric trains: {', '.join(sorted(trained))}",
                )
            )
    return problems


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
    resolved = {_same(t) for t in targets}
    # lexists: a symlink loop or a dangling link is a file with a problem, not a missing one.
    missing = [t for t in targets if not os.path.lexists(t)]
    catalog = load_catalog(scenario_dirs, rubric_dirs, [t for t in targets if t not in missing])
    problems = [Problem(display_path(m), 0, 0, "(file)", "no such file") for m in missing]
    for path, found in catalog.broken.items():
        if _same(path) in resolved:  # by line, the "N more" note last
            problems += sorted(found, key=lambda p: (p.path == _MORE, p.line, p.column))
    return catalog, problems
