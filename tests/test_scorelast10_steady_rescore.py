"""`roleplay score last` at thousands of sessions (issue 18): a re-score that gives the card
that was saved changes nothing the schedule reads, and while the index was in step with the
folders before it wrote (the check kept beside the index) and the schedule's quick copy was
checked against that list, the re-score lists no folder, reads no list of the index's lines
and parses no whole schedule; after its own write it keeps both checks again (renamed for the
index file as it wrote it), so the next `score last` is as quick. Before, every `score last`
listed every folder (stat calls for each) up to three times, read 8,000 lines and parsed the
8.5 MB schedule.

What changes behind the index's back is still seen after such a re-score: a session copied in
by hand is 'last' and is scheduled, a folder removed, a session edited with a pending mark."""

from __future__ import annotations

import gc
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from roleplay.adapters.habit_store import HabitFileStore
from roleplay.adapters.indexed_file_store import IndexedFileStore
from roleplay.adapters.recording_files import FileRecordings
from tests.index_data import make_session, write
from tests.test_index_in_step import (
    _copied_in,
    _edited_with_a_pending_mark,
    _noted,
    _removed,
    _settled,
)
from tests.test_read_from_index import NOW, many, run

__all__ = ["many"]  # the fixture, used by name below

SCORE = ("score", "last", "--judge", "offline")


def _steady(many: Path, home: Path) -> tuple[int, str]:
    """`score last` once the re-score gives the saved card (the first one re-scores the
    fixture's hand-made cards: the schedule is rebuilt), the index found in step and the
    quick copy noted by `today`; what it printed."""
    assert run(many, *SCORE)[0] == 0  # the fixture's cards re-scored: schedule rebuilt
    gc.collect()  # that run's connections close now
    _settled(many, home)
    _noted(many, home)
    shown = run(many, *SCORE)  # the same card: the checks held before it wrote, and after
    assert shown[0] == 0, shown
    return shown


def _nothing_read_whole(m: pytest.MonkeyPatch) -> None:
    """The index is opened (to write the card), but no folder is listed, no list read."""
    m.setattr(FileRecordings, "folders", _refused("every folder was listed"))
    m.setattr(IndexedFileStore, "current_lines", _refused("the list of lines was read"))
    m.setattr(HabitFileStore, "load", _refused("the whole schedule was parsed"))


def _refused(what: str) -> object:
    def refused(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"{what} although nothing changed but the re-scored card")

    return refused


def test_a_second_rescore_lists_no_folder_and_parses_no_whole_schedule(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    shown = _steady(many, home)
    with monkeypatch.context() as m:
        _nothing_read_whole(m)
        assert run(many, *SCORE) == shown  # right after the last one: carried, not waited for
        assert run(many, *SCORE) == shown
        assert run(many, "today", "--json")[0] == 0  # the quick copy's note was carried too
    today = run(many, "today", "--json")
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
    assert run(many, *SCORE) == shown  # what a new index and schedule of the folders say
    assert run(many, "today", "--json") == today


def _copied_in_newest(rec: Path, names: list[str]) -> str:
    folder = make_session(90061, rep="ana", started_at=NOW + timedelta(minutes=1))
    write(rec, folder)
    return folder.session_id


@pytest.mark.parametrize(
    "change", [_copied_in_newest, _copied_in, _removed, _edited_with_a_pending_mark]
)
def test_what_changed_behind_a_carried_check_is_seen(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, change: object
) -> None:
    home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    _steady(many, home)  # the checks carried over this command's own write
    rec = many / "recordings"
    names = sorted(p.name for p in rec.iterdir() if p.name.startswith("2"))
    assert callable(change)
    changed = change(rec, names)
    scored = run(many, *SCORE, "--json")
    sessions = run(many, "sessions", "--json")
    today = run(many, "today", "--json")
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
    assert run(many, "sessions", "--json") == sessions  # what a new index of the folders says
    assert run(many, "today", "--json") == today
    listed = {s["id"]: s for s in json.loads(sessions[1])}
    if change is _removed:
        assert changed not in listed
    elif change is _edited_with_a_pending_mark:
        assert listed[changed]["rep"] == "cy"
    else:
        assert changed in listed
    if change is _copied_in_newest:  # 'last' is the session copied in by hand, scheduled
        assert json.loads(scored[1])["session"] == changed
        assert changed in {e["id"] for e in _schedule(home)["sessions"]}


def _schedule(home: Path) -> dict[str, Any]:
    [path] = [p for p in (home / "data" / "habit").glob("*.json")]
    found: dict[str, Any] = json.loads(path.read_text())
    return found
