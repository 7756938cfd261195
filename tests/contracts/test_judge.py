"""The Judge contract, run against the offline judge, the LLM judge on a real local
OpenAI-compatible server, and the practice's choice when the LLM is down (the LLM judge falling
back offline). Whoever judges, the rep gets a whole scorecard whose quotes are their own words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from roleplay.adapters.llm_judge import LlmJudge
from roleplay.adapters.offline_judge import OfflineJudge
from roleplay.adapters.openai_llm import LlmClient, LlmConfig
from roleplay.composition import choose_judge
from roleplay.config import Settings
from roleplay.services.ports import Judge
from roleplay.services.scoring import FallbackJudge
from tests.fake_openai import FakeOpenAI, Reply
from tests.test_llm_judge import RUBRIC, TRANSCRIPT, verdict


def _client(url: str) -> LlmClient:
    return LlmClient(LlmConfig(base_url=url, api_key=None, model="test-model", max_retries=0))


@pytest.fixture(params=["offline", "llm", "llm-down"])
def judge(request: pytest.FixtureRequest) -> Iterator[Judge]:
    if request.param == "offline":
        yield OfflineJudge()
        return
    if request.param == "llm-down":
        yield choose_judge(Settings(), _client("http://127.0.0.1:9/v1"))  # falls back offline
        return
    server = FakeOpenAI().start()
    server.default = Reply(verdict())
    yield LlmJudge(_client(server.url))
    server.stop()


def test_every_criterion_is_scored_in_the_rubrics_order(judge: Judge) -> None:
    card = judge.score(RUBRIC, TRANSCRIPT)
    assert [c.id for c in card.criteria] == [c.id for c in RUBRIC.criteria]
    assert all(c.level is None or 1 <= c.level <= 5 for c in card.criteria)
    assert card.rubric == RUBRIC.id and card.rubric_version == RUBRIC.version
    assert card.passed == (None if card.overall is None else card.overall >= RUBRIC.pass_threshold)


def test_quotes_are_the_reps_own_words(judge: Judge) -> None:
    card = judge.score(RUBRIC, TRANSCRIPT)
    rep_turns = {t.index: t.text for t in TRANSCRIPT.turns if t.speaker == "rep"}
    quotes = [e for c in card.criteria for e in c.evidence]
    for e in quotes:
        assert e.turn in rep_turns and e.quote in rep_turns[e.turn]


def test_the_scorecard_says_who_judged_and_carries_the_calls_numbers(judge: Judge) -> None:
    card = judge.score(RUBRIC, TRANSCRIPT)
    assert card.judge and judge.name
    assert card.approximate == (card.judge == "offline")
    assert card.kpis.rep_turns == 2


def test_the_practice_judges_offline_without_an_llm() -> None:
    assert isinstance(choose_judge(Settings(), None), OfflineJudge)
    assert isinstance(choose_judge(Settings(), _client("http://127.0.0.1:9/v1")), FallbackJudge)
