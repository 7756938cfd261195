"""The app's scorecard, when drills from this real call were made before: it says which files
are there and offers to replace them (old ones kept as .bak) or keep them, instead of telling
the rep about the command line's --force, which the app has no way to pass."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Static

from roleplay.adapters.clock import ManualClock
from roleplay.tui.app import RoleplayApp
from tests.app_helpers import make_app, open_scorecard, settle
from tests.drill_calls import EDITED, as_kari, edited_drill, invoke


@pytest.fixture(autouse=True)
def rep(monkeypatch: pytest.MonkeyPatch) -> None:
    as_kari(monkeypatch)


def notes(app: RoleplayApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _press_make(sid: str, app: RoleplayApp, pilot: Pilot[None]) -> str:
    await open_scorecard(pilot, sid)
    app.screen.query_one("#make-drills", Button).press()
    await settle(pilot)
    offer = app.screen.query_one("#drill-offer")
    return "\n".join(str(s.content) for s in offer.query(Static))


async def test_drills_made_before_are_named_and_replaced_only_when_the_rep_says_so(
    mini_workspace: Path, tmp_path: Path
) -> None:
    """Before: a red note ended "...or make it again with --force (the old file is kept as
    NAME.yaml.bak)." and the button stayed greyed out: nothing in the app could do it."""
    sid, path, edited = edited_drill(mini_workspace, tmp_path)
    app = make_app(mini_workspace, clock=ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    async with app.run_test(size=(100, 40)) as pilot:
        shown = await _press_make(sid, app, pilot)
        assert not [n for n in notes(app) if "--force" in n], notes(app)
        assert "made before" in shown and path.name in shown and "NAME.yaml.bak" in shown
        assert path.read_text() == edited  # asked first, nothing written yet
        app.screen.query_one("#replace-drills", Button).press()
        await settle(pilot)
        assert not app.screen.query("#drill-offer")
        [made] = [n for n in notes(app) if "Drills made and validated" in n]
        assert f"kept as {path.name}.bak" in made
    assert path.with_name(path.name + ".bak").read_text() == edited
    assert EDITED not in path.read_text()
    assert invoke(mini_workspace, "validate").exit_code == 0


async def test_keeping_the_drills_made_before_leaves_the_trainers_file_alone(
    mini_workspace: Path, tmp_path: Path
) -> None:
    sid, path, edited = edited_drill(mini_workspace, tmp_path)
    app = make_app(mini_workspace)
    async with app.run_test(size=(100, 40)) as pilot:
        await _press_make(sid, app, pilot)
        app.screen.query_one("#keep-drills", Button).press()
        await settle(pilot)
        assert not app.screen.query("#drill-offer")
        assert any("kept as they are" in n for n in notes(app)), notes(app)
    assert path.read_text() == edited
    assert not path.with_name(path.name + ".bak").exists()
