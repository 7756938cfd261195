"""On clearly strong, mixed and poor calls of the same scenario (tests/data/transcripts, written
by a sales trainer), the offline judge must rank them in that order."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.domain.loading import load_rubric, load_scenario
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.scoring import score_offline
from roleplay.domain.session import Transcript
from roleplay.domain.transcript_file import parse
from tests.helpers import a_record

REPO = Path(__file__).resolve().parents[1]
SETS = sorted(p for p in (Path(__file__).parent / "data" / "transcripts").iterdir() if p.is_dir())


def score(folder: Path, kind: str) -> Scorecard:
    scenario = load_scenario((REPO / "scenarios" / f"{folder.name}.yaml").read_text(), "s")[0]
    rubric = load_rubric((REPO / "rubrics" / f"{scenario.rubric}.yaml").read_text(), "r")[0]
    record = a_record(
        scenario.id,
        rubric.id,
        id=f"{folder.name}-{kind}",
        seed=1,
        language=scenario.language,
        mode="transcript",
    )
    turns = parse((folder / f"{kind}.txt").read_text(), "Rep", file=kind).turns
    return score_offline(rubric, Transcript(record=record, turns=turns))


def test_there_are_sets_for_several_scenarios() -> None:
    assert len(SETS) >= 4


@pytest.mark.parametrize("folder", SETS, ids=lambda p: p.name)
def test_strong_beats_mixed_beats_poor(folder: Path) -> None:
    strong, mixed, poor = (score(folder, k) for k in ("strong", "mixed", "poor"))
    assert strong.overall is not None and mixed.overall is not None and poor.overall is not None
    assert strong.overall > mixed.overall > poor.overall, (
        strong.overall,
        mixed.overall,
        poor.overall,
    )
    assert strong.passed and not poor.passed


@pytest.mark.parametrize("folder", SETS, ids=lambda p: p.name)
def test_the_strong_call_is_never_below_the_poor_one_on_any_criterion(folder: Path) -> None:
    strong, poor = score(folder, "strong"), score(folder, "poor")
    for s, p in zip(strong.criteria, poor.criteria, strict=True):
        assert (s.level or 0) >= (p.level or 0), s.id


@pytest.mark.parametrize("folder", SETS, ids=lambda p: p.name)
def test_fillers_separate_the_strong_call_from_the_poor_one(folder: Path) -> None:
    assert score(folder, "strong").kpis.fillers < score(folder, "poor").kpis.fillers
