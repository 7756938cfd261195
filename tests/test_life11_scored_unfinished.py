"""A session left unfinished (a call quit to score later, or cut off by a crash) and scored
afterwards, with `roleplay score ID` or the app's History (`s`). The scorecard was saved, but
the session still read "unfinished" (History, `sessions`, `show`), never entered the practice
schedule (`today` never brought its weak skills back) and the scorecard said nothing of when
its skills come back. Scored, it now counts as practice like any scored call: it reads
"cut-short" with its score, ends where its last turn ended, and its skills are on the
schedule; the CLI and the app agree. Its transcript is not touched, and a scoring that fails
leaves the session exactly as it was."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app as cli
from roleplay.composition import Services, build
from roleplay.domain.rubric import Rubric
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import Transcript
from roleplay.services.ports import JudgeUnavailable

runner = CliRunner()
LINES = (
    "How does a typical morning look for your dispatch team?",
    "What budget have you set aside for that?",
)


def _cli(ws: Path, *args: str) -> str:
    result = runner.invoke(cli, ["--workspace", str(ws), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _unfinished(services: Services, scenario: str, lines: tuple[str, ...] = LINES) -> str:
    """A typed call with a few lines, never ended (quit to score later, or a crash)."""
    call = services.practice.begin(scenario, services.profile(), seed=7, mode="text")
    list(call.start())
    for line in lines:
        list(call.rep_says(line))
    return call.record.id


def _files(services: Services, sid: str) -> tuple[bytes, bytes]:
    folder = services.store.folder(sid)
    return (folder / "transcript.jsonl").read_bytes(), (folder / "session.json").read_bytes()


def test_roleplay_score_counts_an_unfinished_session_as_practice(mini_workspace: Path) -> None:
    with build(mini_workspace) as services:
        sid = _unfinished(services, "mini")
        transcript, _ = _files(services, sid)
        last_turn = services.store.load(sid).turns[-1].end
        started = services.store.load(sid).record.started_at
    [listed] = json.loads(_cli(mini_workspace, "sessions", "--json"))
    assert listed["status"] == "unfinished"

    scored = _cli(mini_workspace, "score", sid)
    assert "Comes back" in scored  # when its skills come back, as after any scored call

    [listed] = json.loads(_cli(mini_workspace, "sessions", "--json"))
    assert listed["status"] == "cut-short" and listed["overall"] is not None
    assert listed["duration"] == pytest.approx(last_turn)  # as long as the call was
    table = _cli(mini_workspace, "sessions")
    assert "cut-short" in table and "unfinished" not in table
    shown = _cli(mini_workspace, "show", sid)
    # still a call that did not finish, now with how it ended (words12)
    assert "cut-short" in shown and "This call did not finish" in " ".join(shown.split())
    with build(mini_workspace) as services:
        assert _files(services, sid)[0] == transcript  # the turns as they were, byte for byte
        record = services.store.load(sid).record
        assert record.ended_at == started + timedelta(seconds=last_turn)  # not the scoring's
        state = services.habit().state()
        assert sid in {s.id for s in state.sessions}  # on the schedule
        card = services.store.scorecard(sid)
        assert card is not None
        assert {c.skill for c in card.criteria if c.level is not None} <= set(state.cards)


async def test_the_app_scores_it_from_history_as_the_cli_does(tmp_path: Path) -> None:
    """History's `s`: the scorecard says when its skills come back, History reads
    "cut-short" with the score, and the schedule has its skills."""
    from roleplay.tui.screens.scorecard import ScorecardScreen
    from tests.app_helpers import (
        make_app,
        make_workspace,
        screen_text,
        settle,
        wait_for,
        wait_for_screen,
    )

    app = make_app(make_workspace(tmp_path))
    sid = _unfinished(app.services, "price-objection", (LINES[0],))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: "unfinished" in screen_text(app))
        app.screen.query_one("#sessions").focus()
        await settle(pilot)
        await pilot.press("s")
        card = await wait_for_screen(pilot, ScorecardScreen)
        assert card.comes_back, "the scorecard said nothing of when its skills come back"
        assert "Comes back" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: "cut-short" in screen_text(app))
        assert "unfinished" not in screen_text(app)
    services = app.services
    record = services.store.load(sid).record
    assert record.ended_at is not None and record.outcome == "cut-short"
    state = services.habit().state()
    assert sid in {s.id for s in state.sessions}
    assert set(card.comes_back) <= set(state.cards)


class DownJudge:
    name = "llm:down"

    def score(self, rubric: Rubric, transcript: Transcript) -> Scorecard:
        raise JudgeUnavailable("the LLM server at 127.0.0.1:9 did not answer", "start it")


def test_a_scoring_that_fails_leaves_the_session_exactly_as_it_was(mini_workspace: Path) -> None:
    with build(mini_workspace) as services:
        sid = _unfinished(services, "mini")
        before = _files(services, sid)
        services.practice.judge = DownJudge()
        with pytest.raises(JudgeUnavailable):
            services.end_of_call().rescore(sid)
        assert _files(services, sid) == before  # still unfinished, to be scored again
        assert services.store.scorecard(sid) is None
        assert sid not in {s.id for s in services.habit().state().sessions}


def test_a_session_scored_unfinished_before_this_fix_reaches_the_schedule_when_scored_again(
    mini_workspace: Path,
) -> None:
    """A scorecard saved while the session stayed unfinished (the old way): scored again
    with the same card, the session is ended and scheduled, not skipped as unchanged."""
    with build(mini_workspace) as services:
        sid = _unfinished(services, "mini")
        unfinished = _files(services, sid)[1]
        services.practice.score_transcript(services.store.load(sid), services.catalog())
        # As it was left before: scored, still unfinished (the same card a re-score gives).
        (services.store.folder(sid) / "session.json").write_bytes(unfinished)
        services.store.update(services.store.load(sid).record)  # and indexed as such
        assert services.store.load(sid).record.ended_at is None
        assert sid not in {s.id for s in services.habit().state().sessions}
    assert "Comes back" in _cli(mini_workspace, "score", sid)
    with build(mini_workspace) as services:
        assert services.store.load(sid).record.outcome == "cut-short"
        assert sid in {s.id for s in services.habit().state().sessions}
