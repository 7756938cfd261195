"""The offline customer answers a play-back check as a customer would (outside6).

A rep who played back what the customer said ("So what I'm hearing is..., is that right?") got
"Hard to say in a sentence." from the scenario `roleplay new scenario` writes, and a situation
line that ignored the check from the bundled ones. The customer now confirms what they said,
puts right what they did not (a number they never gave), never confirms a hidden fact the rep
only guessed, and words it differently from one session to the next.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.domain.conversation import agrees

runner = CliRunner()
ASK = "Hi Dana, how does the morning dispatch work today?"  # earns the template's `pain` fact
PLAYBACK = (
    "So what I'm hearing is your dispatchers redo the routes by hand every morning, is that right?"
)


def _new_workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    for kind, name in (("rubric", "renewal"), ("scenario", "renewal-call")):
        made = runner.invoke(app, ["--workspace", str(ws), "new", kind, name])
        assert made.exit_code == 0, made.output
    return ws


def _call(ws: Path, scenario: str, seed: int, lines: list[str]) -> list[str]:
    """The customer's replies to `lines` in a typed call, as its transcript keeps them."""
    return [text for text, _ in _tagged(ws, scenario, seed, lines)]


def _tagged(ws: Path, scenario: str, seed: int, lines: list[str]) -> list[tuple[str, list[str]]]:
    typed = "\n".join([*lines, "/end"]) + "\n"
    args = ["--workspace", str(ws), "practice", scenario, "--text", "--seed", str(seed)]
    result = runner.invoke(app, [*args, "--rep", "Sam"], input=typed)
    assert result.exit_code == 0, result.output
    newest = max((ws / "recordings").iterdir(), key=lambda p: p.stat().st_mtime_ns)
    lines_ = (newest / "transcript.jsonl").read_text().split("\n")
    turns: list[dict[str, Any]] = [json.loads(line) for line in lines_ if line]
    replies: list[tuple[str, list[str]]] = []
    for n, turn in enumerate(turns):
        if turn["speaker"] == "rep":
            nxt = turns[n + 1] if n + 1 < len(turns) else {"speaker": "nobody"}
            if nxt["speaker"] == "customer":
                replies.append((str(nxt["text"]), list(nxt.get("tags", []))))
            else:
                replies.append(("", []))
    return replies


def test_a_right_play_back_is_confirmed_in_the_new_scenario_template(tmp_path: Path) -> None:
    ws = _new_workspace(tmp_path)
    seen = set()
    for seed in range(6):
        first, check = _call(ws, "renewal-call", seed, [ASK, PLAYBACK])
        assert "dispatchers" in first or "mornings" in first, first  # the fact came out
        seen.add(check)
        assert "Hard to say" not in check and "Depends what you mean" not in check, check
        if "dispatchers redo the routes" in first:
            assert agrees(check, "en"), (seed, check)
    # Not one memorised answer: the same line gets other words in other sessions.
    assert len(seen) >= 3, seen


def test_a_number_the_customer_never_gave_is_put_right(tmp_path: Path) -> None:
    ws = _new_workspace(tmp_path)
    wrong = "So if I understand correctly, it takes five hours, is that right?"
    for seed in range(4):
        first, check = _call(ws, "renewal-call", seed, [ASK, wrong])
        assert not agrees(check, "en"), (seed, check)
        if "Two hours" in first:  # the reveal with the real figure: said again
            assert "Two hours" in check, check
        else:
            assert "number" in check or "figures" in check, check


def test_a_guessed_hidden_fact_is_neither_confirmed_nor_given_away(tmp_path: Path) -> None:
    ws = _new_workspace(tmp_path)
    guess = "So you said you've set aside sixty thousand dollars for this, is that right?"
    for seed in range(4):
        (check,) = _call(ws, "renewal-call", seed, [guess])
        assert not agrees(check, "en"), (seed, check)
        assert "thousand" not in check and "set aside" not in check, check


def test_something_never_said_is_denied(tmp_path: Path) -> None:
    ws = _new_workspace(tmp_path)
    for seed in range(4):
        _, check = _call(
            ws,
            "renewal-call",
            seed,
            [ASK, "So what I'm hearing is the onboarding took too long, is that right?"],
        )
        assert not agrees(check, "en"), (seed, check)
        assert "Hard to say" not in check and "Depends what you mean" not in check, check


