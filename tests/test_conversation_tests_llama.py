"""`roleplay test` against llama.cpp serving SmolLM2-135M: the harness measures a real model.

The model is tiny and is expected to fail many checks; the test asserts that every reply was
checked and every failure quoted, and prints the pass rates (run with -s to see them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.config import config_file
from tests import llama_server

pytestmark = pytest.mark.skipif(
    llama_server.missing() is not None, reason=str(llama_server.missing())
)


@pytest.fixture(scope="module")
def llama() -> Iterator[llama_server.LlamaServer]:
    server = llama_server.LlamaServer()
    yield server
    server.stop()


def test_the_small_model_is_measured_honestly(
    llama: llama_server.LlamaServer, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text("[llm]\nmax_retries = 0\ntimeout = 300\n")
    monkeypatch.setenv("ROLEPLAY_LLM_BASE_URL", llama.url)
    monkeypatch.setenv("ROLEPLAY_LLM_MODEL", "smollm2")
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
