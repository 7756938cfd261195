"""The offline customer a trainer meets first (words12).

The scenario `roleplay new scenario` writes answered open questions about the customer's
business with "Depends what you mean. Why do you ask?" or "Hard to say in a sentence."; a
play-back that also earned a fact got the fact with no yes or no before it; and a variation
value at the start of a sentence ("{competitor} pitched us last quarter.") stayed lower-case
("a spreadsheet consultant pitched us...").
"""

from __future__ import annotations

import re
from pathlib import Path

from roleplay.domain.conversation import agrees
from roleplay.domain.variation import draw
from roleplay.services.catalog import load_catalog
from tests.test_outside6_playback import ASK, _new_workspace, _tagged

DODGES = ("Depends what you mean", "Hard to say", "Why do you ask")
OPEN = (
    "How is your team set up?",
    "What are your goals for this year?",
    "What made you download the guide?",
    "Tell me about your business.",
    "What does a normal week look like for you?",
)


def test_the_new_scenario_template_answers_open_questions_about_the_customer(
    tmp_path: Path,
) -> None:
    ws = _new_workspace(tmp_path)
    for seed in range(3):
        replies = _tagged(ws, "renewal-call", seed, list(OPEN))
        for asked, (text, tags) in zip(OPEN, replies, strict=True):
            assert not any(d in text for d in DODGES), (seed, asked, text)
            # one of the template's answers about her situation (a due objection may follow)
            assert tags[0].startswith(("reaction:situation", "fact:")), (asked, tags)
            assert "Head of Operations at" not in text, text  # not the last resort below


def test_a_scenario_without_situation_lines_answers_from_the_persona(tmp_path: Path) -> None:
    ws = _new_workspace(tmp_path)
    path = ws / "scenarios" / "renewal-call.yaml"
    text = path.read_text("utf-8")
    if "\nanswers:" in text:  # a trainer who deleted `answers:`
        start, end = text.index("\nanswers:"), text.index("\nreactions:")
        path.write_text(text[:start] + text[end:], "utf-8")
    for seed in range(4):
        [(reply, _tags)] = _tagged(ws, "renewal-call", seed, ["What are your goals this year?"])
        assert not any(d in reply for d in DODGES), reply
        assert "Brightline Logistics" in reply and "Head of Operations" in reply, reply


PLAYBACK = (
    # "spend" is one of the budget fact's signals: the play-back earns it
    "So your dispatchers spend two hours every morning re-planning routes by hand, right?"
)


def test_a_play_back_that_earns_a_fact_is_confirmed_or_corrected_first(tmp_path: Path) -> None:
    ws = _new_workspace(tmp_path)
    confirmed = corrected = 0
    for seed in range(8):
        (first, _), (reply, tags) = _tagged(ws, "renewal-call", seed, [ASK, PLAYBACK])
        assert "fact:budget" in tags, (seed, reply, tags)
        assert tags.index("fact:budget") == 1, tags  # the yes or no comes first
        check = re.split(r"(?<=[.!?])\s+", reply)[0]
        if "Two hours" in first:  # what she said, played back: she says yes
            assert agrees(check, "en"), (seed, reply)
            confirmed += 1
        else:  # she never gave a number
            assert not agrees(check, "en"), (seed, reply)
            corrected += 1
    assert confirmed and corrected


def test_a_value_at_the_start_of_a_sentence_is_capitalised(tmp_path: Path) -> None:
    ws = _new_workspace(tmp_path)
    catalog = load_catalog([ws / "scenarios"], [ws / "rubrics"])
    scenario = catalog.scenarios["renewal-call"].scenario
    run = draw(scenario, 1, {"competitor": "spreadsheet", "numbers": "small"}).scenario
    lines = [p for o in run.objections for p in o.phrasings]
    assert "A spreadsheet consultant pitched us last quarter. What's different about you?" in lines
    assert "We've looked at a spreadsheet consultant already. Why would you be different?" in lines
    facts = {f.id: f.fact for f in run.facts}
    assert facts["budget"].startswith("Twenty thousand dollars is set aside")
    assert any("there's about twenty thousand dollars" in r for f in run.facts for r in f.reveal)


def test_bundled_values_at_a_sentence_start_are_capitalised(workspace: Path) -> None:
    catalog = load_catalog([workspace / "scenarios"], [workspace / "rubrics"])
    s = catalog.scenarios["competitor-objection"].scenario
    [dim] = [d for d, options in s.variations.items() if any("agents" in o.values for o in options)]
    for option in s.variations[dim]:
        run = draw(s, 1, {dim: option.id}).scenario
        said = [line for t in run.answers.situation for line in t.lines]
        said += [line for f in run.facts for line in f.reveal]
        agents = option.values["agents"]
        starts = [line for line in said if f"{agents[:1].upper()}{agents[1:]} agents" in line]
        assert starts, said  # "Thirty-five agents, two shifts."
        assert not any(re.search(rf"(^|[.!?] ){re.escape(agents)} agents", x) for x in said)
