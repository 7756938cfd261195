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


class UnknownRubric(RoleplayError):
    """Not usable: no such rubric (the message names close matches), or its file has
    problems (the message names the first, with file and line)."""


@dataclass
class Catalog:
    scenarios: dict[str, ScenarioFile] = field(default_factory=dict)
    rubrics: dict[str, RubricFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    broken: dict[Path, list[Problem]] = field(default_factory=dict)
    omitted: dict[Path, int] = field(default_factory=dict)  # problems past the per-file cap
    # The valid part of broken scenario files, for checking their references too.
    partial: dict[Path, tuple[Scenario, Positions]] = field(default_factory=dict)
    # Broken rubric files by the id they give (or their name): a scenario that uses one is
    # told that file has problems, not that the rubric does not exist.
    broken_rubrics: dict[str, Path] = field(default_factory=dict)
    # Ids that several files give and that no file named after the id settles: none of them
    # is used, so a new file can never swap the scenario a rep practises.
    clashes: dict[str, list[Path]] = field(default_factory=dict)

    def scenario(self, ref: str) -> ScenarioFile:
        """By id, or by the path of a scenario file in the workspace."""
        if ref in self.scenarios:
            return self.scenarios[ref]
        if ref in self.clashes:
            problems = "\n".join(str(p) for path in self.clashes[ref] for p in self.broken[path])
            raise UnknownScenario(f"scenario '{ref}' is defined by several files:\n{problems}")
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

    def rubric(self, ref: str) -> RubricFile:
        """By id; a rubric whose file has problems is named as such, not as unknown."""
        if ref in self.rubrics:
            return self.rubrics[ref]
        message, hint = _missing_rubric(self, ref)
        raise UnknownRubric(message, hint)


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
    partial: Scenario | Rubric | None = None


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
    found = _Found()
    for path, kind in trainer_files(scenario_dirs, rubric_dirs, extra_files):
        _load_file(catalog, found, path, kind, parsed)
    _settle_ids(catalog, found.rubrics, catalog.rubrics)
    _settle_ids(catalog, found.scenarios, catalog.scenarios)
    _cross_check(catalog)
    if parsed is not None:
        parsed.save()
    return catalog


@dataclass
class _Found:
    """The valid files read, before their ids are checked against each other."""

    scenarios: list[ScenarioFile] = field(default_factory=list)
    rubrics: list[RubricFile] = field(default_factory=list)


def _load_file(
    catalog: Catalog,
    found_files: _Found,
    path: Path,
    kind: Kind | None,
    parsed: ParsedFiles | None = None,
) -> None:
    shown = display_path(path)
    try:
        raw = read_trainer_file(path)
        text = raw.decode("utf-8-sig")
    except _Unreadable as exc:
        _broken(catalog, path, [Problem(shown, 0, 0, "(file)", exc.message, exc.hint)])
        return
    except UnicodeDecodeError as exc:
        from roleplay.domain.encoding import position  # where, so an editor can jump there

        bad = exc.object[exc.start : exc.start + 1].hex().upper()  # of the text after a BOM
        line, column = position(bytes(exc.object), exc.start)
        message = f"not UTF-8 text (byte 0x{bad} starts no UTF-8 character)"
        hint = "save the file as UTF-8"
        _broken(catalog, path, [Problem(shown, line, column, "(file)", message, hint)])
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
        found_files.rubrics.append(RubricFile(path, found.model, digest, found.positions))
    elif isinstance(found.model, Scenario) and found.positions is not None:
        found_files.scenarios.append(ScenarioFile(path, found.model, digest, found.positions))
    else:
        _broken(catalog, path, list(found.problems))
        if isinstance(found.partial, Scenario) and found.positions is not None:
            # Its references to rubrics are checked with the others, in the same run.
            catalog.partial[path] = (found.partial, found.positions)
        elif kind == "rubric":
            # The id it gives when that much is valid, else its name (rubrics/mini.yaml).
            ident = found.partial.id if isinstance(found.partial, Rubric) else path.stem
            catalog.broken_rubrics.setdefault(ident, path)


def _parse(kind: Kind, text: str, shown: str) -> Parsed:
    # The YAML parser loads only when a file changed: unchanged ones come from the cache.
    from roleplay.domain.loading import load_rubric, load_scenario

    try:
        if kind == "rubric":
            return Parsed(*load_rubric(text, shown))
        return Parsed(*load_scenario(text, shown))
    except InvalidFile as exc:
        from roleplay.domain.rubric import Rubric
        from roleplay.domain.scenario import Scenario

        partial = exc.partial if isinstance(exc.partial, (Scenario, Rubric)) else None
        return Parsed(None, exc.positions, tuple(exc.problems), partial)


E = TypeVar("E", ScenarioFile, RubricFile)


def _model_id(entry: ScenarioFile | RubricFile) -> str:
    return entry.scenario.id if isinstance(entry, ScenarioFile) else entry.rubric.id


def _settle_ids(catalog: Catalog, entries: list[E], table: dict[str, E]) -> None:
    """Put each file in `table` by its id. When several files give one id, the file named
    after the id (price-objection.yaml for 'price-objection') is kept and the others are
    broken; when no single file is, none is kept. Either way what a rep practises never
    depends on which copy sorts first, and every problem names all the files and lines."""
    by_id: dict[str, list[E]] = {}
    for entry in entries:
        by_id.setdefault(_model_id(entry), []).append(entry)
    for ident, same in by_id.items():
        if len(same) == 1:
            table[ident] = same[0]
            continue
        named = [e for e in same if e.path.stem == ident]
        kept = named[0] if len(named) == 1 else None
        if kept is not None:
            table[ident] = kept
        else:
            catalog.clashes[ident] = [e.path for e in same]
        for entry in same:
            if entry is kept:
                continue
            others = [e for e in same if e is not entry]
            _broken(catalog, entry.path, [_clash(entry, others, kept, set(by_id))])
            if isinstance(entry, ScenarioFile):
                # Its references are still checked, so one run shows every problem.
                catalog.partial[entry.path] = (entry.scenario, entry.positions)
            else:
                catalog.broken_rubrics.setdefault(ident, entry.path)


def _clash(entry: E, others: list[E], kept: E | None, ids: set[str]) -> Problem:
    ident = _model_id(entry)
    line, col = entry.positions.of(("id",))
    where = [f"{display_path(o.path)}:{o.positions.of(('id',))[0]}" for o in others]
    # A new id to suggest: the file's own name, unless another file already uses that.
    own = entry.path.stem if entry.path.stem not in ids else f"{ident}-2"
    if kept is not None:
        message = (
            f"id '{ident}' is already used by {', '.join(where)}; "
            f"{display_path(kept.path)} (named after the id) is used and this file is ignored"
        )
        hint = f"give this file its own id (id: {own}), or delete it if it is a stray copy"
    else:
        message = (
            f"id '{ident}' is also used by {', '.join(where)}; none of these files is used "
            "until each has its own id"
        )
        hint = f"give this file its own id (id: {own}), or name the one to keep {ident}.yaml"
    return Problem(display_path(entry.path), line, col, "id", message, hint)


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
        message, hint = _missing_rubric(catalog, s.rubric)
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


def _missing_rubric(catalog: Catalog, ident: str) -> tuple[str, str]:
    """(message, hint) for a rubric id that is not in the catalog: its file has problems (the
    first one named, with file, line and field), or there is no such rubric."""
    path = catalog.broken_rubrics.get(ident)
    if path is None:
        message, hint = unknown_reference("rubric", ident, catalog.rubrics)
        if not hint.startswith("did you mean"):
            hint = f"add rubrics/{ident}.yaml or use an existing id ({hint})"
        return message, hint
    shown = display_path(path)
    kept = catalog.broken.get(path, [])
    problems = [p for p in kept if p.path != _MORE]
    if not problems:  # not expected: a broken file has at least one problem
        return f"rubric '{ident}' cannot be used: {shown} has problems", f"fix {shown}"
    first, count = problems[0], count_problems(catalog, kept)
    where = f"{first.file}:{first.line}" if first.line else first.file
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
    return (
        f"rubric '{ident}' cannot be used: {where}: {first.path}: {first.message}{more}",
        f"fix {shown}; `roleplay validate {shown}` lists every problem",
    )


def validate(
    paths: Iterable[Path], scenario_dirs: Iterable[Path], rubric_dirs: Iterable[Path]
) -> tuple[Catalog, list[Problem]]:
    """Problems in `paths` (files or folders); references resolve against the workspace too."""
    targets: list[Path] = []
    for p in paths:
        if p.is_dir() and p.suffix not in {".yaml", ".yml"}:  # a folder x.yaml is a bad file
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
