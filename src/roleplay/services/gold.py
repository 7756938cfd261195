"""Measure a judge on gold calls: per criterion agreement with the trainers' levels, and across
calls whether it ranks strong > mixed > poor, what a paraphrase costs and what gaming gains.

Gold calls live in `gold/<scenario>/<name>.yaml` (see domain/gold.py). Every call is scored by
the judge under test exactly as a practice session would be.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from roleplay.domain.encoding import NotText, decode_text
from roleplay.domain.gold import RANKED, GoldCall, load_gold
from roleplay.domain.problems import InvalidFile
from roleplay.domain.rubric import Rubric
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import FileRef, SessionRecord, Transcript, VariationRecord
from roleplay.domain.transcript_file import TranscriptFileError, parse
from roleplay.services.calibration import RELIABLE_PAIRS, Agreement, agreement
from roleplay.services.catalog import Catalog
from roleplay.services.ports import Judge, JudgeUnavailable


@dataclass(frozen=True)
class GoldEntry:
    name: str  # scenario/file-stem
    call: GoldCall
    rubric: Rubric
    transcript: Transcript


@dataclass
class GoldSet:
    entries: list[GoldEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files that could not be used


def load_gold_set(folder: Path, catalog: Catalog) -> GoldSet:
    """Every gold call under `folder`; a bad file is reported and the rest still load."""
    found = GoldSet()
    for file in sorted(folder.glob("*/*.yaml")):
        try:  # as an outside transcript is read: UTF-8 or a marked UTF-16/32, never guessed
            call, _ = load_gold(decode_text(file.read_bytes()), str(file))
        except InvalidFile as exc:
            found.problems.append(str(exc))
            continue
        except NotText as exc:
            found.problems.append(f"{file}: {exc}")
            continue
        except OSError as exc:
            found.problems.append(f"{file}: cannot be read ({exc.strerror or exc})")
            continue
        entry = catalog.scenarios.get(call.scenario)
        if entry is None:
            found.problems.append(f"{file}: scenario '{call.scenario}' is not in the workspace")
            continue
        rubric_file = catalog.rubrics.get(entry.scenario.rubric)
        if rubric_file is None:
            found.problems.append(f"{file}: rubric '{entry.scenario.rubric}' is missing")
            continue
        rubric = rubric_file.rubric
        unknown = sorted(set(call.levels) - {c.id for c in rubric.criteria})
        if unknown:
            found.problems.append(
                f"{file}: levels name criteria not in rubric '{rubric.id}': {', '.join(unknown)}"
            )
            continue
        try:
            turns = parse(call.transcript, call.rep, file=str(file)).turns
        except TranscriptFileError as exc:
            found.problems.append(str(exc))
            continue
        name = f"{file.parent.name}/{file.stem}"
        record = SessionRecord(
            id=f"gold-{file.parent.name}-{file.stem}",
            scenario=FileRef(id=call.scenario, version=1, sha256="gold"),
            rubric=FileRef(id=rubric.id, version=rubric.version, sha256="gold"),
            variation=VariationRecord(seed=0),
            language=rubric.language,
            rep=call.rep,
            mode="transcript",
            started_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        transcript = Transcript(record=record, turns=turns)
        found.entries.append(GoldEntry(name, call, rubric, transcript))
    return found


@dataclass(frozen=True)
class CallResult:
    name: str
    kind: str
    base: str | None
    gold_overall: float
    judge_overall: float | None
    levels: dict[str, tuple[int, int | None]]  # criterion -> (gold, judge)


@dataclass(frozen=True)
class GoldReport:
    judge: str
    calls: list[CallResult]
    criteria: list[Agreement]
    ranking: tuple[int, int]  # (ordered as the trainers did, pairs compared)
    paraphrase_drop: dict[str, float]  # call -> judge overall of base minus the paraphrase
    gaming_gain: dict[str, float]  # gamed/instructed call -> judge overall minus its base
    problems: list[str]
    failed: int = 0  # calls the judge gave no usable answer for

    @property
    def pairs(self) -> int:
        return sum(a.pairs for a in self.criteria)

    @property
    def reliable(self) -> bool:
        return all(a.pairs >= RELIABLE_PAIRS for a in self.criteria)

    def to_json(self) -> dict[str, Any]:
        done, total = self.ranking
        return {
            "judge": self.judge,
            "reliable": self.reliable,
            "pairs": self.pairs,
            "criteria": [a.to_json() for a in self.criteria],
            "ranking": {"ordered": done, "pairs": total, "accuracy": _share(done, total)},
            "paraphrase_drop": self.paraphrase_drop,
            "gaming_gain": self.gaming_gain,
            "calls": [
                {
                    "call": c.name,
                    "kind": c.kind,
                    "base": c.base,
                    "gold_overall": c.gold_overall,
                    "judge_overall": c.judge_overall,
                    "levels": {k: {"gold": g, "judge": j} for k, (g, j) in c.levels.items()},
                }
                for c in self.calls
            ],
            "failed": self.failed,
            "problems": self.problems,
        }


def _share(done: int, total: int) -> float | None:
    return round(done / total, 3) if total else None


def gold_overall(call: GoldCall, rubric: Rubric) -> float:
    scored = [(c.weight, call.levels[c.id].level) for c in rubric.criteria if c.id in call.levels]
    total = sum(w for w, _ in scored)
    return round(sum(w * lvl for w, lvl in scored) / total, 2) if total else 0.0


def evaluate(
    gold: GoldSet,
    judge: Judge,
    progress: Callable[[str], None] | None = None,
) -> GoldReport:
    """Score every gold call with `judge` and compare with the trainers' levels."""
    calls: list[CallResult] = []
    pairs: dict[str, list[tuple[int, int]]] = {}
    problems = list(gold.problems)
    failed = 0
    for entry in gold.entries:
        if progress is not None:
            progress(entry.name)
        try:
            card: Scorecard = judge.score(entry.rubric, entry.transcript)
        except JudgeUnavailable as exc:
            # One failed call is a finding about the judge, not the end of the measurement.
            problems.append(f"{entry.name}: the judge gave no usable answer ({exc})")
            failed += 1
            continue
        levels: dict[str, tuple[int, int | None]] = {}
        for cid, want in entry.call.levels.items():
            got = card.criterion(cid).level
            levels[cid] = (want.level, got)
            if got is not None:
                pairs.setdefault(cid, []).append((want.level, got))
        calls.append(
            CallResult(
                entry.name,
                entry.call.kind,
                entry.call.base,
                gold_overall(entry.call, entry.rubric),
                card.overall,
                levels,
            )
        )
    return GoldReport(
        judge=judge.name,
        calls=calls,
        criteria=[agreement(cid, p) for cid, p in sorted(pairs.items())],
        ranking=_ranking(calls),
        paraphrase_drop=_differences(calls, "paraphrased", sign=-1),
        gaming_gain={
            **_differences(calls, "gamed", sign=1),
            **_differences(calls, "instructed", sign=1),
        },
        problems=problems,
        failed=failed,
    )


