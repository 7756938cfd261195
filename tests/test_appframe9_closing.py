"""A worker's result landing while its screen is part-way through closing (still attached,
its widgets being removed): `@while_open` (tui/later.py) must make the late call a no-op
then, with public Textual names only.

The probe runs the practice screen's late callbacks (what `call_from_thread` hands back: a
customer's sentence, the end of a reply, speech failing) at every point of its closing that
the event loop can reach: before each message any node dispatches, and before and after each
of its widgets leaves. A failure names the point and what the screen looked like then."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from roleplay.tui.app import RoleplayApp
from roleplay.tui.later import is_open
from roleplay.tui.screens.practice import PracticeScreen
from tests.app_helpers import say, settle, start_call, wait_for


class Elsewhere(Screen[None]):
    def compose(self) -> Any:
        yield Static("elsewhere")


def _late_calls(screen: PracticeScreen) -> list[tuple[str, Callable[[], Any]]]:
    """Run only where the guard fails (else a screen that is open would really start them)."""
    return [
        ("a customer's sentence", lambda: screen._customer_sentence("One more thing.")),
        ("the reply done", screen._reply_done),
    ]


@pytest.mark.parametrize("how", ["switch_screen", "pop_screen"])
async def test_late_callbacks_while_the_screen_closes_do_nothing_and_fail_nothing(
    app: RoleplayApp, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    failures: list[str] = []
    points: list[tuple[str, bool, bool, int]] = []
    probing = False

    async def run_test() -> None:
        nonlocal probing
        async with app.run_test(size=(100, 30)) as pilot:
            await start_call(pilot, "price-objection", seed=2)
            screen = app.screen
            assert isinstance(screen, PracticeScreen)
            await say(pilot, "Who else has a say in this?")
            turns = len(screen.call.turns)

            def probe(where: str) -> None:
                if not probing or screen._parent is None or screen in app.screen_stack:
                    return  # not closing (yet), or closed
                # The truth, from Textual's private state: the screen is being removed.
                closing = screen._pruning or screen._closing or not screen.is_running
                widgets = len(screen.query("#turns, #state, #say"))
                points.append((where, is_open(screen), closing, widgets))
                if is_open(screen) and closing and not failures:  # once: they post more
                    failures.append(
                        f"open at {where}: closing, attached={screen.is_attached}, "
                        f"{widgets} of its 3 widgets left"
                    )
                    for name, call in _late_calls(screen):
                        try:
                            call()  # what a worker's result would do then
                        except Exception as exc:  # noqa: BLE001 - what the probe looks for
                            failures.append(f"  {name}: {type(exc).__name__}: {exc}")

            dispatch = MessagePump._dispatch_message
            loop_exit = Widget._message_loop_exit

            async def dispatching(self: MessagePump, message: Any) -> Any:
                probe(f"{type(message).__name__} to {type(self).__name__}")
                return await dispatch(self, message)

            async def leaving(self: Widget) -> None:
                probe(f"{type(self).__name__} leaving")
                await loop_exit(self)
                probe(f"{type(self).__name__} left")

            monkeypatch.setattr(MessagePump, "_dispatch_message", dispatching)
            monkeypatch.setattr(Widget, "_message_loop_exit", leaving)
            # The screen leaves the stack (replaced as by the scorecard, or popped) and is
            # removed from the app.
            probing = True
            if how == "switch_screen":
                app.switch_screen(Elsewhere())
            else:
                app.pop_screen()
            await wait_for(pilot, lambda: screen._parent is None)
            probing = False
            monkeypatch.undo()
            await settle(pilot)
            assert app.is_running
            assert len(screen.call.turns) == turns  # and nothing was said meanwhile

    await run_test()
    # The probe reached the closing part-way: its widgets already gone, the screen attached.
    assert any(closing and widgets < 3 for _, _, closing, widgets in points), points
    # Where the guard said "open": never while it was being removed.
    opened = [(where, widgets) for where, open_, closing, widgets in points if open_ and closing]
    assert not failures, (
        f"{failures[:6]}; open while closing at {len(opened)} point(s) of "
        f"{len(points)}, with widgets gone at {sum(w < 3 for _, w in opened)}"
    )
