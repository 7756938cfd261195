"""One contract for the customer port, run against every implementation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from roleplay.adapters.llm_customer import LlmCustomer
from roleplay.adapters.openai_llm import LlmClient, LlmConfig
from roleplay.adapters.scripted_customer import ScriptedCustomer
from roleplay.domain.loading import load_scenario
from roleplay.domain.session import Turn
from roleplay.domain.variation import draw
from roleplay.services.ports import (
    Customer,
    CustomerRequest,
    EndCall,
    FirstToken,
    Marker,
    Sentence,
)
from tests.fake_openai import FakeOpenAI, Reply

MINI = Path(__file__).parents[1] / "data" / "valid" / "scenarios" / "mini.yaml"
RUN = draw(load_scenario(MINI.read_text(), "mini.yaml")[0], seed=4)


@pytest.fixture(params=["scripted", "llm"])
def customer(request: pytest.FixtureRequest) -> Iterator[tuple[Customer, FakeOpenAI | None]]:
    if request.param == "scripted":
        yield ScriptedCustomer(), None
        return
    server = FakeOpenAI().start()
    server.default = Reply("Hm. Mornings are tough here. What do you mean exactly? [[fact:pain]]")
    llm = LlmClient(
        LlmConfig(base_url=server.url, api_key="k", model="test-model", timeout=5, max_retries=0)
    )
    yield LlmCustomer(llm), server
    server.stop()


def _turns(*texts: str) -> tuple[Turn, ...]:
    return tuple(
        Turn(index=i, speaker="customer" if i % 2 == 0 else "rep", text=t, start=i, end=i)
        for i, t in enumerate(texts)
    )


def _check_events(events: list[object]) -> None:
    sentences = [e for e in events if isinstance(e, Sentence)]
    assert sentences, "a reply says something"
    for s in sentences:
        assert s.text.strip() == s.text and s.text
        assert "[[" not in s.text and "]]" not in s.text, "control tags are never spoken"
    ends = [i for i, e in enumerate(events) if isinstance(e, EndCall)]
    assert len(ends) <= 1 and (not ends or ends[0] == len(events) - 1), "EndCall comes last"
    for e in events:
        assert isinstance(e, Sentence | Marker | EndCall | FirstToken)


def test_opening_says_a_line_and_does_not_end(customer) -> None:
    c, _ = customer
    events = list(c.respond(CustomerRequest(RUN, ())))
    _check_events(events)
    assert not any(isinstance(e, EndCall) for e in events)
    assert " ".join(e.text for e in events if isinstance(e, Sentence)) in RUN.scenario.opening


def test_a_reply_to_the_rep(customer) -> None:
    c, _ = customer
    turns = _turns("Dana speaking.", "How does a typical morning look for your dispatch team?")
    events = list(c.respond(CustomerRequest(RUN, turns)))
    _check_events(events)
    assert Marker("fact:pain") in events


def test_time_up_ends_the_call(customer) -> None:
    c, server = customer
    if server is not None:
        server.queue(Reply("Sorry, I have to run now. Bye."))  # the model forgot the tag
    events = list(c.respond(CustomerRequest(RUN, _turns("Dana speaking.", "So..."), time_up=True)))
    _check_events(events)
    assert isinstance(events[-1], EndCall) and events[-1].outcome == "time"


def test_name_says_what_produced_the_turn(customer) -> None:
    c, _ = customer
    assert c.name in {"scripted", "llm:test-model"}
