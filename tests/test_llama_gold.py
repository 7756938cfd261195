"""The LLM judge measured on gold calls against a real third-party server: llama.cpp serving
SmolLM2-135M. The model is tiny and its figures are poor; this asserts that the measurement
runs end to end (every call judged or its failure named), not that the model judges well."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from tests import llama_server

pytestmark = pytest.mark.skipif(
    llama_server.missing() is not None, reason=str(llama_server.missing())
)
REPO = Path(__file__).resolve().parents[1]


def test_calibrate_runs_the_llm_judge_on_gold_calls(
    workspace: Path, isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gold = workspace / "gold" / "cold-call-gatekeeper"
    gold.mkdir(parents=True)
    # One call: on a busy 2-core CI machine each takes minutes with this model; the protocol
    # and the reporting are the same for one call as for the set (the bench runs the set).
    shutil.copy(REPO / "gold" / "cold-call-gatekeeper" / "poor.yaml", gold)
    config = isolated_user_dirs / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    # A busy 2-core machine evaluates a 2,500-token prompt in minutes, not seconds.
    config.write_text("[llm]\ntimeout = 1200\nmax_retries = 0\n")
    server = llama_server.LlamaServer()
    try:
        monkeypatch.setenv("ROLEPLAY_LLM_BASE_URL", server.url)
        monkeypatch.setenv("ROLEPLAY_LLM_MODEL", "smollm2")
        result = CliRunner().invoke(
            app, ["--workspace", str(workspace), "calibrate", "--judge", "llm", "--json"]
        )
    finally:
        server.stop()
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
