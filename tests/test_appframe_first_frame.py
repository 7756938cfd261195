"""The app's first frame (Today) does only what it draws: its keys are laid out once, not once
per change of the screen's keys (a screen that opens announces three with the same keys), and
code for what it does not show yet (a trainer's assignments) loads later. A key the rep
remaps is still shown at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

import roleplay
from roleplay.tui.app import RoleplayApp
from tests.app_helpers import footer_keys, make_app, make_workspace, settle, wait_for

SIZE = (100, 30)


async def test_todays_keys_are_laid_out_once_as_the_app_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    init = FooterKey.__init__

    def counted(self: FooterKey, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        built.append(self.description)

    monkeypatch.setattr(FooterKey, "__init__", counted)
    app = make_app(make_workspace(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = footer_keys(app)
        assert "f1 Today" in shown and "r Refresh" in shown and "^q Quit" in shown
        assert len(built) == len(shown)  # each key built once (3x on Textual's own Footer)


async def test_a_remapped_key_is_shown_in_todays_footer_at_once(app: RoleplayApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.set_keymap({"nav.library": "f9"})
        await wait_for(pilot, lambda: "f9 Library" in footer_keys(app))
        assert "f2 Library" not in footer_keys(app)


FIRST_FRAME = """
import json, os, sys
from pathlib import Path
from roleplay.cli import main
import roleplay.tui.app as tui
from roleplay.tui.app import RoleplayApp

class FirstFrame(RoleplayApp):
    CSS_PATH = str(Path(tui.__file__).with_name("app.tcss"))

    def build_services(self):  # the services are built after the first frame: not here
        pass

    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self._drawn)

    def _drawn(self):
        print(json.dumps(sorted(m for m in sys.modules if m.startswith("roleplay."))), flush=True)
        os._exit(0)

FirstFrame(lambda: None).run(headless=True, size=(100, 30))
"""


def test_the_first_frame_loads_nothing_of_the_assignments(tmp_path: Path) -> None:
    """Today's assignments table is hidden until the services say there are some: the code
    that words them loads then (before: ~20M instructions of the first frame, ~5%)."""
    src = str(Path(roleplay.__file__).parents[1])  # this tree's code, whatever the folder
    env = {**os.environ, "PYTHONPATH": src, "ROLEPLAY_HOME": str(tmp_path / "home")}
    script = tmp_path / "first_frame.py"
    script.write_text(FIRST_FRAME)
    out = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=300,
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert "roleplay.tui.screens.home" in loaded  # it did draw Today
    assert not [m for m in loaded if "assignments" in m]
