"""Drills made from a scored real call, written into the workspace's scenarios folder.

The file is the trainer's from then on: plain YAML, validated the way `roleplay validate`
does before it is kept (a file that would not load is removed again and its problems raised;
only a file this run created is ever removed). A drill file that is already there (the trainer
may have edited it) is never overwritten unasked: making is refused, naming the file; with
`force` it is replaced atomically and the old one kept beside it as NAME.yaml.bak (and put
back if the new one does not validate),
so the drill joins every rep's options for its skill, and the queue prefers drills made from
real calls when that skill comes up (domain/queue.py).
"""

from __future__ import annotations

import itertools
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from roleplay.atomic import write_atomic
from roleplay.domain.call_drill import (
    Moment,
    drill_scenario,
    legacy_drill_id,
    weakest_moments,
)
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import Transcript
from roleplay.services.catalog import Catalog, load_catalog
from roleplay.services.ports import SessionStore


class CallDrillError(ValueError):
    """The drill cannot be made; the message says why and what to do."""


class DrillFilesExist(CallDrillError):
    """Drills from this call were made before and `force` was not given. `paths` are the
    files left alone, so each interface can say what to do in its own terms (the CLI names
    --force; the app offers to replace them, with the old files kept as .bak)."""

    def __init__(self, message: str, paths: list[Path]) -> None:
        super().__init__(message)
        self.paths = paths


@dataclass(frozen=True)
class MadeDrill:
    path: Path
    scenario: str
    drill: str
    skill: str
    moment: Moment
    replaced: Path | None = None  # with force: where the file that was there is kept

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
    force: bool = False,
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
    docs = [drill_scenario(m, t, rubric_file.rubric, day, base_doc) for m in moments]
    chosen: set[str] = set()
    for moment, doc in zip(moments, docs, strict=True):
        doc["id"] = _free_id(doc["id"], t, moment, catalog, scenarios_dir, chosen)
        chosen.add(doc["id"])
    paths = [scenarios_dir / f"{doc['id']}.yaml" for doc in docs]
    there = [p for p in paths if p.exists() or p.is_symlink()]
    if there and not force:
        raise DrillFilesExist(
            "drills from this call were made before; roleplay leaves the file(s) alone "
            "(a trainer may have edited them):\n"
            + "\n".join(f"  {p}" for p in there)
            + "\nPractise the drill as it is, move the file away, or make it again with "
            "--force (the old file is kept as NAME.yaml.bak).",
            there,
        )
    made: list[MadeDrill] = []
    for moment, doc, path in zip(moments, docs, paths, strict=True):
        text = _header(t) + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
        backup: Path | None = None
        if path in there:
            backup = _replace(path, text)
        else:
            _create(path, text)
        check = load_catalog([scenarios_dir], [rubrics_dir])  # as `roleplay validate` does
        loaded = check.scenarios.get(doc["id"])
        if loaded is None or loaded.path.resolve() != path.resolve():
            found = check.broken.get(path) or [p for p in check.problems if path.name in p.file]
            problems = "\n".join(str(p) for p in found) or "another scenario has its id"
            if backup is None:
                path.unlink(missing_ok=True)  # the file this run created, and only that
                kept = ""
            else:
                write_atomic(path, backup.read_bytes())  # the trainer's file, put back
                kept = f"\n{path} is as it was (its copy: {backup})"
            raise CallDrillError(
                f"the drill made from {t.record.id} does not validate:\n{problems}{kept}"
            )
        made.append(
            MadeDrill(path, doc["id"], doc["drills"][0]["id"], moment.skill, moment, backup)
        )
    return made


def _free_id(
    wanted: str,
    t: Transcript,
    moment: Moment,
    catalog: Catalog,
    scenarios_dir: Path,
    chosen: set[str],
) -> str:
    """The id for the drill on `moment`: `wanted` (the call's file name and the skill), or
    that id numbered ("-2", "-3"...) when another call's drill, a trainer's scenario or
    another moment of this call has it; the id of the file made from this very moment
    before, so that it is found again (refused without --force, replaced with it), whether
    made under `wanted` or under the session-id name drills had before it."""
    legacy = legacy_drill_id(t, moment)
    if (scenarios_dir / f"{legacy}.yaml").exists():
        return legacy
    for n in itertools.count(1):
        candidate = wanted if n == 1 else f"{wanted}-{n}"
        path = scenarios_dir / f"{candidate}.yaml"
        if candidate in chosen:
            continue
        if path.exists() or path.is_symlink():
            if _made_from(path, t):
                return candidate
            continue
        entry = catalog.scenarios.get(candidate)
        if entry is None or entry.path.resolve() == path.resolve():
            return candidate
    raise AssertionError("unreachable")  # itertools.count never ends


def made_before(scenarios_dir: Path, t: Transcript) -> list[Path]:
    """The drill files made from the call `t` that are in `scenarios_dir` (the ids drills have
    had, `from-call-*`), so a listing of its moments can say they exist instead of offering
    to make them again (`--make` is then refused, naming them)."""
    return sorted(p for p in scenarios_dir.glob("from-call-*.yaml") if _made_from(p, t))


def _made_from(path: Path, t: Transcript) -> bool:
    """Was the drill file at `path` made from the call `t`? Its header and notes name the
    session (a trainer's edits usually keep one of them)."""
    try:
        return t.record.id in path.read_text("utf-8", errors="replace")
    except OSError:
        return False


def _create(path: Path, text: str) -> None:
    """Write a new file atomically, never over one that is there: the content goes to a
    temporary file that is then linked under `path` (which fails if `path` appeared
    meanwhile). Raises CallDrillError naming the file when it is there."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o644)  # a scenario the whole team reads, like one by hand
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise CallDrillError(
                f"{path} appeared while the drill was made; roleplay leaves it alone"
            ) from None
        except OSError:  # a file system without hard links: rename, after a last look
            if path.exists() or path.is_symlink():
                raise CallDrillError(
                    f"{path} appeared while the drill was made; roleplay leaves it alone"
                ) from None
            Path(tmp).replace(path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _replace(path: Path, text: str) -> Path:
    """--force: keep the old file as NAME.yaml.bak (NAME.yaml.bak2... when that is taken: a
    copy is never written over), then replace it atomically. Returns the copy's path."""
    backup = path.with_name(path.name + ".bak")
    n = 1
    while backup.exists() or backup.is_symlink():  # an earlier copy may hold the trainer's edits
        n += 1
        backup = path.with_name(f"{path.name}.bak{n}")
    mode = path.stat().st_mode & 0o777
    write_atomic(backup, path.read_bytes())
    write_atomic(path, text)
    path.chmod(mode)  # the trainer's file keeps who may read it
    return backup


def _header(t: Transcript) -> str:
    return (
        f"# A drill made from the real call {t.record.id} ({t.record.rep}).\n"
        "# Edit it like any scenario; `roleplay validate` checks it.\n"
    )
