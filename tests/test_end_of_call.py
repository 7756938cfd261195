"""The end of a call as one service (issue 12): the catalog is parsed once per scored call and
again only when a trainer file changes; the schedule is kept per process and follows the
recordings on disk; the CLI and the app show the same schedule and commitment."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import roleplay.domain.loading as loading
from roleplay.adapters.clock import ManualClock, SystemClock
from roleplay.adapters.session_records import SessionRecords
from roleplay.composition import build
from roleplay.config import Settings
from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests import cli_helpers
from tests.app_helpers import make_workspace, say, settle
from tests.helpers import play, services, two_calls_with_a_commitment

LINES = [
    "Hi, thanks for taking the call. What made you look at this now?",
    "How many errors a week does the team fix by hand?",
    "Could we take 30 minutes on Tuesday at 2 with you and finance?",
]


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How many times each trainer file is parsed from YAML (a spy: parsing still happens)."""
    counts: Counter[str] = Counter()
    real = loading.parse_yaml

    def counting(text: str, file: str) -> Any:
        counts[file] += 1
        return real(text, file)

    monkeypatch.setattr(loading, "parse_yaml", counting)
    yield counts


def yaml_files(ws: Path) -> int:
    return len(list((ws / "scenarios").glob("*.yaml")) + list((ws / "rubrics").glob("*.yaml")))


def invoke(ws: Path, *args: str, input: str | None = None) -> Any:
    result = cli_helpers.invoke(ws, *args, input=input)
    assert result.exit_code == 0, result.output
    return result


def test_a_typed_call_through_the_cli_parses_each_trainer_file_once(
    workspace: Path, parsed: Counter[str]
) -> None:
    typed = "\n".join([*LINES, "/end", "skip"]) + "\n"
    out = invoke(workspace, "practice", "discovery-spin", "--text", "--offline", input=typed)
    assert "Scorecard" in out.output and "Saved in" in out.output
    assert len(parsed) == yaml_files(workspace)  # every file read...
    assert set(parsed.values()) == {1}  # ...once, for the brief, the judge and the schedule


