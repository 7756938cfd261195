"""From a scored real call to a drill: weakest moments, a scenario file that validates, the
queue, one practice, and real-call scores kept apart from practice."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from tests.cli_helpers import on_a_terminal
from tests.drill_calls import CALL, as_kari, invoke, score_call


@pytest.fixture(autouse=True)
def rep(monkeypatch: pytest.MonkeyPatch) -> None:
    as_kari(monkeypatch)


def scored_call(ws: Path, tmp_path: Path, *extra: str) -> str:
    result = score_call(ws, tmp_path, *extra)
    assert result.exit_code == 0, result.output
    assert "Weakest moments of this call:" in result.stderr
    assert "roleplay call-drills " in result.stderr  # never silent: the command to drill later
    [row] = json.loads(invoke(ws, "sessions", "--json").stdout)
    return str(row["id"])


def test_the_offer_accepted_up_front_makes_a_drill_that_is_queued_and_practised(
    mini_workspace: Path, tmp_path: Path
) -> None:
    scored = score_call(mini_workspace, tmp_path, "--make-drills")
    assert scored.exit_code == 0, scored.output
    assert "Weakest moments of this call:" in scored.stderr
    wrote = [line for line in scored.stderr.splitlines() if line.startswith("Wrote ")]
    assert wrote, scored.stderr
    path = Path(wrote[0].split()[1])
    doc = yaml.safe_load(path.read_text())
    assert doc["id"].startswith("from-call-") and doc["skills"] == ["discovery-questions"]
    assert doc["drills"][0]["start"]["say"][0] in CALL  # the customer's own words open it
    assert invoke(mini_workspace, "validate").exit_code == 0
    today = json.loads(invoke(mini_workspace, "today", "--json").stdout)
    [queued] = [i for i in today["queue"] if i["scenario"] == doc["id"]]
    played = invoke(
        mini_workspace,
        *queued["command"].split()[1:],
        "--json",
        input="What happens on a bad morning?\n/end\n",
    )
    assert played.exit_code == 0, played.output
    assert json.loads(played.stdout)["overall"] is not None  # the drill was scored


def test_the_offer_declined_or_without_save_makes_nothing(
    mini_workspace: Path, tmp_path: Path
) -> None:
    scored_call(mini_workspace, tmp_path, "--no-make-drills")
    assert not list((mini_workspace / "scenarios").glob("from-call-*.yaml"))
    call = tmp_path / "call.txt"
    alone = invoke(
        mini_workspace, "score", "--transcript", str(call), "--rubric", "mini", "--rep", "Kari",
        "--judge", "offline", "--make-drills",
    )  # fmt: skip
    assert alone.exit_code == 2 and "go with --save" in alone.stderr


def test_a_drill_made_from_a_real_call_validates_joins_the_queue_and_is_practised(
    mini_workspace: Path, tmp_path: Path
) -> None:
    session = scored_call(mini_workspace, tmp_path)
    listed = invoke(mini_workspace, "call-drills", session, "--json")
    assert listed.exit_code == 0, listed.output
    moments = json.loads(listed.stdout)
    assert moments[0]["skill"] == "discovery-questions" and moments[0]["level"] <= 2
    # the customer's own words, just before a weak turn of the rep's, open the drill
    assert moments[0]["customer"] in {
        "Sure. We keep losing mornings re-planning routes by hand.",
        "Honestly, I'm not sure that's what we need right now.",
    }
    assert moments[0]["before"][0]["text"] == "Hi Dana, thanks for taking my call."

    made = invoke(mini_workspace, "call-drills", session, "--make", "--scenario", "mini", "--json")
    assert made.exit_code == 0, made.output
    drill = json.loads(made.stdout)[0]
    doc = yaml.safe_load(Path(drill["file"]).read_text())
    assert doc["persona"]["name"] == "Dana Whitfield"  # persona from the chosen scenario
    assert doc["drills"][0]["start"]["say"] == [moments[0]["customer"]]
    assert doc["drills"][0]["skills"] == ["discovery-questions"]
    assert invoke(mini_workspace, "validate").exit_code == 0

    today = json.loads(invoke(mini_workspace, "today", "--json").stdout)
    queued = [i for i in today["queue"] if i["skill"] == "discovery-questions"]
    assert queued and queued[0]["scenario"] == drill["scenario"]
    assert queued[0]["drill"] == drill["drill"]

    args = queued[0]["command"].split()[1:]
    played = invoke(
        mini_workspace, *args, "--json", input="How do the mornings look today?\n/end\n"
    )
    assert played.exit_code == 0, played.output
    after = json.loads(invoke(mini_workspace, "today", "--json").stdout)
    assert after["goal"]["drills_done"] == 1  # the drill counts; the real call did not

    # real-call scores apart from practice, and shown beside it
    progress = json.loads(invoke(mini_workspace, "progress", "--json").stdout)
    assert progress["sessions"] == 1
    real = progress["real_calls"]
    assert real["calls"] == 1 and real["overall"] is not None
    assert real["practice_overall"] is not None
    assert "discovery-questions" in {s["skill"] for s in real["skills"]}
    assert "Real calls: 1 scored" in invoke(mini_workspace, "progress").stdout
    report = invoke(mini_workspace, "report", "--format", "json")
    assert report.exit_code == 0, report.output
    kinds = {r["session"]: r["kind"] for r in json.loads(report.stdout)["rows"]}
    assert kinds[session] == "real call" and "practice" in kinds.values()
    html = invoke(mini_workspace, "report").stdout
    assert "Real calls (mean)" in html


def test_without_a_scenario_a_minimal_one_is_made_from_the_call(
    mini_workspace: Path, tmp_path: Path
) -> None:
    session = scored_call(mini_workspace, tmp_path)
    made = invoke(mini_workspace, "call-drills", session, "--make", "--json")
    assert made.exit_code == 0, made.output
    doc = yaml.safe_load(Path(json.loads(made.stdout)[0]["file"]).read_text())
    assert "re-planning routes by hand" in doc["context"]
    assert doc["rubric"] == "mini" and doc["skills"] == ["discovery-questions"]
    assert invoke(mini_workspace, "validate").exit_code == 0


def test_drills_are_made_only_from_real_calls(mini_workspace: Path) -> None:
    practised = invoke(
        mini_workspace, "practice", "mini", "--seed", "1", "--json", input="Hi\n/end\n"
    )
    assert practised.exit_code == 0, practised.output
    result = invoke(mini_workspace, "call-drills", "last", "--make")
    assert result.exit_code == 2 and "practice session" in result.stderr


async def test_the_app_offers_the_same_drills_where_a_real_calls_scorecard_is_shown(
    mini_workspace: Path, tmp_path: Path
) -> None:
    from textual.widgets import Button, Static

    from roleplay.adapters.clock import ManualClock
    from tests.app_helpers import make_app, open_scorecard, settle

    session = scored_call(mini_workspace, tmp_path, "--no-make-drills")
    assert not list((mini_workspace / "scenarios").glob("from-call-*.yaml"))
    app = make_app(mini_workspace, clock=ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    async with app.run_test(size=(100, 40)) as pilot:
        await open_scorecard(pilot, session)
        offer = app.screen.query_one("#drill-offer")
        assert "Weakest moments of this call" in str(offer.query_one(Static).content)
        app.screen.query_one("#make-drills", Button).press()
        await settle(pilot)
        assert not app.screen.query("#drill-offer")  # done: the offer is gone
        notes = [str(n.message) for n in app._notifications]
        assert any("Drills made and validated" in n for n in notes), notes
    made = list((mini_workspace / "scenarios").glob("from-call-*.yaml"))
    assert made
    assert all("recorded call of 2026-03-02" in f.read_text() for f in made)  # the app's clock
    assert invoke(mini_workspace, "validate").exit_code == 0


async def test_a_practice_scorecard_makes_no_drill_offer(mini_workspace: Path) -> None:
    from tests.app_helpers import make_app, open_scorecard

    practised = invoke(
        mini_workspace, "practice", "mini", "--seed", "1", "--json", input="Hi\n/end\n"
    )
    assert practised.exit_code == 0, practised.output
    [row] = json.loads(invoke(mini_workspace, "sessions", "--json").stdout)
    app = make_app(mini_workspace)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_scorecard(pilot, str(row["id"]))
        assert not app.screen.query("#drill-offer")


def test_on_a_terminal_the_offer_is_a_question_and_yes_makes_the_drills(
    mini_workspace: Path, tmp_path: Path
) -> None:
    """A real terminal (a pty), as a rep at a desk has: the offer asks, and 'y' makes them."""
    call = tmp_path / "call.txt"
    call.write_text(CALL)
    code, text, asked = on_a_terminal(
        [
            *("--workspace", str(mini_workspace), "score"),
            *("--transcript", str(call), "--rubric", "mini", "--rep", "Kari"),
            *("--judge", "offline", "--save"),
        ],
        lambda out: b"Make drills from them" in out and b"[Y/n]" in out,
        b"y",
        env={"ROLEPLAY_REP": "Kari"},
    )
    assert asked, text
    assert code == 0, text
    assert "Wrote " in text and "(validated)" in text
    made = list((mini_workspace / "scenarios").glob("from-call-*.yaml"))
    assert made and invoke(mini_workspace, "validate").exit_code == 0
