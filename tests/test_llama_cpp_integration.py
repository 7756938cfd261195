"""Against a real third-party OpenAI-compatible server: llama.cpp serving SmolLM2-135M.

The model is tiny: these tests assert protocol and structure, not wit.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from roleplay.adapters.llm_customer import LlmCustomer
from roleplay.adapters.openai_llm import LlmClient, LlmConfig
from roleplay.adapters.structured import structured
from roleplay.services.engine import CallState
from roleplay.services.ports import Sentence
from tests import llama_server
from tests.helpers import services

pytestmark = llama_server.needed


def client(server: llama_server.LlamaServer) -> LlmClient:
    return LlmClient(
        LlmConfig(
            base_url=server.url,
            api_key=None,
            model="smollm2",
            timeout=120,
            max_retries=0,
            temperature=0.2,
        )
    )


def test_models_and_streaming(llama: llama_server.LlamaServer) -> None:
    llm = client(llama)
    assert "smollm2" in llm.list_models()
    chunks = list(
        llm.stream_chat([{"role": "user", "content": "Say hello in one sentence."}], max_tokens=30)
    )
    assert len(chunks) > 1 and "".join(chunks).strip()  # really streamed, in pieces


class Score(BaseModel):
    level: int = Field(description="1 to 5", json_schema_extra={"enum": [1, 2, 3, 4, 5]})
    reason: str = Field(max_length=200)


def test_structured_output_falls_back_to_json_object(llama: llama_server.LlamaServer) -> None:
    result = structured(
        client(llama),
        [
            {
                "role": "user",
                "content": "Rate the sentence 'How does your team plan routes?' as "
                "an open question from 1 to 5, with a short reason.",
            }
        ],
        Score,
        max_tokens=120,
    )
    assert 1 <= result.level <= 5 and isinstance(result.reason, str)


def test_a_three_turn_call_through_the_engine(
    llama: llama_server.LlamaServer, mini_workspace: Path
) -> None:
    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=1)
    call.switch_customer(LlmCustomer(client(llama)))
    list(call.start())
    for line in [
        "Hi Dana, thanks for taking my call.",
        "How does a typical morning look for your dispatch team?",
        "What would help most?",
    ]:
        if call.state is not CallState.AWAITING_REP:
            break
        sentences = [e.text for e in call.rep_says(line) if isinstance(e, Sentence)]
        assert sentences and all("[[" not in x for x in sentences)
    turns = s.store.load(call.record.id).turns
    assert [t.speaker for t in turns][:4] == ["customer", "rep", "customer", "rep"]
    assert all(t.source == "llm:smollm2" for t in turns if t.speaker == "customer")
