"""Drills: the scenario format, validation with references, and playing one mid-call."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from roleplay.adapters.clock import ManualClock
from roleplay.cli import app
from roleplay.domain.loading import load_scenario
from roleplay.domain.problems import InvalidFile
from roleplay.services.catalog import load_catalog
from roleplay.services.drill_call import UnknownDrill
from tests.helpers import play, services

REPO = Path(__file__).resolve().parents[1]
CALLS = yaml.safe_load((Path(__file__).parent / "data" / "bundled_calls.yaml").read_text())
DRILLS = sorted((s, d) for s, entry in CALLS.items() for d in entry.get("drills", {}))
MINI = (Path(__file__).parent / "data" / "valid" / "scenarios" / "mini.yaml").read_text()

MINI_DRILL = """
drills:
  - id: slow-down
    title: Slow down
    skills: [discovery-questions]
    time_limit: 2m
    brief: Dana has just told you to slow down. Get her talking about her mornings.
    start:
      objection: timing
      setup:
        - {speaker: rep, text: "Can I show you a quick demo?"}
    pinned: {mood: rushed}
"""


def problems(text: str) -> list[str]:
    try:
        load_scenario(text, "s.yaml")
    except InvalidFile as exc:
        return [str(p) for p in exc.problems]
    return []


def test_a_valid_drill_loads() -> None:
    assert problems(MINI + MINI_DRILL) == []
    s, _ = load_scenario(MINI + MINI_DRILL, "s.yaml")
    d = s.drill("slow-down")
    assert (d.time_limit, d.start.objection, d.pinned) == (120, "timing", {"mood": "rushed"})


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("objection: timing", "objection: timming"), "unknown objection 'timming'"),
        (("skills: [discovery-questions]", "skills: [closing]"), "not one of this scenario"),
        (("pinned: {mood: rushed}", "pinned: {moood: rushed}"), "unknown variation 'moood'"),
        (("pinned: {mood: rushed}", "pinned: {mood: angry}"), "unknown 'mood' option 'angry'"),
        (("time_limit: 2m", "time_limit: 3m"), "must be shorter than the whole call"),
        (("time_limit: 2m", "time_limit: soon"), "expected a duration"),
        (("      objection: timing\n", "      revealed: []\n"), "needs a moment to start at"),
        (
            ("      objection: timing\n", "      objection: timing\n      revealed: [budget]\n"),
            "fact 'budget' comes out only after pain",
        ),
        (
            ("      objection: timing\n", "      objection: timing\n      revealed: [bugdet]\n"),
            "did you mean 'budget'",
        ),
        (("title: Slow down", "titel: Slow down"), "did you mean 'title'"),
        (("brief: Dana", "brief: Dana {nope}"), "placeholder {nope} is not set"),
    ],
)
def test_drill_mistakes_are_reported_with_line_and_key(change, expected) -> None:
    old, new = change
    text = MINI + MINI_DRILL
    assert old in text
    found = problems(text.replace(old, new, 1))
    assert any(expected in p for p in found), found
    assert all(p.startswith("s.yaml:") for p in found)
    # The location points into the drill (line numbers past the scenario's own lines).
    assert any(int(p.split(":")[1]) > MINI.count("\n") for p in found), found


def test_duplicate_drill_ids_are_reported() -> None:
    twice = MINI + MINI_DRILL + MINI_DRILL.replace("drills:\n", "")
    assert any("duplicate id 'slow-down'" in p for p in problems(twice))


def test_the_json_schema_describes_drills() -> None:
    doc = json.loads(CliRunner().invoke(app, ["schema", "scenario"]).output)
    assert "drills" in doc["properties"]
    drill = doc["$defs"]["Drill"]
    assert {"id", "title", "skills", "start"} <= set(drill["required"])
    assert "objection" in doc["$defs"]["DrillStart"]["properties"]


def test_the_scenario_template_shows_a_drill_that_validates(mini_workspace: Path) -> None:
    runner = CliRunner()
    ws = ["--workspace", str(mini_workspace)]
    assert runner.invoke(app, [*ws, "new", "scenario", "renewal"]).exit_code == 0
    text = (mini_workspace / "scenarios" / "renewal.yaml").read_text()
    assert "\ndrills:" in text and "start:" in text
    (mini_workspace / "rubrics" / "discovery.yaml").write_text(
        (mini_workspace / "rubrics" / "mini.yaml").read_text().replace("id: mini", "id: discovery")
    )
    result = runner.invoke(app, [*ws, "validate"])
    assert result.exit_code == 0, result.output


# --- playing a drill ---------------------------------------------------------------------


@pytest.fixture
def drill_workspace(mini_workspace: Path) -> Path:
    path = mini_workspace / "scenarios" / "mini.yaml"
    path.write_text(path.read_text() + MINI_DRILL)
    return mini_workspace


def test_a_drill_starts_at_its_moment_with_its_time_limit(drill_workspace: Path) -> None:
    clock = ManualClock()
    s = services(drill_workspace, clock)
    call = s.practice.begin("mini", s.profile(), seed=4, drill="slow-down")
    assert call.time_limit == 120
    assert call.run.scenario.skills == ["discovery-questions"]
    assert "Get her talking about her mornings." in call.run.scenario.brief
    assert "Earlier in the call: You: Can I show you a quick demo?" in call.run.scenario.brief
    replies = play(call, ["How does a typical morning look for your dispatchers?"], clock)
    opening = call.turns[0]
    assert opening.text in {
        "Slow down. You don't know how we work yet.",
        "Before any demo, what makes you think this fits us?",
    }
    assert "objection:timing" in opening.tags and "drill-start" in opening.tags
    # The scripted customer knows the objection is open: the rep's open question handles it.
    assert replies[1] == "Fine. Ask away." and "handled:timing" in call.turns[2].tags
    assert call.record.variation.choices["mood"] == "rushed"  # the drill's pinned option


def test_only_the_drills_objections_come_up(drill_workspace: Path) -> None:
    clock = ManualClock()
    s = services(drill_workspace, clock)
    call = s.practice.begin("mini", s.profile(), seed=1, drill="slow-down")
    play(call, ["Hm.", "I see.", "Right.", "Okay.", "Sure."], clock)
    raised = {t for turn in call.turns for t in turn.tags if t.startswith("objection:")}
    assert raised == {"objection:timing"}  # `competitor` (after turn 3) stays out of the drill


def test_a_drill_is_saved_in_session_json_and_times_out(drill_workspace: Path) -> None:
    clock = ManualClock()
    s = services(drill_workspace, clock)
    call = s.practice.begin("mini", s.profile(), seed=2, drill="slow-down")
    play(call, ["Hello?", "Still there?"], clock, seconds_per_turn=70)
    assert call.outcome == "time"
    saved = json.loads((s.store.folder(call.record.id) / "session.json").read_text())
    assert saved["drill"] == {
        "id": "slow-down",
        "title": "Slow down",
        "skills": ["discovery-questions"],
    }


def test_an_unknown_drill_says_which_there_are(drill_workspace: Path) -> None:
    s = services(drill_workspace)
    with pytest.raises(UnknownDrill, match="did you mean 'slow-down'"):
        s.practice.begin("mini", s.profile(), drill="slow-dwn")


def test_every_bundled_drill_has_a_walkthrough() -> None:
    catalog = load_catalog([REPO / "scenarios"], [REPO / "rubrics"])
    bundled = {(sid, d.id) for sid, e in catalog.scenarios.items() for d in e.scenario.drills}
    assert bundled == set(DRILLS)
    assert len({sid for sid, _ in bundled}) >= 3


@pytest.mark.parametrize(("scenario", "drill"), DRILLS)
@pytest.mark.parametrize("seed", range(4))
def test_a_rep_who_does_the_right_things_wins_each_bundled_drill(
    workspace: Path, scenario: str, drill: str, seed: int
) -> None:
    clock = ManualClock()
    s = services(workspace, clock)
    call = s.practice.begin(scenario, s.profile(), seed=seed, drill=drill)
    d = call.run.scenario
    play(call, CALLS[scenario]["drills"][drill], clock, seconds_per_turn=5)
    story = "\n".join(f"{t.speaker}: {t.text} {t.tags}" for t in call.turns)
    assert call.outcome == "win", story
    start = s.catalog().scenario(scenario).scenario.drill(drill).start
    if start.objection:
        assert f"objection:{start.objection}" in call.turns[0].tags
    assert d.time_limit <= 180


def test_practice_drill_from_the_command_line(drill_workspace: Path) -> None:
    runner = CliRunner()
    ws = ["--workspace", str(drill_workspace)]
    result = runner.invoke(
        app,
        [*ws, "practice", "mini", "--drill", "slow-down", "--seed", "3"],
        input="How does a typical morning look for your dispatchers?\n/end\nskip\n",
    )
    assert result.exit_code == 0, result.output
    assert "Mini scenario · drill: Slow down" in result.output
    assert "time limit 2:00" in result.output
    assert "Dana: Slow down." in result.output and "Dana: Fine." in result.output
    [row] = json.loads(runner.invoke(app, [*ws, "sessions", "--json"]).output)
    assert row["drill"]["id"] == "slow-down"
    bad = runner.invoke(app, [*ws, "practice", "mini", "--drill", "nope"])
    assert bad.exit_code == 2 and "unknown drill 'nope'" in bad.output
