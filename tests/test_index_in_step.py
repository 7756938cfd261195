"""Once the local index was found in step with the recordings folder, that is kept beside it
(`index.sqlite.instep`): while neither the index file nor the folder list changed, a read
command does not list every folder again (at 8,000 sessions that listing was most of what
`today` did). Whatever changes behind the index's back is still seen: a folder removed or
copied in, a pending mark, a session written into a folder that was empty, a damaged file
repaired in place, the index written."""

from __future__ import annotations

import gc
import json
import os
import shutil
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from roleplay.adapters import index_open
from roleplay.adapters.indexed_file_store import IndexedFileStore
from roleplay.adapters.recording_files import FileRecordings
from tests.index_data import make_session, write
from tests.test_read_from_index import NOW, SESSIONS, many, run

__all__ = ["many"]  # the fixture, used by name below

AGO_NS = 60 * 1_000_000_000
LATE = make_session(90042, rep="ana", started_at=NOW - timedelta(minutes=2))


def _settled(ws: Path, home: Path) -> None:
    """As if the folder and the index had last changed a minute ago (a change a moment ago
    is never taken as settled: a file system's clock ticks coarsely)."""
    rec = ws / "recordings"
    data = home / "data"
    paths = [rec, rec / ".index" / "pending", *(p for p in rec.iterdir() if p.is_dir())]
    paths += [data / "index.sqlite", data / "index.sqlite-wal"]
    then = time.time_ns() - AGO_NS
    for p in paths:
        if p.exists():
            os.utime(p, ns=(then, then), follow_symlinks=False)


def _kept(many: Path, home: Path, *args: str) -> tuple[int, str]:
    """Run the command until the in-step check is kept; return what it printed."""
    run(many, *args)  # builds the index (and the schedule)
    # That run's database connections close now, not whenever the collector gets to them
    # (closing the last one writes the log into the index file: the index changed).
    gc.collect()
    _settled(many, home)
    shown = run(many, *args)  # finds the index in step, and keeps that
    assert (home / "data" / "index.sqlite.instep").is_file()
    return shown


def _not_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    def listed(self: FileRecordings, prefix: str = "") -> list[str]:
        raise AssertionError("every folder was listed although nothing changed")

    def opened(url: str) -> object:
        raise AssertionError("the index was opened although it is in step with the folders")

    monkeypatch.setattr(FileRecordings, "folders", listed)
    monkeypatch.setattr(index_open, "open_index", opened)


@pytest.mark.parametrize(
    "args", [["sessions"], ["sessions", "--json"], ["show", "last"], ["today", "--json"]]
)
def test_a_command_after_the_index_was_found_in_step_lists_no_folder(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str]
) -> None:
    """`many` holds damaged folders the index cannot hold (read again every time, as
    before) and a folder of reviews only."""
    home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    shown = _kept(many, home, *args)
    with monkeypatch.context() as m:
        _not_listed(m)
        assert run(many, *args) == shown
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
    assert run(many, *args) == shown  # what a new index of the folders says


def _removed(rec: Path, names: list[str]) -> str:
    shutil.rmtree(rec / names[-1])
    return names[-1]


def _copied_in(rec: Path, names: list[str]) -> str:
    folder = make_session(90041, rep="ana", started_at=NOW - timedelta(minutes=1))
    write(rec, folder)
    return folder.session_id


def _edited_with_a_pending_mark(rec: Path, names: list[str]) -> str:
    edited = json.loads((rec / names[-2] / "session.json").read_text())
    edited["rep"] = "cy"
    (rec / names[-2] / "session.json").write_text(json.dumps(edited))
    (rec / ".index" / "pending").mkdir(parents=True, exist_ok=True)
    (rec / ".index" / "pending" / names[-2]).touch()
    return names[-2]


def _written_into_an_empty_folder(rec: Path, names: list[str]) -> str:
    write(rec.parent / "elsewhere", LATE)
    for f in (rec.parent / "elsewhere" / LATE.session_id).iterdir():
        shutil.move(f, rec / LATE.session_id / f.name)  # the folder itself was there before
    return LATE.session_id


def _repaired_in_place(rec: Path, names: list[str]) -> str:
    """`many`'s session 3 has had a damaged session.json from the start (never indexed)."""
    good = make_session(
        3,
        rep="ana",
        scenario="price-objection",
        rubric="discovery",
        started_at=NOW - timedelta(days=40) + timedelta(hours=6),
    )
    assert good.session_id == names[3] and good.transcript is not None
    with (rec / names[3] / "session.json").open("w") as f:  # the same file, rewritten
        f.write(good.transcript.record.model_dump_json())
    return names[3]