def _ranking(calls: list[CallResult]) -> tuple[int, int]:
    """Pairs of ranked calls (strong, mixed, poor) of one scenario with different gold overall
    levels, and how many of them the judge put in the same order (a tie is not an order)."""
    by_scenario: dict[str, list[CallResult]] = {}
    for c in calls:
        if c.kind in RANKED:
            by_scenario.setdefault(c.name.split("/")[0], []).append(c)
    done = total = 0
    for group in by_scenario.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.gold_overall == b.gold_overall:
                    continue
                total += 1
                if a.judge_overall is None or b.judge_overall is None:
                    continue
                high, low = (a, b) if a.gold_overall > b.gold_overall else (b, a)
                done += (high.judge_overall or 0) > (low.judge_overall or 0)
    return done, total


def _differences(calls: list[CallResult], kind: str, sign: int) -> dict[str, float]:
    """Judge overall of each `kind` call minus its base's (times `sign`)."""
    by_name = {c.name: c for c in calls}
    out: dict[str, float] = {}
    for c in calls:
        if c.kind != kind or not c.base:
            continue
        base = by_name.get(f"{c.name.split('/')[0]}/{c.base}")
        if base is None or base.judge_overall is None or c.judge_overall is None:
            continue
        out[c.name] = round(sign * (c.judge_overall - base.judge_overall), 2)
    return out


def worst(values: dict[str, float]) -> float | None:
    return max(values.values()) if values else None


def mean(values: dict[str, float]) -> float | None:
    return round(statistics.fmean(values.values()), 2) if values else None
