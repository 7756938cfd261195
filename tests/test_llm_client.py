"""The OpenAI adapter against a real local HTTP server: streaming, retries, clear failures."""

from __future__ import annotations

import pytest

from roleplay.adapters.openai_llm import LlmClient, LlmConfig, LlmError
from tests.fake_openai import FakeOpenAI, Reply

KEY = "sk-test-SECRET-1234567890"


def client(server: FakeOpenAI, **kw: object) -> LlmClient:
    base = {
        "base_url": server.url,
        "api_key": KEY,
        "model": "test-model",
        "timeout": 2.0,
        "max_retries": 1,
    }
    base.update(kw)
    return LlmClient(LlmConfig(**base))  # type: ignore[arg-type]


def test_streams_text_in_chunks(fake_llm: FakeOpenAI) -> None:
    fake_llm.queue(Reply("Hello there. How can I help?", chunk_size=4))
    chunks = list(client(fake_llm).stream_chat([{"role": "user", "content": "hi"}]))
    assert len(chunks) == 7 and "".join(chunks) == "Hello there. How can I help?"
    assert fake_llm.requests[-1]["body"]["stream"] is True
    assert fake_llm.requests[-1]["authorization"] == f"Bearer {KEY}"


def test_wrong_key_names_the_variable_and_never_the_key(fake_llm: FakeOpenAI) -> None:
    fake_llm.api_key = "sk-the-right-one"
    with pytest.raises(LlmError) as err:
        list(client(fake_llm).stream_chat([{"role": "user", "content": "hi"}]))
    message = str(err.value)
    assert "401" in message and "OPENAI_API_KEY" in message
    assert KEY not in message and "sk-the-right-one" not in message


def test_unknown_model_lists_what_the_server_has(fake_llm: FakeOpenAI) -> None:
    fake_llm.models = ["llama3.2", "qwen2.5"]
    with pytest.raises(LlmError) as err:
        client(fake_llm, model="gpt-9").complete([{"role": "user", "content": "hi"}])
    message = str(err.value)
    assert "'gpt-9' was not found" in message
    assert "llama3.2, qwen2.5" in message and "ROLEPLAY_LLM_MODEL" in message


@pytest.mark.parametrize(("status", "words"), [(429, "rate-limiting"), (503, "HTTP 503")])
def test_429_and_5xx_are_retried_then_explained(
    fake_llm: FakeOpenAI, status: int, words: str
) -> None:
    fake_llm.queue(*[Reply(status=status, error="busy", retry_after=0.05)] * 3)
    with pytest.raises(LlmError) as err:
        client(fake_llm, max_retries=2).complete([{"role": "user", "content": "hi"}])
    assert words in str(err.value) and "after 2 retries" in str(err.value)
    assert len(fake_llm.requests) == 3  # one try and two retries, then a clear message


def test_a_retry_that_succeeds_is_invisible(fake_llm: FakeOpenAI) -> None:
    fake_llm.queue(Reply(status=500, retry_after=0.05), Reply("Fine."))
    assert client(fake_llm).complete([{"role": "user", "content": "hi"}]) == "Fine."


def test_a_hanging_stream_times_out_with_a_clear_message(fake_llm: FakeOpenAI) -> None:
    fake_llm.queue(Reply("Let me think about that for a while.", hang_after=2))
    got: list[str] = []
    with pytest.raises(LlmError) as err:
        for chunk in client(fake_llm, timeout=0.5, max_retries=0).stream_chat(
            [{"role": "user", "content": "hi"}]
        ):
            got.append(chunk)
    assert "".join(got) == "Let me think"  # what arrived before the hang was delivered
    assert "did not answer within 0.5 s" in str(err.value)


def test_a_malformed_chunk_is_explained(fake_llm: FakeOpenAI) -> None:
    fake_llm.queue(Reply("Sure. Here is more text.", malformed_after=1))
    got: list[str] = []
    with pytest.raises(LlmError) as err:
        for chunk in client(fake_llm, max_retries=0).stream_chat(
            [{"role": "user", "content": "hi"}]
        ):
            got.append(chunk)
    assert got == ["Sure. "]  # the chunk before the broken one was delivered
    # A broken chunk is the server's fault, not the network's: say so, and name the server.
    assert f"The LLM server at {fake_llm.url} sent a reply that could not be read" in str(err.value)
    assert "broke mid-reply" not in str(err.value)


def test_an_unreachable_server_says_how_to_start_one() -> None:
    dead = LlmClient(
        LlmConfig(
            base_url="http://127.0.0.1:9/v1", api_key=None, model="m", timeout=1.0, max_retries=0
        )
    )
    with pytest.raises(LlmError) as err:
        dead.complete([{"role": "user", "content": "hi"}])
    assert "Cannot reach the LLM server at http://127.0.0.1:9/v1" in str(err.value)
    assert "ollama serve" in str(err.value)


def test_no_model_configured_takes_the_servers_first(fake_llm: FakeOpenAI) -> None:
    fake_llm.models = ["b-model", "a-model"]
    assert client(fake_llm, model=None).model == "a-model"


def test_config_repr_hides_the_key() -> None:
    cfg = LlmConfig(base_url=None, api_key=KEY, model=None)
    assert KEY not in repr(cfg) and KEY not in str(cfg)
