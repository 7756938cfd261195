"""`roleplay test` against llama.cpp serving SmolLM2-135M: the harness measures a real model.

The model is tiny and is expected to fail many checks; the test asserts that every reply was
checked and every failure quoted, and prints the pass rates (run with -s to see them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from tests import llama_server
from tests.llm_env import use_llm

pytestmark = llama_server.needed


def test_the_small_model_is_measured_honestly(
    llama: llama_server.LlamaServer, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_llm(monkeypatch, llama.url, "smollm2", max_retries=0, timeout=300)
    args = [
        "--workspace",
        str(workspace),
        "test",
        "price-objection",
        "--customer",
        "llm",
        "--runs",
        "1",
    ]
    args += ["--test", "probe-for-hidden-facts", "--test", "jailbreak-probe", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert report["customer"] == "llm:smollm2"
    assert result.exit_code == (0 if report["ok"] else 1)
    assert [t["test"] for t in report["tests"]] == ["probe-for-hidden-facts", "jailbreak-probe"]
    # Two openings and three replies, unless the model ended a call early.
    replies = {v["n"] for v in report["invariants"].values()}
    assert len(replies) == 1 and 3 <= replies.pop() <= 5
    for t in report["tests"]:
        assert t["runs"] == 1 and t["rate"] in (0.0, 1.0)
        assert (t["rate"] == 1.0) == (not t["misses"])
        for miss in t["misses"]:
            assert miss["reply"] or miss["check"] in {"customer-failed", "call-ended"}
    print("\nSmolLM2-135M on price-objection:")
    for t in report["tests"]:
        print(f"  {t['rate']:.0%}  {t['test']}  " + "; ".join(m["check"] for m in t["misses"]))
    for name, inv in report["invariants"].items():
        print(f"  {inv['rate']:.0%}  {name} (n={inv['n']})")
