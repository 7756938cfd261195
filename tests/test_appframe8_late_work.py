"""Work that ends after the rep moved on: the services built as the rep quits, a customer's
reply still streaming when the rep ends the call. Nothing fails, and no turn is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from roleplay.services.ports import CustomerRequest, Sentence
from roleplay.tui.app import RoleplayApp
from roleplay.tui.failures import FailureDialog
from roleplay.tui.screens.home import HomeScreen
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import (
    held,
    make_services,
    make_workspace,
    settle,
    start_call,
    wait_for,
)


async def test_services_ready_as_the_rep_quits_do_not_fail_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script quit the instant the services were ready: Textual runs Today's subscriber
    a few messages after the services are published, and by then Today was closing
    (MountError: the offline banner mounted onto it). Held here, and run once the app quit."""
    ws = make_workspace(tmp_path)
    release = threading.Event()
    queued: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
    call_next = HomeScreen.call_next

    def hold(self: HomeScreen, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if getattr(callback, "__name__", "") == "_services_built":
            queued.append((callback, args))  # what Textual would run a moment later
        else:
            call_next(self, callback, *args, **kwargs)

    monkeypatch.setattr(HomeScreen, "call_next", hold)
    app = RoleplayApp(held(release, lambda: make_services(ws, rep="t")), voice=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        release.set()
        await wait_for(pilot, lambda: bool(queued))
        assert app.services.offline  # the banner would be mounted
        app.exit()  # the rep quits; Textual then runs what it had queued for Today:
        for callback, args in queued:
            callback(*args)  # no MountError, nothing else


class HeldCustomer:
    """Says one sentence, then waits (a slow model) before the rest of its reply."""

    name = "held"

    def __init__(self) -> None:
        self.started = threading.Event()
        self.go_on = threading.Event()

    def respond(self, request: CustomerRequest) -> Iterator[Any]:
        yield Sentence("Hold on, let me check the numbers.")
        self.started.set()
        self.go_on.wait(60)
        yield Sentence("We can do the pilot in March.")


async def test_ending_the_call_while_the_customer_answers_keeps_their_line(
    app: RoleplayApp,
) -> None:
    """Ended (Esc, End call) while a slow customer was still answering: the call was scored
    at once, without their line, which then landed on a closed screen. The call now ends
    once they are done, and their whole line is in the transcript and the scorecard."""
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot, "price-objection", seed=2)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        customer = HeldCustomer()
        screen.call.switch_customer(customer)
        box = screen.query_one("#say")
        box.value = "What did the team think of the proposal?"  # type: ignore[attr-defined]
        box.focus()
        await pilot.press("enter")
        await wait_for(pilot, customer.started.is_set)
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(app.screen.query("#yes")))
        await pilot.click("#yes")
        state = screen.query_one("#state")

        def scored_or_waiting() -> bool:
            waiting = "ending the call" in str(state.content)  # type: ignore[attr-defined]
            return waiting or isinstance(app.screen, ScorecardScreen)

        await wait_for(pilot, scored_or_waiting)
        customer.go_on.set()
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        await settle(pilot)
        assert not isinstance(app.screen, FailureDialog)
        scorecard = app.screen
        assert isinstance(scorecard, ScorecardScreen)
        last = scorecard.transcript.turns[-1]
        assert last.speaker == "customer"
        assert last.text == "Hold on, let me check the numbers. We can do the pilot in March."
    [record] = app.services.store.records()
    assert record.outcome == "rep-ended"
    assert app.services.store.load(record.id).turns[-1].text.endswith("pilot in March.")


async def test_the_last_screen_asked_for_while_starting_is_the_one_shown(tmp_path: Path) -> None:
    """F3 then F1 pressed while roleplay was starting: Today was shown, then History opened
    by itself once the services were built (the first choice was kept, the last ignored)."""
    ws = make_workspace(tmp_path)
    release = threading.Event()
    app = RoleplayApp(held(release, lambda: make_services(ws, rep="t")), voice=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f3")
        await pilot.press("f1")
        release.set()
        await wait_for(pilot, lambda: app.services_ready)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f3")  # and later presses still open what they say
        await settle(pilot)
        assert app.current_mode == "history"
