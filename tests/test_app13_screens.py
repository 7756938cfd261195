"""What earlier testers found on the app's screens: Settings opened with nothing focused,
History at 60 columns hid Score and Status, the scorecard's tip gave two example lines in a
row, and the no-microphone notice said "practise by typing" twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList
from typer.testing import CliRunner

from roleplay.adapters.clock import ManualClock
from roleplay.cli import app as cli
from roleplay.presentation.format import tip_example
from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import (
    hang_up,
    make_app,
    make_workspace,
    open_screen,
    say,
    screen_text,
    start_call,
    wait_for,
)
from tests.test_audio_probe import hung_sound_system  # noqa: F401 - a fixture


async def test_settings_opens_with_the_first_field_focused(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(pilot, "f5")
        focused = app.focused
        assert isinstance(focused, Input) and focused.id == "rep"
        await pilot.press("a", "n", "n")  # a keyboard user types at once
        assert focused.value.endswith("ann")


def _app_with_calls(tmp_path: Path) -> RoleplayApp:
    clock = ManualClock()
    app = make_app(make_workspace(tmp_path), clock)
    for scenario, seed in (("discovery-spin", 1), ("price-objection", 2)):
        call = app.services.practice.begin(scenario, app.services.profile(), seed=seed)
        list(call.start())
        clock.advance(20)
        list(call.rep_says("Walk me through how maintenance is organised today?"))
        clock.advance(20)
        app.services.practice.finish(call)
        clock.advance(3600 * 24)
    return app


@pytest.mark.parametrize("width", [60, 80, 100])
async def test_history_keeps_score_and_status_in_view(tmp_path: Path, width: int) -> None:
    app = _app_with_calls(tmp_path)
    scores = [f"{app.services.store.overall(r.id):.1f}" for r in app.services.store.records()]
    async with app.run_test(size=(width, 20)) as pilot:
        await open_screen(pilot, "f3")
        await wait_for(pilot, lambda: "rep-ended" in screen_text(app))
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if line.strip().startswith("Date"))
        assert "Score" in header and "Status" in header
        rows = [line for line in lines if "rep-ended" in line]
        assert len(rows) == 2
        for score in scores:
            assert any(score in row for row in rows)
        assert all(len(line.rstrip()) <= width for line in lines)
        # The title, cut to fit, still finds its call.
        await pilot.press("slash", *"bakery", "enter")
        await wait_for(
            pilot, lambda: sum("rep-ended" in x for x in screen_text(app).split("\n")) == 1
        )


def test_a_tip_that_gives_its_own_example_is_shown_without_another() -> None:
    tip = 'Ask two open questions first. Try: "Walk me through what happens when a line stops."'
    assert tip_example(tip, "Walk me through how maintenance is organised today.") is None
    assert tip_example("Ask two open questions first.", "What happens then?") == (
        "What happens then?"
    )
    assert tip_example("Ask two open questions first.", None) is None


async def test_the_scorecard_tip_gives_one_example(app: RoleplayApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot, "discovery-spin", seed=7)
        await say(pilot, "Walk me through how maintenance is organised across the two plants.")
        await hang_up(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        options = app.screen.query_one("#criteria", OptionList)
        tips = [
            str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)
            if "Next time" in str(options.get_option_at_index(i).prompt)
        ]
        assert tips
        for tip in tips:
            assert tip.count("Try:") + tip.count("e.g.") == 1, tip


async def test_the_no_microphone_notice_says_typing_once(
    tmp_path: Path,
    hung_sound_system: None,  # noqa: F811 - the fixture
) -> None:
    app = make_app(make_workspace(tmp_path), settings={"rep": "t"}, voice=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.microphone is not None, timeout=60)
        notices = [str(n.message) for n in app._notifications if "microphone" in str(n.message)]
        assert notices and notices[0].startswith("No microphone: the sound system did not")
        assert notices[0].lower().count("by typing") == 1, notices[0]


def test_the_cli_no_microphone_notice_says_typing_once(
    mini_workspace: Path,
    hung_sound_system: None,  # noqa: F811 - the fixture
) -> None:
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(mini_workspace), "practice", "mini", "--seed", "7"],
        input="How does a typical morning look for your dispatch team?\n/end\nskip\n",
    )
    assert result.exit_code == 0, result.output
    notice = " ".join(result.stdout.split("Mini scenario")[0].split())
    assert notice.startswith("No microphone: the sound system did not answer")
    assert notice.lower().count("by typing") == 1, notice
