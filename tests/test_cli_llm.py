"""The CLI with an LLM configured: practice, failures mid-call, doctor, config precedence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.config import config_file, load_settings
from tests.fake_openai import FakeOpenAI, Reply
from tests.llm_env import use_llm

runner = CliRunner()
KEY = "sk-live-VERYSECRET-0987654321"


@pytest.fixture
def llm_env(fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    use_llm(monkeypatch, fake_llm.url, max_retries=0, timeout=3)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return fake_llm


def _all_files_text(ws: Path) -> str:
    return "".join(p.read_text() for p in (ws / "recordings").rglob("*") if p.is_file())


def test_practice_with_the_llm_customer(mini_workspace: Path, llm_env: FakeOpenAI) -> None:
    llm_env.queue(
        Reply("Honestly, mornings are chaos. We redo routes by hand. [[fact:pain]]"),
        Reply("Fine, send me an invite. [[end:win]]"),
    )
    result = runner.invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini"],
        input="How are your mornings?\nCan I send an invite for Tuesday?\n",
    )
    assert result.exit_code == 0, result.output
    assert "Offline mode" not in result.output
    assert "Dana: Honestly, mornings are chaos." in result.output
    assert "[[" not in result.output
    assert "The customer agreed to your next step." in result.output
    doc = json.loads(
        runner.invoke(app, ["--workspace", str(mini_workspace), "show", "last", "--json"]).stdout
    )
    customer_turns = [t for t in doc["turns"] if t["speaker"] == "customer"]
    assert {t["source"] for t in customer_turns} == {"llm:test-model"}
    assert customer_turns[1]["tags"] == ["fact:pain"]
    assert doc["session"]["settings"]["customer"] == "llm:test-model"
    assert KEY not in _all_files_text(mini_workspace)


def test_llm_failure_mid_call_continues_offline_and_keeps_everything(
    mini_workspace: Path, llm_env: FakeOpenAI
) -> None:
    llm_env.queue(Reply("Mornings? Chaos. [[fact:pain]]"), Reply(status=500, error="boom"))
    result = runner.invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--seed", "3"],
        input="How are your mornings?\nWhat budget do you have for this?\no\n/end\n",
    )
    assert result.exit_code == 0, result.output
    assert "failed (HTTP 500): boom" in result.output
    assert "Continuing with the offline scripted customer." in result.output
    assert "We have" in result.output  # the scripted customer reveals the budget
    doc = json.loads(
        runner.invoke(app, ["--workspace", str(mini_workspace), "show", "last", "--json"]).stdout
    )
    sources = [t["source"] for t in doc["turns"]]
    assert sources == ["llm:test-model", None, "llm:test-model", None, "scripted"]
    assert KEY not in result.output and KEY not in _all_files_text(mini_workspace)


def test_llm_failure_then_end_keeps_the_call(mini_workspace: Path, llm_env: FakeOpenAI) -> None:
    llm_env.default = Reply(status=503, error="overloaded")
    result = runner.invoke(
        app, ["--workspace", str(mini_workspace), "practice", "mini"], input="Hello?\nr\ne\n"
    )
    call_part = result.output.split("You ended the call.")[0]
    assert call_part.count("HTTP 503") == 2  # the retry failed too
    assert "You ended the call." in result.output
    # The LLM judge is down as well: the call is still scored, offline, and says so.
    assert "This scorecard is from the offline judge" in " ".join(result.output.split())
    doc = json.loads(
        runner.invoke(app, ["--workspace", str(mini_workspace), "show", "last", "--json"]).stdout
    )
    assert [t["text"] for t in doc["turns"]][-1] == "Hello?"


def test_doctor_offline_explains_how_to_connect() -> None:
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0
    assert "no LLM configured" in result.output and "OPENAI_API_KEY" in result.output


def test_doctor_with_a_working_server(llm_env: FakeOpenAI) -> None:
    llm_env.queue(Reply("ready"))
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "[ok  ] llm model: test-model answered" in result.output
    assert KEY not in result.output


def test_doctor_names_the_wrong_model_and_the_right_ones(
    llm_env: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_LLM_MODEL", "gpt-5")
    llm_env.models = ["llama3.2", "test-model"]
    result = runner.invoke(app, ["doctor", "--json"])
    assert result.exit_code == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["llm model"]["status"] == "problem"
    assert "'gpt-5'" in checks["llm model"]["detail"]
    assert "llama3.2, test-model" in checks["llm model"]["detail"]


def test_doctor_unreachable_server(monkeypatch: pytest.MonkeyPatch) -> None:
    use_llm(monkeypatch, "http://127.0.0.1:9/v1", model=None, max_retries=0, timeout=1)
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert (
        "[FAIL] llm server: Cannot reach the LLM server at http://127.0.0.1:9/v1" in result.output
    )


def test_doctor_rejected_key(llm_env: FakeOpenAI) -> None:
    llm_env.api_key = "sk-something-else"
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "rejected the API key (HTTP 401): set OPENAI_API_KEY" in result.output
    assert KEY not in result.output


def test_precedence_env_over_file_and_roleplay_over_openai(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text('[llm]\nbase_url = "http://file/v1"\nmodel = "file-model"\n')
    assert load_settings().llm.base_url == "http://file/v1"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai-env/v1")
    assert load_settings().llm.base_url == "http://openai-env/v1"
    monkeypatch.setenv("ROLEPLAY_LLM_BASE_URL", "http://roleplay-env/v1")
    assert load_settings().llm.base_url == "http://roleplay-env/v1"
    assert load_settings().llm.model == "file-model"
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    settings = load_settings()
    assert settings.llm.configured and KEY not in repr(settings) and KEY not in str(settings)


def test_misspelt_llm_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text('[llm]\nmodle = "x"\n')
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1  # a finding among the others, no traceback
    assert result.output.startswith(f"[FAIL] config: {config_file()}: unknown setting ")
    assert "unknown setting 'llm.modle'; did you mean 'model'?" in result.output
    assert "Traceback" not in result.output
