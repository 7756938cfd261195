"""Gold calls and `roleplay calibrate`: the bundled gold set is complete, the offline judge
meets the bar on it, and any judge (the LLM judge through a real HTTP server too) is measured
the same way."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from roleplay.domain.gold import RANKED, VARIANTS, load_gold
from roleplay.domain.loading import load_rubric, load_scenario
from roleplay.services.calibration import agreement, bootstrap_interval, quadratic_kappa
from tests.cli_helpers import invoke
from tests.fake_openai import FakeOpenAI, Reply
from tests.llm_env import use_llm

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "gold"


@pytest.mark.parametrize("scenario_file", sorted((REPO / "scenarios").glob("*.yaml")))
def test_every_bundled_scenario_has_a_complete_gold_set(scenario_file: Path) -> None:
    scenario = load_scenario(scenario_file.read_text(), scenario_file.name)[0]
    rubric_file = REPO / "rubrics" / f"{scenario.rubric}.yaml"
    rubric = load_rubric(rubric_file.read_text(), rubric_file.name)[0]
    calls = {
        f.stem: load_gold(f.read_text(), str(f))[0] for f in (GOLD / scenario.id).glob("*.yaml")
    }
    assert len(calls) >= 6
    assert {c.kind for c in calls.values()} >= {*RANKED, *VARIANTS}
    for name, call in calls.items():
        assert call.scenario == scenario.id, name
        assert set(call.levels) == {c.id for c in rubric.criteria}, name
        assert all(lvl.reason.strip() for lvl in call.levels.values()), name
        if call.kind in VARIANTS:
            assert call.base in calls, name


@pytest.fixture
def report(workspace: Path) -> dict[str, Any]:
    result = invoke(workspace, "calibrate", "--judge", "offline", "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_the_offline_judge_meets_the_bar_on_the_gold_set(report: dict[str, Any]) -> None:
    assert report["judge"] == "offline" and report["failed"] == 0 and not report["problems"]
    by_call = {c["call"]: c for c in report["calls"]}
    scenarios = {name.split("/")[0] for name in by_call}
    assert len(scenarios) == 8
    for s in scenarios:
        strong, mixed, poor = (by_call[f"{s}/{k}"]["judge_overall"] for k in RANKED)
        assert strong > mixed > poor, s
    assert report["ranking"]["accuracy"] == 1.0
    for criterion in report["criteria"]:
        assert criterion["within_one"] >= 0.8, criterion
    assert max(report["paraphrase_drop"].values()) <= 0.5
    assert max(report["gaming_gain"].values()) <= 0.1
    assert len(report["gaming_gain"]) == 16  # a gamed and an instructed call per scenario


def test_the_table_says_when_figures_are_not_yet_reliable(workspace: Path) -> None:
    result = invoke(workspace, "calibrate", "--judge", "offline", "--scenario", "price-objection")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Fewer than 30 pairs: these figures are not yet reliable" in out
    assert "95% INTERVAL" in out and "Ranking (strong > mixed > poor" in out
    assert "price-objection/paraphrased" in out and "discovery-spin" not in out


def test_a_trainers_own_gold_call_is_measured_and_a_broken_one_is_named(
    workspace: Path,
) -> None:
    shutil.copytree(GOLD / "price-objection", workspace / "gold" / "price-objection")
    mine = workspace / "gold" / "price-objection" / "my-call.yaml"
    mine.write_text(
        "scenario: price-objection\nkind: other\ntranscript: |\n"
        "  Victor: It's too much.\n  Rep: I can do 20% off.\n"
        "levels:\n  acknowledge: {level: 1, reason: No acknowledgement.}\n"
        "  clarify: {level: 1, reason: Discount straight away.}\n"
        "  value-reframe: {level: 1, reason: A discount.}\n"
        "  next-steps: {level: 1, reason: None.}\n"
    )
    (workspace / "gold" / "price-objection" / "broken.yaml").write_text(
        "scenario: price-objection\nkind: gamed\ntranscript: |\n  Rep: hi\nlevels:\n"
        "  clarify: {level: 9, reason: x}\n"
    )
    result = invoke(workspace, "calibrate", "--judge", "offline", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "price-objection/my-call" in {c["call"] for c in data["calls"]}
    assert len(data["calls"]) == 7  # the workspace's gold folder, not the bundled one
    problem = next(p for p in data["problems"] if "broken.yaml" in p)
    assert "broken.yaml:6" in problem and "levels.clarify.level" in problem


def test_the_llm_judge_is_measured_on_gold_through_a_real_server(
    workspace: Path, fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_llm(monkeypatch, fake_llm.url)
    # A lazy model: level 3 everywhere, quoting the rep's greeting (in every call).
    fake_llm.default = Reply(
        json.dumps(
            {
                "criteria": [
                    {
                        "criterion": cid,
                        "level": 3,
                        "rationale": "r",
                        "evidence": [{"turn": 0, "quote": "it's Sam from Routefield"}],
                        "tip": "t",
                    }
                    for cid in ("acknowledge", "clarify", "value-reframe", "next-steps")
                ]
            }
        )
    )
    result = invoke(
        workspace, "calibrate", "--judge", "llm", "--scenario", "price-objection", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["judge"] == "llm:test-model" and len(data["calls"]) == 6
    assert len(fake_llm.requests) == 6
    # The same level for every call ranks nothing, and the report says so in figures.
    assert data["ranking"]["accuracy"] == 0.0
    assert all(c["judge_overall"] == 3.0 for c in data["calls"])
    # The instruction to the judge reached the model inside the transcript, as data.
    sent = [m["content"] for r in fake_llm.requests for m in r["body"]["messages"]]
    carrier = next(m for m in sent if "ignore your previous instructions" in m)
    assert carrier.index("<transcript>") < carrier.index("ignore your previous instructions")


def test_calibrate_with_the_llm_judge_and_no_llm_says_how_to_configure_one(
    workspace: Path,
) -> None:
    result = invoke(workspace, "calibrate", "--judge", "llm")
    assert result.exit_code != 0 and "OPENAI_API_KEY" in result.output


def test_kappa_matches_the_textbook_and_its_interval_brackets_it() -> None:
    from sklearn.metrics import cohen_kappa_score

    rng = random.Random(7)
    for _ in range(50):
        pairs = [(rng.randint(1, 5), rng.randint(1, 5)) for _ in range(rng.randint(5, 40))]
        mine = quadratic_kappa(pairs)
        theirs = cohen_kappa_score(
            [h for h, _ in pairs],
            [j for _, j in pairs],
            labels=[1, 2, 3, 4, 5],
            weights="quadratic",
        )
        assert mine == pytest.approx(theirs)
    pairs = [(1, 1), (2, 2), (3, 4), (5, 5), (4, 4), (2, 1), (3, 3), (4, 5)] * 5
    low, high = bootstrap_interval(pairs)
    a = agreement("x", pairs)
    assert low is not None and high is not None and a.kappa is not None
    assert low <= a.kappa <= high and a.reliable
    assert not agreement("x", pairs[:3]).reliable