def test_score_last_parses_each_trainer_file_once(
    workspace: Path, parsed: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_REP", "kari")
    invoke(workspace, "practice", "discovery-spin", "--text", "--offline", input="Hi\n/end\n")
    parsed.clear()
    out = invoke(workspace, "score", "last", "--judge", "offline").output
    assert "Comes back:" in out  # the re-score rebuilt the schedule and says what comes next
    # At most once each; none at all here, as `practice` left them in the catalog cache.
    assert len(parsed) <= yaml_files(workspace) and set(parsed.values()) <= {1}


def test_an_edited_scenario_is_seen_by_the_next_call_and_nothing_else_is_reparsed(
    workspace: Path, parsed: Counter[str]
) -> None:
    svc = services(workspace)
    first = svc.practice.begin("discovery-spin", svc.profile())
    assert first.record.scenario.title == "SPIN discovery: unplanned downtime at a bakery plant"
    assert svc.catalog() is svc.catalog()  # unchanged files: the same catalog, not reparsed
    assert set(parsed.values()) == {1}

    path = workspace / "scenarios" / "discovery-spin.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace('title: "SPIN discovery', 'title: "SPIN basics', 1), "utf-8")
    second = svc.practice.begin("discovery-spin", svc.profile())
    assert second.record.scenario.title == "SPIN basics: unplanned downtime at a bakery plant"
    assert second.record.scenario.sha256 != first.record.scenario.sha256


def test_a_new_broken_file_shows_up_without_a_restart(workspace: Path) -> None:
    svc = services(workspace)
    assert not svc.catalog().problems
    (workspace / "rubrics" / "half.yaml").write_text("id: half\ncriteria: [\n", "utf-8")
    assert {Path(p.file).name for p in svc.catalog().problems} == {"half.yaml"}
    (workspace / "rubrics" / "half.yaml").unlink()
    assert not svc.catalog().problems


def test_one_habit_per_rep_follows_sessions_another_process_saved(workspace: Path) -> None:
    mine, other = services(workspace), services(workspace)  # two processes on one workspace
    habit = mine.habit()
    assert habit is mine.habit()  # one per process: its state is kept between screens
    assert habit.state().sessions == []
    call = other.practice.begin("discovery-spin", other.profile(), seed=1)
    play(call, LINES)
    done = other.end_of_call().finish(call)
    assert [e.id for e in habit.state().sessions] == [done.session_id]
    assert set(done.comes_back) <= set(habit.state().cards)


def test_a_kept_schedule_reads_no_session_file_until_one_changes(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = services(workspace)
    call = svc.practice.begin("discovery-spin", svc.profile(), seed=1)
    play(call, LINES)
    svc.end_of_call().finish(call)
    reads: list[str] = []
    real = Path.read_bytes

    def reading(self: Path) -> bytes:
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", reading)
    svc.habit().state()
    svc.habit().open_commitments()
    assert "session.json" not in reads and "scorecard.json" not in reads
    svc.habit().commit(
        call.record.id, "Ask about the cost of errors first"
    )  # saved via the service
    assert svc.habit().open_commitments()[0].commitment.text.startswith("Ask about the cost")


def test_rescoring_notes_a_changed_rubric_and_keeps_the_commitment_checks(
    workspace: Path,
) -> None:
    clock = ManualClock()
    svc = services(workspace, clock)
    done = two_calls_with_a_commitment(svc, clock, LINES)
    second = done.transcript
    assert done.scorecard.commitments  # the first call's commitment was checked

    rubric = workspace / "rubrics" / "discovery.yaml"
    text = rubric.read_text("utf-8")
    rubric.write_text(text.replace("version: 1", "version: 2", 1), "utf-8")
    again = svc.end_of_call().rescore(second.record.id)
    assert again.scorecard.notes[0] == (
        "Scored with rubric version 2; the session was practised under version 1."
    )
    assert again.scorecard.commitments == done.scorecard.commitments
    assert again.comes_back == done.comes_back and again.suggestion == done.suggestion
    saved = svc.store.scorecard(second.record.id)
    assert saved is not None and saved.commitments == done.scorecard.commitments


async def test_the_cli_and_the_app_show_the_same_schedule_and_commitment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = datetime.now(UTC).date()
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    cli_ws = make_workspace(tmp_path / "cli")
    typed = "\n".join([*LINES, "/end"]) + "\n"
    args = ["practice", "discovery-spin", "--seed", "1", "--rep", "tester", "--json"]
    shown = json.loads(invoke(cli_ws, *args, input=typed).stdout)

    settings = Settings(rep="tester", timezone="UTC")
    app = RoleplayApp(build(make_workspace(tmp_path / "app"), settings, SystemClock()))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.start_practice("discovery-spin", seed=1)
        await settle(pilot)
        for line in LINES:
            await say(pilot, line)
        if isinstance(app.screen, PracticeScreen):  # hang up, as the CLI's /end did
            await pilot.press("escape")
            await pilot.pause()
            await pilot.click("#yes")
            await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScorecardScreen)
        if datetime.now(UTC).date() != day:
            pytest.skip("midnight passed between the two calls: their days differ")
        assert shown["comes_back"]  # something to compare
        assert {k: v.isoformat() for k, v in screen.comes_back.items()} == shown["comes_back"]
        assert screen.suggestion == shown["commitment_suggestion"]["text"]
        levels = {c.id: c.level for c in screen.card.criteria}
        assert levels == {c["id"]: c["level"] for c in shown["criteria"]}
        assert all(isinstance(date.fromisoformat(v), date) for v in shown["comes_back"].values())


def test_the_kept_session_list_follows_damage_and_repair_of_a_session_file(
    workspace: Path,
) -> None:
    svc = services(workspace)
    call = svc.practice.begin("discovery-spin", svc.profile(), seed=1)
    play(call, LINES[:1])
    svc.end_of_call().finish(call)
    kept = SessionRecords(workspace / "recordings")
    version, [record] = kept.current()
    assert kept.current()[0] == version  # nothing changed: the same list
    path = workspace / "recordings" / record.id / "session.json"
    good = path.read_bytes()
    path.write_bytes(b'{"id": ')  # damaged in place: one bad file hides nothing else
    damaged, found = kept.current()
    assert damaged != version and found == []
    path.write_bytes(good)
    assert [r.id for r in kept.current()[1]] == [record.id]


async def test_a_scenario_edited_while_the_app_runs_is_what_the_next_call_uses(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path)
    settings = Settings(rep="tester", timezone="UTC")
    app = RoleplayApp(build(ws, settings, ManualClock()))
    path = ws / "scenarios" / "discovery-spin.yaml"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.start_practice("discovery-spin", seed=1)
        await settle(pilot)
        assert isinstance(app.screen, PracticeScreen)
        first = app.screen.call.record.scenario
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#yes")
        await settle(pilot)
        await pilot.press("escape")  # close the scorecard
        await settle(pilot)
        # The trainer saves an edit in their editor while the app stays open.
        text = path.read_text("utf-8")
        path.write_text(text.replace("version: 1", "version: 2", 1), "utf-8")
        app.start_practice("discovery-spin", seed=1)
        await settle(pilot)
        assert isinstance(app.screen, PracticeScreen)
        second = app.screen.call.record.scenario
    assert (first.version, second.version) == (1, 2)
    assert first.sha256 != second.sha256