def test_a_bundled_customer_confirms_their_own_words(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    repo = Path(__file__).resolve().parents[1]
    for folder in ("scenarios", "rubrics"):
        (ws / folder).mkdir(parents=True)
        for f in (repo / folder).glob("*.yaml"):
            (ws / folder / f.name).write_text(f.read_text("utf-8"), "utf-8")
    back = "So you said the branch managers loved the phone onboarding, is that right?"
    played = 0
    for seed in range(12):
        (first, _), (check, tags) = _tagged(
            ws, "demo-follow-up", seed, ["Thanks for the demo last week. How did it land?", back]
        )
        if "onboarding" not in first:  # she said something else: not this play-back's case
            continue
        played += 1
        # Confirmed; or the play-back earned what Priya was holding back (a fact's reveal).
        assert agrees(check, "en") or any(t.startswith("fact:") for t in tags), (seed, check)
    assert played >= 2


def test_a_play_back_check_is_a_closed_question_on_the_scorecard(tmp_path: Path) -> None:
    """'So what I'm hearing is..., is that right?' was counted an open question (its clause
    starts with 'what') and quoted as evidence for 'Open questions'."""
    ws = _new_workspace(tmp_path)
    typed = f"{ASK}\n{PLAYBACK}\n/end\n"
    args = ["--workspace", str(ws), "practice", "renewal-call", "--text", "--seed", "1"]
    result = runner.invoke(app, [*args, "--rep", "Sam", "--json"], input=typed)
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert (card["kpis"]["questions_open"], card["kpis"]["questions_closed"]) == (1, 1)
    open_questions = next(c for c in card["criteria"] if c["id"] == "open-questions")
    quoted = [e["quote"] for e in open_questions["evidence"]]
    assert not any("hearing" in q for q in quoted), quoted


def test_the_cold_call_scorecard_coaches_this_call_not_a_logistics_one(tmp_path: Path) -> None:
    """The hotel-energy cold call's tips came from its rubric, written for a logistics prospect:
    'Try: I noticed you're hiring three new dispatchers...', 'Hi Dana, it's Sam from Routewise'."""
    ws = tmp_path / "ws"
    repo = Path(__file__).resolve().parents[1]
    for folder in ("scenarios", "rubrics"):
        (ws / folder).mkdir(parents=True)
        for f in (repo / folder).glob("*.yaml"):
            (ws / folder / f.name).write_text(f.read_text("utf-8"), "utf-8")
    typed = "Hi Joanne, this is Sam from Kelvo. How are you?\n/end\n"
    args = ["--workspace", str(ws), "practice", "cold-call-gatekeeper", "--text", "--json"]
    result = runner.invoke(app, [*args, "--rep", "Sam"], input=typed)
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    coaching = " ".join(f"{c['tip']} {c['example']}" for c in card["criteria"])
    for elsewhere in ("dispatch", "Dana", "Routewise", "depot", "drivers"):
        assert elsewhere not in coaching, (elsewhere, coaching)
    assert "Joanne" in coaching and "hotels" in coaching


def test_a_play_back_the_customer_said_the_opposite_of_is_put_right(tmp_path: Path) -> None:
    """Joanne said Richard is not the one to talk to; 'So you said Richard is the one I want to
    speak to, is that right?' got 'That's right.' (or 'I never said a number': 'the one')."""
    ws = tmp_path / "ws"
    repo = Path(__file__).resolve().parents[1]
    for folder in ("scenarios", "rubrics"):
        (ws / folder).mkdir(parents=True)
        for f in (repo / folder).glob("*.yaml"):
            (ws / folder / f.name).write_text(f.read_text("utf-8"), "utf-8")
    lines = [
        "Hi Joanne, this is Sam from Kelvo. How are you today?",
        "I'm calling about the environmental review. Who looks after energy across the hotels?",
        "So you said Richard is the one I want to speak to, is that right?",
    ]
    played = 0
    for seed in range(6):
        _, before, check = _call(ws, "cold-call-gatekeeper", seed, lines)
        if "Richard" not in before or "not" not in before.replace("n't", " not"):
            continue
        played += 1
        assert not agrees(check, "en"), (seed, check)
        assert "Richard" in check and "number" not in check, (seed, check)
    assert played >= 2