@pytest.mark.parametrize(
    "change",
    [
        _removed,
        _copied_in,
        _edited_with_a_pending_mark,
        _written_into_an_empty_folder,
        _repaired_in_place,
    ],
)
def test_what_changed_behind_the_index_after_it_was_kept_is_seen(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, change: object
) -> None:
    rec = many / "recordings"
    names = sorted(p.name for p in rec.iterdir() if p.name.startswith("2"))
    assert len(names) == SESSIONS
    (rec / LATE.session_id).mkdir()  # a folder with no session (yet): not the index's
    home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    before = json.loads(_kept(many, home, "sessions", "--json")[1])
    assert callable(change)
    changed = change(rec, names)
    after = run(many, "sessions", "--json")
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
    assert after == run(many, "sessions", "--json")  # what a new index of the folders says
    listed = {s["id"]: s for s in json.loads(after[1])}
    if change is _removed:
        assert changed not in listed and changed in {s["id"] for s in before}
    elif change is _edited_with_a_pending_mark:
        assert listed[changed]["rep"] == "cy"
    elif change is _repaired_in_place:
        damaged = {s["id"]: s["status"] for s in before}[changed]
        assert damaged == "damaged" and listed[changed]["status"] != "damaged"
    else:
        assert changed in listed and changed not in {s["id"] for s in before}


def test_the_index_written_since_is_looked_at_again(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The kept check names the index file it was made on: once the index is written (here:
    a session removed from it by hand), the folders are listed and it catches up."""
    import sqlite3

    home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    shown = _kept(many, home, "sessions", "--json")
    gone = json.loads(shown[1])[0]["id"]
    db = sqlite3.connect(home / "data" / "index.sqlite")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("DELETE FROM sessions WHERE id = ?", (gone,))
    db.commit()
    db.close()
    assert run(many, "sessions", "--json") == shown  # caught up: the session is back


def test_a_damaged_kept_check_is_ignored(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    shown = _kept(many, home, "sessions")
    kept = home / "data" / "index.sqlite.instep"
    for damage in ("{not json", "[]", '{"x": 1}', json.dumps({"a": {"index": None}})):
        kept.write_text(damage)
        assert run(many, "sessions") == shown
    origin = (many / "recordings" / ".index" / "origin").read_text().strip()
    whole = json.loads(kept.read_text())
    whole[origin]["folders"] = {"root": "not a stamp"}
    kept.write_text(json.dumps(whole))
    assert run(many, "sessions") == shown


# --- `today` with the list named: the quick copy's check is not made again -----------------


def _real_call(rec: Path) -> str:
    """A real call of the rep's, scored yesterday (`today` queues what it scored low)."""
    folder = make_session(90051, rep="ana", started_at=NOW - timedelta(days=1), levels=[1] * 4)
    assert folder.transcript is not None
    record = folder.transcript.record.model_copy(update={"mode": "transcript"})
    write(rec, replace(folder, transcript=folder.transcript.model_copy(update={"record": record})))
    return folder.session_id


def _noted(many: Path, home: Path) -> tuple[int, str]:
    """`today --json` run until the list it checked the quick copy against is named and
    noted beside the copy; what it printed. (Without `many`'s ended sessions that have no
    readable scorecard: listed, but not scheduled, so the quick copy never matches the list.)"""
    rec = many / "recordings"
    for folder in rec.glob("2*"):
        card = folder / "scorecard.json"
        ended = '"ended_at":null' not in (folder / "session.json").read_text().replace(" ", "")
        if ended and (not card.exists() or "{not json" in card.read_text()):
            shutil.rmtree(folder)
    shown = _kept(many, home, "today", "--json")
    assert run(many, "today", "--json") == shown  # the list is named now: the note is kept
    assert list((home / "data" / "habit").glob("*.note"))
    return shown


def test_today_with_its_list_unchanged_reads_no_list(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = _real_call(many / "recordings")
    home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    shown = _noted(many, home)
    assert shown[0] == 0
    [note] = (home / "data" / "habit").glob("*.note")
    assert [c[0] for c in json.loads(note.read_text())["real_calls"]] == [real]
    with monkeypatch.context() as m:
        _not_listed(m)

        def no_list(self: IndexedFileStore) -> object:
            raise AssertionError("the list was read although nothing changed")

        m.setattr(IndexedFileStore, "current_lines", no_list)
        assert run(many, "today", "--json") == shown
        assert run(many, "today") == run(many, "today")  # the text too
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
    assert run(many, "today", "--json") == shown  # what a new index and schedule say


@pytest.mark.parametrize("change", [_removed, _copied_in, _repaired_in_place])
def test_today_after_a_change_behind_its_back_reads_the_list_again(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, change: object
) -> None:
    rec = many / "recordings"
    _real_call(rec)
    names = sorted(p.name for p in rec.iterdir() if p.name.startswith("2"))
    home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    _noted(many, home)
    assert callable(change)
    change(rec, [n for n in names if not n.endswith("90051")])
    read = []
    lines = IndexedFileStore.current_lines
    with monkeypatch.context() as m:

        def counted(self: IndexedFileStore) -> object:
            read.append(1)
            return lines(self)

        m.setattr(IndexedFileStore, "current_lines", counted)
        after = run(many, "today", "--json")
    assert read  # the list changed: read again, and the quick copy checked against it
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
    assert after == run(many, "today", "--json")
