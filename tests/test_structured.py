"""Structured output from any OpenAI-compatible server, validated against a pydantic model."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, Field

from roleplay.adapters.openai_llm import LlmClient, LlmConfig
from roleplay.adapters.structured import StructuredOutputError, structured
from tests.fake_openai import FakeOpenAI, Reply


class Verdict(BaseModel):
    level: int = Field(ge=1, le=5)
    quote: str


def llm(server: FakeOpenAI) -> LlmClient:
    return LlmClient(
        LlmConfig(base_url=server.url, api_key=None, model="test-model", max_retries=0)
    )


ASK = [{"role": "user", "content": "Judge this."}]


def test_json_schema_when_the_server_supports_it(fake_llm: FakeOpenAI) -> None:
    fake_llm.queue(Reply('{"level": 4, "quote": "How do you plan?"}'))
    assert structured(llm(fake_llm), ASK, Verdict) == Verdict(level=4, quote="How do you plan?")
    fmt = fake_llm.requests[-1]["body"]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "Verdict"


def test_falls_back_to_json_object_when_json_schema_is_rejected(fake_llm: FakeOpenAI) -> None:
    fake_llm.reject_json_schema = True  # what llama.cpp's server does (HTTP 500)
    fake_llm.queue(Reply('```json\n{"level": 2, "quote": "x"}\n```'))
    assert structured(llm(fake_llm), ASK, Verdict).level == 2
    first, second = fake_llm.requests[-2:]
    assert first["body"]["response_format"]["type"] == "json_schema"
    fmt = second["body"]["response_format"]
    assert fmt["type"] == "json_object" and fmt["schema"]["title"] == "Verdict"
    assert "JSON Schema" in second["body"]["messages"][-1]["content"]
    # The server is remembered: the next call goes straight to json_object.
    fake_llm.queue(Reply('{"level": 3, "quote": "y"}'))
    structured(llm(fake_llm), ASK, Verdict)
    assert fake_llm.requests[-1]["body"]["response_format"]["type"] == "json_object"


def test_invalid_output_is_retried_once_with_the_error(fake_llm: FakeOpenAI) -> None:
    fake_llm.queue(Reply('{"level": 9, "quote": "x"}'), Reply('{"level": 5, "quote": "x"}'))
    assert structured(llm(fake_llm), ASK, Verdict).level == 5
    retry = fake_llm.requests[-1]["body"]["messages"]
    assert retry[-2] == {"role": "assistant", "content": '{"level": 9, "quote": "x"}'}
    assert "level" in retry[-1]["content"] and "less than or equal to 5" in retry[-1]["content"]


@pytest.mark.parametrize("bad", ['{"level": 3', "not json at all", '{"quote": "no level"}'])
def test_invalid_twice_is_a_clear_error(fake_llm: FakeOpenAI, bad: str) -> None:
    fake_llm.queue(Reply(bad), Reply(bad))
    with pytest.raises(StructuredOutputError) as err:
        structured(llm(fake_llm), ASK, Verdict)
    assert "did not return a valid Verdict after a retry" in str(err.value)
    assert len(fake_llm.requests) == 2


def test_partial_json_then_valid(fake_llm: FakeOpenAI) -> None:
    fake_llm.queue(Reply('{"level": 3, "quo'), Reply(json.dumps({"level": 3, "quote": "q"})))
    assert structured(llm(fake_llm), ASK, Verdict).quote == "q"
