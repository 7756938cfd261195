"""The app's first frame comes before the services: Home says it is loading, then fills in
(with the offline notice when no LLM is configured); a start that fails is said on screen and
can be retried; a screen asked for meanwhile opens once roleplay has started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from textual.color import Color
from textual.widgets import DataTable, Static

import roleplay
from roleplay.composition import Services
from roleplay.tui.app import RoleplayApp
from roleplay.tui.failures import FailureDialog
from roleplay.tui.screens.home import HomeScreen
from roleplay.tui.widgets import OFFLINE_TEXT, OfflineBanner
from tests.app_helpers import (
    configured_app,
    configured_services,
    held,
    make_services,
    make_workspace,
    settle,
    wait_for,
    wait_for_screen,
    write_config,
)


def text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_home_is_drawn_before_the_services_and_fills_in_when_they_are_built(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path)
    release = threading.Event()
    calls: list[str] = []

    def services() -> Services:
        calls.append(threading.current_thread().name)
        assert release.wait(60), "the test never let the build finish"
        return make_services(ws)

    app = RoleplayApp(services, voice=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "Loading today's queue" in text(home, "#streak")
        assert not home.query(OfflineBanner)  # not known yet: nothing claims either way
        assert "workspace" not in text(home, "TitleBar")
        await wait_for(pilot, lambda: calls)
        assert calls != [threading.current_thread().name]  # built off the UI thread
        await pilot.press("f3")  # History, asked for while roleplay starts
        await pilot.pause()
        assert app.screen is home
        release.set()
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HistoryScreen")
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen is home
        banner = home.query_one(OfflineBanner)
        assert str(banner.content) == OFFLINE_TEXT
        assert home.children.index(banner) == 1  # right under the title, as when started ready
        assert "workspace" in text(home, "TitleBar") and str(ws) in text(home, "TitleBar")
        assert text(home, "#streak").startswith("Streak: ")
        assert home.query_one("#queue", DataTable).row_count > 0


async def test_a_broken_config_file_is_shown_and_can_be_fixed_without_restarting(
    tmp_path: Path,
) -> None:
    path = write_config('rep = "tester"\ntimezone = "UTC"\n[voice\n')  # a missing ]
    app = configured_app(make_workspace(tmp_path), later=True)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await wait_for_screen(pilot, FailureDialog)
        message = text(dialog, "#failure-message")
        assert str(path) in message and "not valid TOML" in message
        await pilot.press("enter")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "not valid TOML" in text(home, "#streak")
        assert "Press r to try again" in text(home, "#streak")
        await pilot.press("f2")  # no screen can open without the services: said, not silent
        await pilot.pause()
        assert app.screen is home
        assert any("could not start" in str(n.message) for n in app._notifications)
        path.write_text('rep = "tester"\ntimezone = "UTC"\n')
        await pilot.press("r")
        await wait_for(pilot, lambda: app.services_ready)
        await settle(pilot)
        assert text(home, "#streak").startswith("Streak: ")
        assert home.query(OfflineBanner)


async def test_a_config_file_that_is_not_utf8_is_named_in_the_app(tmp_path: Path) -> None:
    path = write_config('timezone = "UTC"\nrep = "Ren\xe9e"\n'.encode("latin-1"))
    app = configured_app(make_workspace(tmp_path), later=True)
    async with app.run_test(size=(100, 30)) as pilot:
        # The dialog composed, not only pushed: on a busy machine its text comes a frame later.
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, FailureDialog) and app.screen.query("#failure-ok"),
        )
        assert text(app.screen, "#failure-title") == "The config file cannot be used"
        message = text(app.screen, "#failure-message")
        assert f"{path}:2:11: not UTF-8 (byte 0xE9)" in message
        assert "must be saved as UTF-8" in message
        assert "re-save it as UTF-8" in text(app.screen, "#failure-hint")
        await pilot.press("enter")
        await pilot.pause()
        assert str(path) in text(app.screen, "#streak")  # Today says it too
        path.write_text('timezone = "UTC"\nrep = "Renée"\n', encoding="utf-8")
        await pilot.press("r")
        await wait_for(pilot, lambda: app.services_ready)
        assert app.services.settings.rep_name == "Renée"


async def test_the_first_frame_already_has_the_reps_theme(tmp_path: Path) -> None:
    """No flash of the default theme: the saved one is there before the services are built,
    and building them does not switch it again."""
    ws = make_workspace(tmp_path)
    write_config('rep = "tester"\n[ui]\ntheme = "textual-light"\n')
    release = threading.Event()
    app = RoleplayApp(held(release, lambda: configured_services(ws)), voice=False)
    async with app.run_test(size=(100, 30)) as pilot:
        changes: list[str] = []
        app.theme_changed_signal.subscribe(app, lambda theme: changes.append(theme.name))
        try:
            await pilot.pause()
            assert not app.services_ready  # still building: what the first frames show
            assert app.theme == "textual-light" and not app.current_theme.dark
            background = Color.parse(app.current_theme.background or "")
            assert app.screen.styles.background == background
        finally:
            release.set()
        await wait_for(pilot, lambda: app.services_ready)
        await settle(pilot)
        assert app.theme == "textual-light" and changes == []


async def test_a_saved_theme_is_read_from_a_config_file_with_a_byte_order_mark(
    tmp_path: Path,
) -> None:
    write_config('\ufeff[ui]\ntheme = "textual-light"\n'.encode())  # as Notepad saves it
    app = configured_app(make_workspace(tmp_path), later=True)
    assert app.theme == "textual-light"


async def test_an_unknown_theme_is_said_with_the_ones_there_are(tmp_path: Path) -> None:
    path = write_config('timezone = "UTC"\n[ui]\ntheme = "textual-lite"\n')
    app = configured_app(make_workspace(tmp_path), later=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.services_ready)
        await settle(pilot)
        [note] = [str(n.message) for n in app._notifications if "theme" in n.title]
        assert note.startswith(
            f'{path}: [ui] theme = "textual-lite" is not a theme; did you mean "textual-light"? '
            "(themes: "
        )
        assert note.endswith("); using textual-dark") and app.theme == "textual-dark"


async def test_a_broken_or_unknown_saved_theme_starts_with_the_default(tmp_path: Path) -> None:
    for text_ in ('[ui]\ntheme = "no-such-theme"\n', "[ui\ntheme = 'textual-light'\n"):
        write_config(text_)
        app = configured_app(make_workspace(tmp_path), later=True)
        assert app.theme == "textual-dark"


def test_the_app_module_loads_textual_and_nothing_heavy() -> None:
    """What is imported before the first frame: Textual and the app, no pydantic models,
    YAML, database, numpy, templates or charts (those load with the services, after it)."""
    heavy = ["pydantic", "yaml", "sqlalchemy", "numpy", "jinja2", "matplotlib", "typer"]
    code = (
        "import sys, json\n"
        "from roleplay.cli import main\n"
        "import roleplay.tui.app\n"
        f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))\n"
    )
    src = str(Path(roleplay.__file__).parents[1])  # this tree's code, whatever the folder
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert json.loads(out.stdout) == []


def test_bare_roleplay_on_a_terminal_draws_today_then_says_it_is_offline(
    workspace: Path, tmp_path: Path
) -> None:
    """The real entry point on a pseudo-terminal: the app's first frame, then the services
    built behind it (the offline notice and the queue appear), and Ctrl+Q quits."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    from tests.isolation import private_shm

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    src = str(Path(roleplay.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": src, "ROLEPLAY_WORKSPACE": str(workspace)}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen(
        private_shm([sys.executable, "-m", "roleplay"]),
        stdin=follower, stdout=follower, stderr=follower, env=env, cwd=tmp_path,
    )  # fmt: skip
    os.close(follower)
    seen = b""

    def read_until(*words: bytes, timeout: float = 120) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while not all(w in seen for w in words):
            assert time.monotonic() < deadline, f"never showed {words}: {seen[-2000:]!r}"
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(leader, 65536)
                except OSError:  # the child closed the terminal
                    break

    try:
        read_until(b"Today", b"Streak")
        # The first frame came before the services: the offline notice (no LLM configured)
        # was drawn only after it, once they were known.
        assert b"Offline" in seen and seen.index(b"Loading") < seen.index(b"Offline")
        os.write(leader, b"\x11")  # Ctrl+Q
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
