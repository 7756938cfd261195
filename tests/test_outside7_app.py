"""The app on a disk that cannot take the call (a read-only recordings folder, a full disk).

The call's worker failed with the OSError: a dialog said "Something went wrong", and the call's
screen stayed as it was for good ("customer speaking" at 0:00, or "ending the call once the
customer is done…" after Esc). Every other call the rep started led back to that dead one, so
only quitting the app got them out. Now the rep is told what failed and what to do, a line that
could not be saved is given back to send again, and the next call starts.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from roleplay.tui.failures import FailureDialog
from roleplay.tui.screens.practice import PracticeScreen, TurnLine
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import (
    hang_up,
    make_app,
    make_workspace,
    say,
    settle,
    start_call,
    wait_for,
    wait_for_screen,
)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return make_workspace(tmp_path)


@pytest.fixture
def read_only(ws: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """While `read_only[0]`, no session folder can be made in recordings/ (a read-only mount:
    the tests may run as root, to whom a chmod is no obstacle)."""
    on = [True]
    real = os.mkdir

    def mkdir(path: str | os.PathLike[str], *args: object, **kwargs: object) -> None:
        folder = Path(path)
        if on[0] and folder.parent == ws / "recordings" and not folder.name.startswith("."):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "mkdir", mkdir)
    yield on


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """While `full_disk[0]`, nothing more fits in a transcript (the disk is full)."""
    on = [False]
    real = os.write

    def write(fd: int, data: bytes | memoryview) -> int:
        if on[0] and Path(f"/proc/self/fd/{fd}").readlink().name == "transcript.jsonl":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    return on


def _said(dialog: FailureDialog) -> str:
    """The dialog's title, message and hint, as one line."""
    return " ".join(str(w.content) for w in dialog.query(Static))


def _transcript(ws: Path) -> str:
    (folder,) = [p for p in (ws / "recordings").iterdir() if not p.name.startswith(".")]
    return (folder / "transcript.jsonl").read_text("utf-8")


async def test_a_call_that_cannot_be_saved_says_why_and_the_next_one_starts(
    ws: Path, read_only: list[bool]
) -> None:
    app = make_app(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.start_practice("discovery-spin", seed=1)
        dialog = await wait_for_screen(pilot, FailureDialog)
        shown = _said(dialog)
        assert "The call could not start" in shown
        assert "Read-only file system" in shown
        assert "Nothing was saved" in shown
        assert "Something went wrong" not in shown
        await pilot.press("enter")
        await wait_for(pilot, lambda: not dialog.is_attached)
        assert not isinstance(app.screen, PracticeScreen)  # not left on a dead call
        read_only[0] = False  # the rep points roleplay at a writable folder: the call starts
        app.start_practice("discovery-spin", seed=1)
        call = await wait_for_screen(pilot, PracticeScreen)
        await settle(pilot)
        assert "still open" not in " ".join(n.message for n in app._notifications)
        assert call.call.turns  # the customer has opened the call


async def test_a_line_said_on_a_full_disk_comes_back_to_send_again(
    ws: Path, full_disk: list[bool]
) -> None:
    line = "What does an hour of unplanned downtime cost you?"
    app = make_app(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_call(pilot, "discovery-spin", seed=1)
        call = await wait_for_screen(pilot, PracticeScreen)
        full_disk[0] = True
        await say(pilot, line)
        dialog = await wait_for_screen(pilot, FailureDialog)
        shown = _said(dialog)
        assert "Your line was not saved" in shown
        assert "No space left on device" in shown
        assert "free some space" in shown
        await pilot.press("enter")
        await wait_for(pilot, lambda: not dialog.is_attached)
        assert app.screen is call
        box = call.query_one("#say", Input)
        assert box.value == line  # nothing typed is lost
        said = " ".join(str(t.content) for t in call.query(TurnLine))
        assert line not in said  # and it is not shown as said
        full_disk[0] = False  # space freed: Enter sends it again
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert line in _transcript(ws)
        assert call.call.turns[-1].speaker == "customer"  # answered
        await hang_up(pilot)
        await wait_for_screen(pilot, ScorecardScreen)


async def test_esc_on_the_customer_could_not_answer_dialog_ends_the_call(ws: Path) -> None:
    """The footer under the dialog says "esc End call"; Esc did nothing there."""
    from roleplay.tui.screens.practice import FailureChoice

    llm = {"base_url": "http://127.0.0.1:9/v1", "max_retries": 0, "timeout": 5}
    app = make_app(ws, settings={"llm": llm})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.start_practice("price-objection", seed=2)
        await wait_for_screen(pilot, PracticeScreen)
        await say(pilot, "What would it take to get this signed this quarter?")
        await wait_for_screen(pilot, FailureChoice)  # nobody answers on port 9
        await pilot.press("escape")
        card = await wait_for_screen(pilot, ScorecardScreen)
        assert card.card.kpis.rep_turns == 1
