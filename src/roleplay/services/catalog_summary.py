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

Hashing every trainer file on every command (~5 ms of `show`, `today`...) is skipped for a
file whose stat is what it was when its hash was kept: the same size, modification and change
time (ns), inode and device. The change time is the kernel's own (no tool can set it back as
`cp -p`, `tar` or `touch -d` set the modification time), and an edit in place, a file replaced
by a rename (editors, `git checkout`) or a link pointed elsewhere changes it or the inode. What
stat cannot tell apart is an edit within the same tick of the file system's clock as the write
before it (1-2 s on some file systems): as git's "racily clean" entries, a stat is kept only
for a file last changed RACY_NS or more before it was taken; a newer one is hashed every time.
"""

from __future__ import annotations

import stat
import time
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

        def last_summary(self) -> tuple[FilesKey, CatalogSummary] | None:
            """The summary kept last (by this code) and the key it was kept with."""

        def keep_summary(self, key: FilesKey, summary: CatalogSummary) -> None: ...


# What a stat says of a trainer file: (size, mtime_ns, ctime_ns, inode, device).
Signature = tuple[int, int, int, int, int]
# One key per trainer file: (kind, path, shown name, SHA-256 of the bytes or why unreadable,
# the file's signature when its hash was taken, if that may stand for the hash: see above).
# The first four say which files the summary was made of; the signature only saves hashing.
FileKey = tuple[str, str, str, str, Signature | None]
FilesKey = tuple[FileKey, ...]

# A stat is trusted for a file last changed at least this long before it was taken: more than
# the coarsest file system clock's tick (2 s: FAT) and the kernel's lag behind time.time_ns.
RACY_NS = 3_000_000_000
now_ns = time.time_ns  # the clock the change times are compared with (tests move it)

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


def files_key(
    scenario_dirs: Iterable[Path], rubric_dirs: Iterable[Path], known: FilesKey = ()
) -> FilesKey:
    """What the catalog is made from: every file load_catalog reads, as it reads it. A file
    whose stat is the trusted signature `known` (a key made before) holds for it is not read."""
    hashed = {path: (sig, digest) for _k, path, _s, digest, sig in known if sig is not None}
    now = now_ns()  # before any stat: a change after it gets a later change time
    key: list[FileKey] = []
    for path, kind in trainer_files(scenario_dirs, rubric_dirs):
        name = str(path)
        sig = signature(path)
        kept = hashed.get(name)
        if sig is not None and kept is not None and kept[0] == sig:
            digest = kept[1]
        else:
            digest = file_digest(path)
            if sig is not None and max(sig[1], sig[2]) > now - RACY_NS:
                sig = None  # changed too recently: another change may leave the same stat
        key.append((kind or "", name, display_path(path), digest, sig))
    return tuple(key)


def signature(path: Path) -> Signature | None:
    """The stat of a regular file (through a link: its target is what is read); else None."""
    try:
        info = path.stat()
    except OSError:  # gone, a dangling link: hashed, so its problem is said
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def same_files(a: FilesKey, b: FilesKey) -> bool:
    """The same files with the same bytes (signatures aside)."""
    return len(a) == len(b) and all(x[:4] == y[:4] for x, y in zip(a, b, strict=True))


def load_summary(
    scenario_dirs: list[Path],
    rubric_dirs: list[Path],
    parsed: ParsedFiles | None,
    kept: Summaries | None,
) -> CatalogSummary:
    """The summary of the files as they are now: kept from an earlier command when every
    file is as it was, else made from a full load (which then keeps it)."""
    last = kept.last_summary() if kept is not None else None
    if kept is not None:
        key = files_key(scenario_dirs, rubric_dirs, last[0] if last is not None else ())
        if last is not None and same_files(key, last[0]):
            if key != last[0]:  # the same files, newly trusted stats: no hashing next time
                kept.keep_summary(key, last[1])
            return last[1]
    from roleplay.services.catalog import load_catalog

    made = summarise(load_catalog(scenario_dirs, rubric_dirs, parsed=parsed))
    # Kept only when no file changed while it was loaded: never facts under another key.
    if kept is not None and same_files(files_key(scenario_dirs, rubric_dirs, key), key):
        kept.keep_summary(key, made)
    return made
