"""The keys footer: every screen lays its keys out once as it opens (Textual's Footer did it
three times), and it leans on no private name of Textual it cannot do without (pyproject
allows textual>=1.0): without them the keys are still shown."""

from __future__ import annotations

import itertools
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import textual.widgets._footer as textual_footer
from textual.widgets._footer import FooterKey

from roleplay.tui import widgets
from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.practice import PracticeScreen
from tests.app_helpers import (
    footer_keys,
    make_app,
    make_workspace,
    screen_text,
    settle,
    start_call,
    wait_for,
)

SIZE = (100, 30)


def bottom_line(app: Any) -> str:
    return screen_text(app).splitlines()[-1]


def record_layouts(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The keys of each layout of a footer from now on (Textual's Footer.compose)."""
    layouts: list[list[str]] = []
    compose = textual_footer.Footer.compose

    def recorded(self: Any) -> Any:
        layout: list[str] = []
        layouts.append(layout)
        for widget in compose(self):
            if isinstance(widget, FooterKey):
                layout.append(f"{widget.key_display} {widget.description}".strip())
            yield widget

    monkeypatch.setattr(textual_footer.Footer, "compose", recorded)
    return layouts


def laid_out_again_unchanged(layouts: list[list[str]]) -> list[list[str]]:
    """Layouts that showed the same keys as the one before (work for nothing)."""
    shown = [keys for keys in layouts if keys]  # an empty one: the keys are not known yet
    return [keys for before, keys in itertools.pairwise(shown) if keys == before]


@pytest.mark.parametrize(
    ("key", "shows"),
    [
        ("f2", "f2 Library"),
        ("f3", "f3 History"),
        ("f4", "f4 Progress"),
        ("f5", "f5 Settings"),
        ("f6", "f6 Team"),
    ],
)
async def test_each_screen_lays_its_keys_out_once_as_it_opens(
    app: RoleplayApp, monkeypatch: pytest.MonkeyPatch, key: str, shows: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        layouts = record_layouts(monkeypatch)
        await pilot.press(key)
        await settle(pilot)
        await wait_for(pilot, lambda: shows in footer_keys(app))
        assert "^q Quit" in footer_keys(app)
        assert layouts and footer_keys(app) == [k for k in layouts if k][-1]
        assert not laid_out_again_unchanged(layouts)  # Textual's Footer: 3 layouts, the same


async def test_a_call_lays_its_keys_out_once_as_it_opens(
    app: RoleplayApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        layouts = record_layouts(monkeypatch)
        await start_call(pilot, "price-objection", seed=2)
        assert isinstance(app.screen, PracticeScreen)
        shown = footer_keys(app)
        # A typed call (make_app: no microphone) shows no Talk key (test_appframe9_walk.py).
        assert "esc End call" in shown and "^r Replay" in shown
        assert not laid_out_again_unchanged(layouts)


async def test_todays_keys_are_shown_on_a_textual_without_the_private_footerkey(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The footer found Textual's keys by their private class (textual.widgets._footer.
    FooterKey): a Textual that moved or renamed it failed the app's first frame."""
    moved = types.ModuleType(textual_footer.__name__)
    for name, value in vars(textual_footer).items():
        if name != "FooterKey":
            setattr(moved, name, value)
    monkeypatch.setitem(sys.modules, textual_footer.__name__, moved)
    app = make_app(make_workspace(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "Refresh" in bottom_line(app))
        line = bottom_line(app)
        assert "f1 Today" in line and "r Refresh" in line and "^q Quit" in line


async def test_keys_are_shown_on_a_textual_whose_footer_has_no_ready_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Footer's `_bindings_ready` is private: a Textual without it gets Footer's own way of
    laying out the keys (slower), never an empty footer."""
    monkeypatch.setattr(widgets, "READY", "_a_name_this_textual_does_not_have")
    app = make_app(make_workspace(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "Refresh" in bottom_line(app))
        await pilot.press("f3")
        await settle(pilot)
        await wait_for(pilot, lambda: "f3 History" in " ".join(footer_keys(app)))
        assert "^q Quit" in footer_keys(app)
