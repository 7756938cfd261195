"""`roleplay today` reads a well-formed schedule without pydantic (issue 18: importing it and
building the schedule's models was two thirds of the command), and says the same as when the
models read it. A quick copy that is not plainly well-formed is read by the models as before."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from roleplay.composition import build
from roleplay.config import Settings, data_dir
from tests.fresh_cli import watching
from tests.test_fast_commands import practise

WATCHED = [
    "pydantic",
    "fsrs",
    "roleplay.domain.habit",
    "roleplay.domain.schedule",
    "roleplay.domain.skill_level",
    "roleplay.services.habit",
]


def today(ws: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done, modules = watching(ws, WATCHED, "today", *args)
    assert done.returncode == 0, done.stderr
    return done, modules


def commit(ws: Path) -> None:
    s = build(ws, settings=Settings(rep="ana", timezone="UTC"))
    s.habit().commit(s.store.resolve("last"), "Ask about the morning first.")


def copy_of_schedule() -> Path:
    [found] = list((data_dir() / "habit").glob("*.json.today"))
    return found


def edit_card(path: Path, name: str, change: Callable[[Any], Any]) -> None:
    """Change one field of the copy's first card, keeping the copy's head as it was written."""
    data = json.loads(path.read_text())
    card = next(iter(data["state"]["cards"].values()))
    card[name] = change(card[name])
    path.write_text(json.dumps(data, separators=(",", ":")))


def test_today_reads_a_well_formed_schedule_without_pydantic(workspace: Path) -> None:
    practise(workspace)
    commit(workspace)  # an open commitment: shown from the plain views too
    today(workspace)  # the first one after the call syncs the schedule (the models)
    done, modules = today(workspace)
    assert modules == []
    assert "Today," in done.stdout and "Open commitment" in done.stdout
    # --rebuild goes through the Habit and its models: the same words
    rebuilt, modules = today(workspace, "--rebuild")
    assert "pydantic" in modules
    assert rebuilt.stdout == done.stdout
    as_json, _ = today(workspace, "--json")  # a commitment's JSON is the model's
    [made] = json.loads(as_json.stdout)["commitments"]
    assert made["text"] == "Ask about the morning first." and made["made_at"].endswith("Z")


def test_a_copy_value_the_models_accept_is_left_to_them_and_reads_the_same(
    workspace: Path,
) -> None:
    """A card's level written as "4" (the models take it as 4): the plain read leaves the
    copy to the models, and `today` says the same."""
    practise(workspace)
    today(workspace)
    before, _ = today(workspace)
    edit_card(copy_of_schedule(), "last_level", str)
    after, modules = today(workspace)
    assert "pydantic" in modules  # the models read it
    assert after.stdout == before.stdout


def test_a_damaged_copy_is_not_read_and_the_schedule_is(workspace: Path) -> None:
    """A level of 9 in the copy: neither read takes it; the whole schedule is read instead
    (as before: the copy is a cache), and `today` says the same."""
    practise(workspace)
    today(workspace)
    before, _ = today(workspace)
    edit_card(copy_of_schedule(), "last_level", lambda _level: 9)
    s = build(workspace, settings=Settings(rep="ana", timezone="UTC"))
    assert s.quick_habit() is None  # the plain read refuses it
    after, _ = today(workspace)
    assert after.stdout == before.stdout
