"""The LLM judge measured on gold calls against a real third-party server: llama.cpp serving
SmolLM2-135M. The model is tiny and its figures are poor; this asserts that the measurement
runs end to end (every call judged or its failure named), not that the model judges well."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests import llama_server
from tests.cli_helpers import invoke
from tests.llm_env import use_llm

pytestmark = llama_server.needed
REPO = Path(__file__).resolve().parents[1]


def test_calibrate_runs_the_llm_judge_on_gold_calls(
    llama: llama_server.LlamaServer, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gold = workspace / "gold" / "cold-call-gatekeeper"
    gold.mkdir(parents=True)
    # One call: on a busy 2-core CI machine each takes minutes with this model; the protocol
    # and the reporting are the same for one call as for the set (the bench runs the set).
    shutil.copy(REPO / "gold" / "cold-call-gatekeeper" / "poor.yaml", gold)
    # A busy 2-core machine evaluates a 2,500-token prompt in minutes, not seconds.
    use_llm(monkeypatch, llama.url, "smollm2", timeout=1200, max_retries=0)
    result = invoke(workspace, "calibrate", "--judge", "llm", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["judge"] == "llm:smollm2"
    # Every call was either judged (all its criteria compared) or named as failed.
    assert len(report["calls"]) + report["failed"] == 1
    failures = [p for p in report["problems"] if "no usable answer" in p]
    assert len(failures) == report["failed"]
    for call in report["calls"]:
        assert set(call["levels"]) == {"opening", "open-questions", "next-steps"}
        assert all(1 <= v["judge"] <= 5 for v in call["levels"].values())
    print(json.dumps({k: report[k] for k in ("criteria", "ranking", "failed")}, indent=1))
