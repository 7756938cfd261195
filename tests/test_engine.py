"""The conversation engine with the scripted customer, end to end, on the mini scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from roleplay.services.engine import CallState, CallStateError
from roleplay.services.ports import CustomerRequest, CustomerUnavailable, Sentence
from tests.helpers import play, services

GOOD_CALL = [
    "Hi Dana, thanks for taking the time. How does a typical morning look for your dispatch team?",
    "That sounds painful. What budget have you set aside for fixing that?",
    "Could I send you an invite for next week to look at it with your team?",
]


def test_a_good_call_reveals_facts_and_is_won(mini_workspace: Path) -> None:
    clock = ManualClock()
    s = services(mini_workspace, clock)
    call = s.practice.begin("mini", s.profile(), seed=7)
    replies = play(call, GOOD_CALL, clock)
    assert replies[0] == "Dana speaking."
    assert "by hand" in replies[1]  # the pain, earned by an open question about the morning
    assert "thousand dollars" in replies[2]  # the budget, only after the pain
    assert replies[3] == "Alright, send me an invite."
    assert call.state is CallState.ENDED and call.outcome == "win"
    tags = [t.tags for t in call.turns if t.speaker == "customer"]
    assert tags == [("opening",), ("fact:pain",), ("fact:budget",), ("end:win",)]


def test_budget_is_not_given_before_the_pain(mini_workspace: Path) -> None:
    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=7)
    replies = play(call, ["What's your budget?"])
    assert "thousand" not in replies[1]


def test_win_needs_its_required_facts(mini_workspace: Path) -> None:
    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=7)
    play(call, ["Can I send you an invite for next week?"])
    assert call.state is CallState.AWAITING_REP  # the pain is not known yet: no win


def test_a_pushy_rep_loses(mini_workspace: Path) -> None:
    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=1)
    replies = play(call, ["If you sign today I can do a great price."])
    assert replies[-1] == "I don't think this is for us."
    assert call.outcome == "loss"


def test_objections_are_raised_handled_and_come_unprompted(mini_workspace: Path) -> None:
    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=3, pinned={"order": "timing-first"})
    replies = play(
        call,
        [
            "Let me show you a demo of our product.",  # triggers the timing objection
            "Fair enough. What happens in your team when orders come in late?",  # handles it
            "Right.",
        ],
    )
    assert replies[1] in {
        "Slow down. You don't know how we work yet.",
        "Before any demo, what makes you think this fits us?",
    }
    assert replies[2] == "Fine. Ask away."
    assert "pitched us" in replies[3] or "looked at" in replies[3]  # competitor, after turn 3


def test_time_limit_ends_the_call_with_the_time_line(mini_workspace: Path) -> None:
    clock = ManualClock()
    s = services(mini_workspace, clock)
    call = s.practice.begin("mini", s.profile(), seed=2)
    replies = play(call, ["Hello?"], clock, seconds_per_turn=181)  # limit is 3m
    assert replies[-1] == "I have to go. Send me an email."
    assert call.outcome == "time"


def test_every_finished_turn_is_on_disk_as_it_happens(mini_workspace: Path) -> None:
    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=7)
    folder = s.store.folder(call.record.id)
    play(call, GOOD_CALL[:2])
    lines = (folder / "transcript.jsonl").read_text().splitlines()
    assert [json.loads(line)["speaker"] for line in lines] == ["customer", "rep"] * 2 + ["customer"]
    record = json.loads((folder / "session.json").read_text())
    assert record["ended_at"] is None  # still running, yet fully readable
    assert record["variation"]["seed"] == 7
    assert set(record["variation"]["choices"]) == {"mood", "competitor", "numbers", "order"}


def test_a_failing_customer_keeps_what_was_said(mini_workspace: Path) -> None:
    class Flaky:
        name = "flaky-model"

        def respond(self, request: CustomerRequest):
            yield Sentence("Let me think.")
            raise CustomerUnavailable("the server went away")

    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=7)
    play(call, [])
    call.switch_customer(Flaky())
    with pytest.raises(CustomerUnavailable):
        list(call.rep_says("How are mornings?"))
    kept = s.store.load(call.record.id).turns
    assert [t.text for t in kept][-2:] == ["How are mornings?", "Let me think."]
    assert kept[-1].source == "flaky-model" and "interrupted" in kept[-1].tags
    assert call.state is CallState.AWAITING_REP  # the rep can go on


def test_calls_refuse_steps_out_of_order(mini_workspace: Path) -> None:
    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=7)
    with pytest.raises(CallStateError):
        list(call.rep_says("hello"))


def test_after_a_failure_the_reply_can_be_retried_with_another_customer(
    mini_workspace: Path,
) -> None:
    from roleplay.adapters.scripted_customer import ScriptedCustomer

    class Down:
        name = "down-model"

        def respond(self, request: CustomerRequest):
            raise CustomerUnavailable("connection refused")
            yield  # pragma: no cover

    s = services(mini_workspace)
    call = s.practice.begin("mini", s.profile(), seed=7)
    play(call, [])
    call.switch_customer(Down())
    with pytest.raises(CustomerUnavailable):
        list(call.rep_says("How does a typical morning look for your dispatch team?"))
    call.switch_customer(ScriptedCustomer())
    reply = [e for e in call.retry_reply() if isinstance(e, Sentence)]
    assert "by hand" in " ".join(e.text for e in reply)
    assert [t.source for t in call.turns] == ["scripted", None, "scripted"]
    with pytest.raises(CallStateError):
        list(call.retry_reply())
