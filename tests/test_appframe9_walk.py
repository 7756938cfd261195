"""What a new rep met in the first hour, walking the app in a terminal with no LLM and no
microphone: the keys shown are the ones that work, and Today's words agree with the
scorecard they just read."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from textual.widgets import Static

from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.home import HomeScreen
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import (
    hang_up,
    say,
    screen_text,
    settle,
    start_call,
    wait_for_screen,
)


async def test_a_typed_call_does_not_offer_talk(app: RoleplayApp) -> None:
    """No microphone: the footer offered "^t Talk", which only said "type instead"."""
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot, "price-objection", seed=2)
        assert isinstance(app.screen, PracticeScreen)
        footer = screen_text(app).splitlines()[-1]
        assert "End call" in footer
        assert "Talk" not in footer


async def test_today_says_why_a_skill_is_due_when_the_schedule_says_tomorrow(
    app: RoleplayApp,
) -> None:
    """After a weak first call the scorecard said the skill comes back tomorrow, and Today
    listed it as due with "due: the schedule brings it back today": both cannot be true.
    It is due because the level is below the pass level, and Today now says so."""
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot, "cold-call-gatekeeper", seed=1)
        await say(pilot, "Hi.")
        await hang_up(pilot)
        card = await wait_for_screen(pilot, ScorecardScreen)
        tomorrow = {skill for skill, day in card.comes_back.items() if day > card_day(app)}
        await pilot.press("escape")
        home = await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
        due = [i for i in home._items if i.kind == "due" and i.skill in tomorrow]
        assert due, "the weak call left no skill due today that the scorecard put later"
        legend = str(home.query_one("#why-legend", Static).content)
        assert "below the pass level" in legend


def card_day(app: Any) -> date:
    """Today for the rep (make_app sets the time zone to UTC)."""
    today: date = app.services.practice.clock.now().astimezone(UTC).date()
    return today
