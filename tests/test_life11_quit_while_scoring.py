"""Quitting ("Quit now") while a slow LLM judge scores a call (Ctrl+Q during scoring in the
app). The app left the screen after EXIT_WAIT_SECONDS and closed its services while the judge
was still waiting for the model: the scorecard file was written when the answer came (the
process's exit waits for the thread), but the index was closed under it (IndexClosed: the
session stayed pending until the next catch-up), the practice schedule was not updated, and
the judge, on its closed LLM client, fell back to the offline judge. Now the services stay
open until the scoring is done: the LLM's scorecard, the index and the schedule are all
there when the process ends.

Against a real OpenAI-compatible server on a local socket (tests/fake_openai.py), whose
answer to the judge is held until the app has quit."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.practice import PracticeScreen
from tests.app_helpers import make_services, say, start_call, wait_for
from tests.fake_openai import FakeOpenAI, Reply
from tests.test_cli_scoring import verdict

LINE = "How does a typical morning look for your dispatch team?"


class HeldReply(Reply):
    """The judge's answer, sent only once the test lets the server answer (a slow model)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.text)
        self.asked = threading.Event()
        self.release = threading.Event()

    @property
    def first_token_delay(self) -> float:  # read by the server's thread as it answers
        self.asked.set()
        assert self.release.wait(120), "the test never let the judge answer"
        return 0.0

    @first_token_delay.setter
    def first_token_delay(self, value: float) -> None:
        pass  # the dataclass's own __init__ sets it


async def _until(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Until `condition()` holds. The app has quit, but the loop still runs: the scoring's
    thread hands its results to it (call_from_thread), as in the program's own exit."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_quit_now_while_a_slow_llm_judge_scores_keeps_the_index_and_schedule_updates(
    mini_workspace: Path, fake_llm: FakeOpenAI, isolated_user_dirs: Path
) -> None:
    ws = mini_workspace
    llm = {"base_url": fake_llm.url, "model": "test-model", "max_retries": 0, "timeout": 120}
    # Built by the app (as bare `roleplay` does), so the app closes them as it exits.
    app = RoleplayApp(lambda: make_services(ws, llm=llm), voice=False)
    app.EXIT_WAIT_SECONDS = 0.1  # the screen stops waiting at once: the judge is slower
    held = HeldReply(verdict(4))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.services_ready)
        await start_call(pilot, "mini", seed=7)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        await say(pilot, LINE)  # the LLM customer answers ("Okay.")
        sid = screen.call.record.id
        fake_llm.queue(held)  # the next request is the judge's
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(app.screen.query("#yes")))
        await pilot.click("#yes")
        await wait_for(pilot, held.asked.is_set)  # the judge waits for the model
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.screen.is_mounted and bool(app.screen.query("#quit")))
        await pilot.click("#quit")
        await wait_for(pilot, lambda: app._exit)
    assert not app.is_running  # the app has left the screen; the judge is still waiting
    services = app.services
    threads = app._threads
    assert threads is not None
    held.release.set()
    await _until(lambda: not threads.running(), "the scoring to end")
    await _until(lambda: services.closed, "the services to close once it ended")

    folder = ws / "recordings" / sid
    card = json.loads((folder / "scorecard.json").read_text())
    assert card["judge"] != "offline" and not card["approximate"], card["notes"]
    assert not (ws / "recordings" / ".index" / "pending" / sid).exists(), "left to a catch-up"
    # The index holds the scorecard (read as it is, without any catch-up).
    index = isolated_user_dirs / "data" / "index.sqlite"
    with sqlite3.connect(index) as db:
        [(overall,)] = db.execute("SELECT overall FROM sessions WHERE id = ?", (sid,))
    assert overall == card["overall"]
    # The practice schedule (the rep's saved state) has the session.
    habit = [p.read_text() for p in (isolated_user_dirs / "data" / "habit").glob("*.json")]
    assert any(sid in text for text in habit), "the schedule was not updated"
