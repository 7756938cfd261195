"""The app with voice: a whole practice session driven from an audio file to the scorecard,
with the real tiny.en model, and the UI thread staying responsive while it transcribes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import Static

from roleplay.adapters.clock import ManualClock
from roleplay.tui.screens.practice import PracticeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import make_app, make_workspace, settle
from tests.speech import conversation, espeak_available, write_wav

pytestmark = pytest.mark.skipif(
    not espeak_available(), reason="espeak-ng is not installed (scripts/test installs it)"
)

LINES = [
    "Who looks after energy across the hotels?",
    "What is Sunita focused on this year?",
    "Could you book twenty minutes in her diary on Thursday morning?",
]


async def wait_for(pilot, condition, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.1)


async def test_a_spoken_call_from_an_audio_file_to_the_scorecard(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "rep.wav", conversation(LINES, gap=3.0).audio)
    app = make_app(make_workspace(tmp_path), ManualClock(), audio_in=wav, realtime=False)
    lags: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.ready_to_talk)  # tiny.en loaded in a worker
        app.start_practice("cold-call-gatekeeper", seed=1)
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and app.screen.voice is not None
        # While the call listens and transcribes in its threads, the UI keeps drawing: a
        # 50 ms timer on the UI thread must never be late by more than a few frames.
        last = time.monotonic()

        def tick() -> None:
            nonlocal last
            now = time.monotonic()
            lags.append(now - last - 0.05)
            last = now

        timer = app.set_interval(0.05, tick)
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        timer.stop()
        screen = app.screen
        assert isinstance(screen, ScorecardScreen) and screen.card.overall is not None
    record = app.services.store.records()[0]
    assert record.mode == "voice" and record.outcome == "win"
    turns = app.services.store.load(record.id).turns
    rep = [t for t in turns if t.speaker == "rep"]
    assert len(rep) == 3 and "thursday" in rep[2].text.lower()
    assert all(t.audio for t in turns), "every turn keeps its audio"
    assert max(lags) < 0.25, f"UI thread blocked for {max(lags):.2f} s"


async def test_no_microphone_means_typing_with_a_plain_notice(tmp_path: Path) -> None:
    from roleplay.composition import build
    from roleplay.config import Settings
    from roleplay.tui.app import RoleplayApp

    app = RoleplayApp(
        build(
            make_workspace(tmp_path),
            settings=Settings(rep="t", timezone="UTC", voice={"input_device": "no-such-mic"}),
        )
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.microphone is not None, timeout=30)
        await settle(pilot)
        assert app.microphone is False
        assert any("No microphone" in str(n.message) for n in app._notifications)
        app.start_practice("cold-call-gatekeeper", seed=1)
        await settle(pilot)
        assert app.screen.query_one("#say").display  # typing
        assert "listening" not in str(app.screen.query_one("#state", Static).content)
