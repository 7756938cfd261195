"""The ChatServer contract (an OpenAI-compatible server, as diagnostics see it), run against the
openai client talking to a real local HTTP server (tests/fake_openai.py) and the in-memory chat
server. `roleplay doctor` is checked on both: it is what a user reads about their server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from roleplay.adapters.memory_chat import MemoryChatServer
from roleplay.adapters.openai_llm import LlmClient, LlmConfig
from roleplay.services.doctor import check_llm
from roleplay.services.ports import ChatServer, CustomerUnavailable
from tests.fake_openai import FakeOpenAI, Reply


@dataclass
class Servers:
    up: Callable[[list[str], str], ChatServer]  # offering these models, answering this
    down: Callable[[], ChatServer]
    asked: Callable[[], list[str]]  # the last message of every request received


@pytest.fixture(params=["openai-client", "memory"])
def servers(request: pytest.FixtureRequest) -> Iterator[Servers]:
    if request.param == "memory":
        made: list[MemoryChatServer] = []

        def up(models: list[str], reply: str) -> ChatServer:
            made.append(MemoryChatServer(models=models, replies=[reply]))
            return made[-1]

        yield Servers(
            up,
            lambda: MemoryChatServer(down=True),
            lambda: [r[-1]["content"] for m in made for r in m.requests],
        )
        return
    fake = FakeOpenAI().start()

    def client(url: str) -> LlmClient:
        return LlmClient(LlmConfig(base_url=url, api_key="k", model=None, timeout=5, max_retries=0))

    def up_http(models: list[str], reply: str) -> ChatServer:
        fake.models = models
        fake.default = Reply(reply)
        return client(fake.url)

    yield Servers(
        up_http,
        lambda: client("http://127.0.0.1:9/v1"),
        lambda: [r["body"]["messages"][-1]["content"] for r in fake.requests if "body" in r],
    )
    fake.stop()


def test_the_offered_models_are_listed_and_the_first_is_used(servers: Servers) -> None:
    server = servers.up(["b-model", "a-model"], "ready")
    assert server.list_models() == ["a-model", "b-model"]
    assert server.model == "a-model"  # none configured
    assert server.where


def test_a_question_gets_the_servers_answer(servers: Servers) -> None:
    server = servers.up(["m"], "ready")
    assert server.complete([{"role": "user", "content": "Reply: ready"}], max_tokens=5) == "ready"
    assert servers.asked() == ["Reply: ready"]


def test_a_server_that_is_down_says_where(servers: Servers) -> None:
    server = servers.down()
    with pytest.raises(CustomerUnavailable) as err:
        server.list_models()
    assert server.where in str(err.value)
    with pytest.raises(CustomerUnavailable):
        server.complete([{"role": "user", "content": "hi"}])


def test_doctor_reports_a_working_server_and_model(servers: Servers) -> None:
    checks = check_llm(servers.up(["m"], "ready"))
    assert [(c.name, c.status) for c in checks] == [("llm server", "ok"), ("llm model", "ok")]
    assert "1 model(s)" in checks[0].detail and "'ready'" in checks[1].detail


def test_doctor_reports_a_server_that_is_down_as_one_problem(servers: Servers) -> None:
    [check] = check_llm(servers.down())
    assert check.status == "problem" and "Cannot reach" in check.detail
