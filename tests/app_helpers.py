"""Building the app for tests: offline adapters, fixture workspace, a manual clock; and the
steps every app test takes (open a screen, a typed call, the config file the app reads)."""

from __future__ import annotations

import html
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from roleplay.adapters.clock import ManualClock
from roleplay.composition import Services, build
from roleplay.config import Settings, config_file
from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.scorecard import ScorecardScreen

REPO = Path(__file__).resolve().parents[1]
S = TypeVar("S", bound=Screen[Any])


def make_workspace(root: Path) -> Path:
    ws = root / "ws"
    if not ws.exists():
        shutil.copytree(REPO / "scenarios", ws / "scenarios")
        shutil.copytree(REPO / "rubrics", ws / "rubrics")
        (ws / "recordings").mkdir()
    return ws


def snapshot_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of this test's own, for pictures: HOME points at it, so the paths the
    screens show read the same in every run ("~/ws"), and two suites running at once share
    no folder. Roleplay's own folders (config, data) are in it too."""
    home = tmp_path / "user"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("ROLEPLAY_HOME", str(home / ".roleplay"))
    return home


def make_services(ws: Path, clock: ManualClock | None = None, **settings: Any) -> Services:
    """The services of `ws` for a tester: offline adapters, time zone UTC, a manual clock;
    `settings` are Settings fields over those (rep="t", llm={...}, voice={...})."""
    fields = {"rep": "tester", "timezone": "UTC", **settings}
    return build(ws, settings=Settings(**fields), clock=clock or ManualClock())


def make_app(
    ws: Path,
    clock: ManualClock | None = None,
    *,
    settings: dict[str, Any] | None = None,
    **options: Any,
) -> RoleplayApp:
    """Typing only unless `options` say otherwise (audio_in=..., realtime=False); `settings`
    as make_services takes them."""
    options.setdefault("voice", "audio_in" in options)
    return RoleplayApp(make_services(ws, clock, **(settings or {})), **options)


def write_config(text: str | bytes) -> Path:
    """The rep's config file (in this test's own ROLEPLAY_HOME) holding `text`."""
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def configured_services(ws: Path) -> Services:
    """The services of `ws` on the settings of the config file, as `roleplay` reads them (not
    a tester's), with a manual clock."""
    return build(ws, clock=ManualClock())


def configured_app(ws: Path, *, later: bool = False) -> RoleplayApp:
    """The app on the config file's settings (configured_services), typing only. `later`: the
    services are built after the first frame, as `roleplay` starts (a failure is shown, and
    `r` builds them again)."""
    if later:
        return RoleplayApp(lambda: configured_services(ws), voice=False)
    return RoleplayApp(configured_services(ws), voice=False)


def held(release: threading.Event, services: Callable[[], Services]) -> Callable[[], Services]:
    """`services` for RoleplayApp, built only once the test sets `release`: what the app shows
    while roleplay starts."""

    def built_once_released() -> Services:
        assert release.wait(60), "the test never let the build finish"
        return services()

    return built_once_released


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and the screen redraw."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot: Pilot[None], condition: Any, timeout: float = 60) -> None:
    """Until `condition()` holds (a worker or a thread may be holding it up), the app running."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


async def wait_for_screen(pilot: Pilot[None], kind: type[S], timeout: float = 60) -> S:
    """Until the app shows a `kind` screen with its widgets in place. A screen pushed from a
    worker's thread is `app.screen` at once, but composes its widgets a few messages later:
    on a busy machine a query right after `isinstance(app.screen, kind)` found nothing."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, kind) and app.screen.is_mounted, timeout)
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


async def start_call(pilot: Pilot[None], scenario: str, seed: int) -> None:
    """Once the app has opened, a typed call of `scenario` (the variation `seed` picks)."""
    app = pilot.app
    assert isinstance(app, RoleplayApp)
    await settle(pilot)
    app.start_practice(scenario, seed=seed)
    await settle(pilot)


async def hang_up(pilot: Pilot[None]) -> None:
    """The rep ends the call early (Escape, then Yes); the call is scored."""
    await pilot.press("escape")
    await pilot.pause()
    await pilot.click("#yes")
    await settle(pilot)


async def open_screen(pilot: Pilot[None], key: str) -> None:
    """Once the app has opened, `key` pressed (f2 Library, f3 History, f4 Progress, f5
    Settings...) and what it opens drawn."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


async def call_to_scorecard(
    pilot: Pilot[None], scenario: str, seed: int, *lines: str
) -> ScorecardScreen:
    """A typed call of `scenario` in which the rep says `lines`, then hangs up: the scorecard
    it shows."""
    await start_call(pilot, scenario, seed)
    for line in lines:
        await say(pilot, line)
    await hang_up(pilot)
    card = pilot.app.screen
    assert isinstance(card, ScorecardScreen)
    return card


async def open_scorecard(pilot: Pilot[None], sid: str) -> ScorecardScreen:
    """Once the app has opened, the scorecard of session `sid` (as History opens it)."""
    app = pilot.app
    assert isinstance(app, RoleplayApp)
    await settle(pilot)
    app.open_session(sid)
    await settle(pilot)
    card = app.screen
    assert isinstance(card, ScorecardScreen)
    return card


async def say(pilot: Pilot[None], line: str) -> None:
    """The rep types `line` and presses Enter once it is their turn: a line sent while the
    customer still speaks is not taken (on a busy machine the opening line was still being
    said when a test typed, and the line was lost to the test)."""
    from roleplay.services.engine import CallState
    from roleplay.tui.screens.practice import PracticeScreen

    screen = pilot.app.screen
    if isinstance(screen, PracticeScreen):
        await wait_for(
            pilot,
            lambda: screen.call.state is not CallState.NOT_STARTED and not screen._replying,
        )
    box = pilot.app.screen.query_one("#say")
    box.value = line  # type: ignore[attr-defined]
    box.focus()
    await pilot.press("enter")
    await settle(pilot)


def footer_keys(app: Any) -> list[str]:
    """The keys the footer shows, as "f2 Library" (Textual's FooterKey widgets)."""
    from textual.widgets._footer import FooterKey

    return [f"{k.key_display} {k.description}".strip() for k in app.screen.query(FooterKey)]


def screen_text(app: Any) -> str:
    """What the terminal shows, line by line: the text runs of the app's SVG screenshot."""
    lines: dict[int, str] = {}
    for number, text in re.findall(
        r'<text [^>]*clip-path="url\(#terminal-\d+-line-(\d+)\)">([^<]*)</text>',
        app.export_screenshot(),
    ):
        lines[int(number)] = lines.get(int(number), "") + html.unescape(text)
    return "\n".join(lines[n].replace("\xa0", " ") for n in sorted(lines))
