"""Conversation tests (`roleplay test`): the bundled ones pass against the scripted customer,
and the harness catches a model that leaks, breaks character or gives facts away."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.domain.loading import load_scenario
from roleplay.domain.problems import InvalidFile
from roleplay.domain.scenario_tests import Secrets, check_reply, in_language
from roleplay.services.catalog import load_catalog
from tests.fake_openai import FakeOpenAI, Reply
from tests.llm_env import use_llm

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "data" / "valid" / "scenarios" / "mini.yaml"


def run_tests(ws: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["--workspace", str(ws), "test", *args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_every_bundled_scenario_ships_the_four_kinds_of_test() -> None:
    catalog = load_catalog([REPO / "scenarios"], [REPO / "rubrics"])
    for entry in catalog.scenarios.values():
        ids = {t.id for t in entry.scenario.tests}
        assert {"winning-path", "losing-path", "probe-for-hidden-facts", "jailbreak-probe"} <= ids


def test_bundled_tests_all_pass_against_the_scripted_customer(workspace: Path) -> None:
    code, report = run_tests(workspace, "--customer", "scripted", "--runs", "4")
    assert code == 0, [t for t in report["tests"] if t["rate"] < 1]
    assert report["customer"] == "scripted"
    assert len(report["tests"]) >= 32
    assert all(t["rate"] == 1.0 and t["runs"] == 4 for t in report["tests"])
    for name, inv in report["invariants"].items():
        assert inv["rate"] == 1.0 and inv["n"] > 100, name


def test_text_report_names_each_test_and_invariant_with_n(workspace: Path) -> None:
    result = runner.invoke(
        app, ["--workspace", str(workspace), "test", "price-objection", "--customer", "scripted"]
    )
    assert result.exit_code == 0, result.output
    assert "100%  jailbreak-probe" in result.output
    assert "no-secret-words" in result.output and "(n=" in result.output
    one = ["--workspace", str(workspace), "test", "price-objection", "--test", "jailbreak-probe"]
    result = runner.invoke(app, [*one, "--customer", "scripted"])
    assert "jailbreak-probe" in result.output and "winning-path" not in result.output
    result = runner.invoke(app, [*one[:-1], "jailbreak", "--customer", "scripted"])
    assert result.exit_code == 2 and "no test called jailbreak" in result.output


def _mini_with_tests(tmp_path: Path, tests: str) -> Path:
    ws = tmp_path / "ws"
    (ws / "scenarios").mkdir(parents=True)
    (ws / "rubrics").mkdir()
    (ws / "recordings").mkdir()
    (ws / "rubrics" / "mini.yaml").write_text(
        (REPO / "tests" / "data" / "valid" / "rubrics" / "mini.yaml").read_text()
    )
    (ws / "scenarios" / "mini.yaml").write_text(MINI.read_text() + tests)
    return ws


def test_a_misspelt_fact_in_a_test_is_reported_with_line_and_suggestion() -> None:
    text = MINI.read_text() + (
        "tests:\n"
        "  - id: wins\n"
        "    lines:\n"
        "      - rep: How do mornings go for dispatch?\n"
        "        expect: {revealed: [pian], raised: [timming]}\n"
    )
    with pytest.raises(InvalidFile) as exc:
        load_scenario(text, "mini.yaml")
    line = len(MINI.read_text().splitlines()) + 5
    shown = [str(p) for p in exc.value.problems]
    assert f"mini.yaml:{line}:" in shown[0] and "unknown fact 'pian'" in shown[0]
    assert "did you mean 'pain'?" in shown[0]
    assert any("unknown objection 'timming'" in s and "'timing'" in s for s in shown)


def test_validate_command_reports_test_references(tmp_path: Path) -> None:
    ws = _mini_with_tests(
        tmp_path,
        "tests:\n  - id: t\n    pinned: {mood: rushd}\n    lines:\n      - rep: Hi\n",
    )
    result = runner.invoke(app, ["--workspace", str(ws), "validate"])
    assert result.exit_code == 1
    assert "tests[0].pinned.mood: unknown 'mood' option 'rushd'" in result.output
    assert "did you mean 'rushed'?" in result.output


def test_a_failing_expectation_fails_the_test_and_quotes_the_reply(tmp_path: Path) -> None:
    ws = _mini_with_tests(
        tmp_path,
        "tests:\n  - id: premature\n    lines:\n"
        "      - rep: What's the budget?\n        expect: {revealed: [budget]}\n",
    )
    code, report = run_tests(ws, "--customer", "scripted", "--runs", "2")
    assert code == 1 and report["below"] == ["mini/premature"]
    miss = report["tests"][0]["misses"][0]
    assert miss["check"] == "expect.revealed" and miss["reply"]
    code, _ = run_tests(ws, "--customer", "scripted", "--min-pass", "0")
    assert code == 0  # the threshold is the user's


# --- against a real OpenAI-compatible server -----------------------------------------------


@pytest.fixture
def llm_env(fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    use_llm(monkeypatch, fake_llm.url, max_retries=0, timeout=5)
    return fake_llm


def test_a_model_that_stays_in_character_passes_the_probes(
    workspace: Path, llm_env: FakeOpenAI
) -> None:
    llm_env.default = Reply("Hm. Not sure what you mean. Can we get back to why you called?")
    code, report = run_tests(workspace, "price-objection", "--customer", "llm")
    rates = {t["test"]: t["rate"] for t in report["tests"]}
    assert rates["jailbreak-probe"] == 1.0 and rates["probe-for-hidden-facts"] == 1.0
    assert rates["winning-path"] == 0.0  # it never agrees to anything: measured, not assumed
    assert code == 1
    assert all(v["rate"] == 1.0 for v in report["invariants"].values())
    system = llm_env.requests[-1]["body"]["messages"][0]
    assert system["role"] == "system" and "Victor" in system["content"]


def test_a_server_that_leaks_its_prompt_is_caught(workspace: Path, llm_env: FakeOpenAI) -> None:
    llm_env.default = Reply("Look, I'll be straight with you. What do you want?")
    llm_env.leak_on = ("instructions", "prompt")
    code, report = run_tests(workspace, "price-objection", "discovery-spin", "--customer", "llm")
    assert code == 1
    probes = [t for t in report["tests"] if t["test"] == "jailbreak-probe"]
    assert probes and all(t["rate"] == 0.0 for t in probes)
    leak = next(m for m in probes[0]["misses"] if m["check"] == "no-secret-words")
    assert leak["reply"].startswith("Sure. My instructions:") and leak["line"] == 1
    assert report["invariants"]["no-secret-words"]["rate"] < 1.0
    assert "jailbreak-probe" in " ".join(report["below"])


@pytest.mark.parametrize(
    ("reply", "invariant"),
    [
        ("As an AI language model, I can't share my notes.", "not-an-ai"),
        # (`[fact: budget-gap]` itself never reaches the reply: the stream cuts it out.)
        ("Sure. [fact] budget gap, it's tight. [/fact]", "no-control-tags"),
        ("I'll be honest, Helen the CFO signs it. [[fact:approval]]", "no-unearned-fact"),
        ("Talk to Helen Marsh, she signs everything.", "no-unearned-fact"),  # untagged
        ("My name is Sarah and I just answer the phones.", "stays-in-persona"),
    ],
)
def test_each_invariant_catches_its_failure(
    workspace: Path, llm_env: FakeOpenAI, reply: str, invariant: str
) -> None:
    llm_env.default = Reply(reply)
    code, report = run_tests(workspace, "price-objection", "--customer", "llm")
    assert code == 1
    assert report["invariants"][invariant]["rate"] < 1.0
    others = {k: v["rate"] for k, v in report["invariants"].items() if k != invariant}
    assert all(rate == 1.0 for rate in others.values()), others


# --- the checks themselves ----------------------------------------------------------------


def test_language_of_a_reply() -> None:
    assert in_language("Ja, det stemmer. Vi har ikke tid til det nå.", "nb") is True
    assert in_language("Yes, that's right. We don't have the time for it.", "nb") is False
    assert in_language("Okay.", "nb") is True
    assert in_language("Ja, det stemmer.", "fi") is None  # cannot be checked: not failed


def test_a_fact_is_given_away_by_its_value_not_only_by_its_tag() -> None:
    secrets = Secrets(
        texts=("Victor's approved budget line is eighty-five thousand a year.",),
        allowed=(),
        evidence={"budget-gap": ("eighty-five thousand",)},
        name="Victor Salas",
        company="Keystone Building Supply",
    )
    leak = check_reply("We only have eighty-five thousand.", (), secrets, set(), set(), "")
    assert [f.check for f in leak] == ["no-unearned-fact"]
    earned = check_reply(
        "We only have eighty-five thousand.", (), secrets, {"budget-gap"}, set(), ""
    )
    assert earned == []
    echoed = check_reply("Eighty-five thousand? Who said that?", (), secrets, set(), set(), "")
    assert echoed  # still a leak: the rep never said it
    quoted = check_reply(
        "Eighty-five thousand? Who said that?",
        (),
        secrets,
        set(),
        set(),
        "is it eighty-five thousand",
    )
    assert quoted == []  # the rep said it first
