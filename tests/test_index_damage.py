"""A damaged local index never hides a session, never breaks a command (issue 11, section 5).

From INDEX_FROM sessions on, a rep's lists are read from the index through a read-only
snapshot (adapters/index_peek.py). A hostile tester overwrote pages in the middle of
index.sqlite and filled columns by hand (`started_at='garbage'`, `record='{bad'`,
`overall='x'`): every read command died with a sqlite3 or ValueError traceback, and `reindex`,
the documented repair, failed too. Now the index is moved aside (kept for a post-mortem) and
built again from the recordings, which hold every session, and that is said once on stderr
naming the file; the command's output is what the folders say. Where it cannot be moved
(a read-only data folder) the lists come from the folders and the note says what to do.
A read-only index names the permission problem, not "another roleplay may be holding it".
"""

from __future__ import annotations

import gc
import json
import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roleplay.adapters.indexed_file_store import INDEX_FROM
from tests.damaged_index import Run, run, sessions_of_tester
from tests.hostile import roleplay_process
from tests.test_hostile_storage import _unshare

SESSIONS = INDEX_FROM + 20
NOW = datetime.now(UTC)
NOTE = "note: the index database "
COMMANDS = [
    ["sessions"],
    ["sessions", "--json"],
    ["show", "last"],
    ["today", "--json"],
    ["progress", "--json"],
]


@pytest.fixture
def indexed(workspace: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """More sessions than INDEX_FROM (every folder intact), and their index, built by a
    read command as a rep's first command builds it."""
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home"))
    sessions_of_tester(workspace, monkeypatch, SESSIONS, NOW)
    assert run(workspace, "sessions")[0] == 0
    assert _index(tmp_path).is_file()
    # That run's connections close now, not whenever the collector gets to them (the last
    # one to close folds the log into the file and removes it: the files a damage meets).
    gc.collect()
    return workspace


def _index(tmp_path: Path) -> Path:
    return tmp_path / "home" / "data" / "index.sqlite"


def _truth(ws: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> Run:
    """What the command says with no index at all (a new user folder): the folders' word."""
    with monkeypatch.context() as m:
        m.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
        return run(ws, *args)


def _pages_overwritten(index: Path) -> str:
    """A third of the file, in its middle, overwritten (its log folded in first, as SQLite
    does when the last connection closes): the header still reads, the sessions' pages do
    not (checked: a test of damage that SQLite would not notice proves nothing)."""
    db = sqlite3.connect(index)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    size = index.stat().st_size
    with index.open("r+b") as f:
        f.seek(size // 3)
        f.write(random.Random(11).randbytes(size // 3))
    db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        db.execute("SELECT id, started_at, record, overall FROM sessions").fetchall()
    db.close()
    return "malformed"


def _set(column_value: str) -> object:
    def damage(index: Path) -> str:
        db = sqlite3.connect(index)
        [(sid,)] = db.execute("SELECT id FROM sessions ORDER BY started_at LIMIT 1 OFFSET 100")
        db.execute(f"UPDATE sessions SET {column_value} WHERE id = ?", (sid,))
        db.commit()
        db.close()
        return sid  # type: ignore[no-any-return]

    damage.__name__ = column_value
    return damage


DAMAGE = [
    _pages_overwritten,
    _set("started_at = 'garbage'"),
    _set("record = '{bad'"),
    _set("overall = 'x'"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("damage", DAMAGE, ids=lambda d: d.__name__)
def test_a_damaged_index_is_moved_aside_and_the_command_says_what_the_folders_say(
    indexed: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    damage: object,
    args: list[str],
) -> None:
    index = _index(tmp_path)
    assert callable(damage)
    damage(index)
    code, out, err = run(indexed, *args)
    truth = _truth(indexed, monkeypatch, tmp_path, *args)
    assert (code, out) == truth[:2], err
    assert code == 0 and "Traceback" not in err
    if args[0] == "sessions":  # no session hidden
        listed = out if "--json" not in args else {s["id"] for s in json.loads(out)}
        for folder in (indexed / "recordings").glob("2*"):
            assert folder.name in listed
    notes = [line for line in err.splitlines() if line.startswith(NOTE)]
    # Said once, by a command that reads the damaged part (`sessions --json` reads the
    # records, not the time column; `sessions` the columns, not the records).
    if notes or damage is _pages_overwritten:
        assert len(notes) == 1, err
        [moved] = index.parent.glob("index.sqlite.damaged-*[0-9]")
        assert f"{index} was damaged" in notes[0] and str(moved) in notes[0]
        assert "built from the recordings" in notes[0]
        assert run(indexed, *args)[:2] == truth[:2]  # the new index: the same answer


def test_reindex_rebuilds_an_index_with_damaged_pages(indexed: Path, tmp_path: Path) -> None:
    """The documented repair: it failed with "database disk image is malformed"."""
    index = _index(tmp_path)
    _pages_overwritten(index)
    code, out, err = run(indexed, "reindex", "--json")
    assert code == 0, err
    assert json.loads(out)["indexed"] == SESSIONS
    assert list(index.parent.glob("index.sqlite.damaged-*"))  # kept for a post-mortem
    assert sum(line.startswith(NOTE) for line in err.splitlines()) == 1
    assert run(indexed, "reindex", "--json")[0] == 0  # and the new one is sound


@pytest.mark.parametrize("app_open", [True, False], ids=["app open", "alone"])
def test_a_damaged_index_that_cannot_be_moved_aside_is_read_around(
    indexed: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, app_open: bool
) -> None:
    """A read-only data folder: nothing can be moved; the lists come from the folders, and
    the note says what to do: alone, or while another roleplay has the index open (its -wal
    and -shm files there, which a reader in a read-only folder must use as they are)."""
    index = _index(tmp_path)
    data = index.parent
    (data / "logs").mkdir(exist_ok=True)
    _pages_overwritten(index)
    held = sqlite3.connect(index) if app_open else None
    if held is not None:
        held.execute("SELECT * FROM alembic_version").fetchall()  # the first page only
    try:
        wrap = _unshare(f"mount --bind {data} {data} && mount -o remount,ro,bind {data}")
        truth = _truth(indexed, monkeypatch, tmp_path, "sessions", "--json")
        done = roleplay_process("--workspace", str(indexed), "sessions", "--json", wrap=wrap)
    finally:
        if held is not None:
            held.close()
    assert (done.returncode, done.stdout) == truth[:2], done.stderr
    assert "Traceback" not in done.stderr
    notes = [line for line in done.stderr.splitlines() if line.startswith(NOTE)]
    assert len(notes) == 1, done.stderr
    note = notes[0]
    assert f"{index} is damaged" in note and "cannot be moved aside" in note
    assert f"Make {data} writable" in note and "`roleplay reindex`" in note
    assert not list(data.glob("index.sqlite.damaged-*"))


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_score_last_on_a_read_only_index_names_the_permission_problem(
    indexed: Path, tmp_path: Path, read_only: str
) -> None:
    index = _index(tmp_path)
    (index.parent / "logs").mkdir(exist_ok=True)
    target = index if read_only == "file" else index.parent
    wrap = _unshare(f"mount --bind {target} {target} && mount -o remount,ro,bind {target}")
    last = max(p.name for p in (indexed / "recordings").iterdir() if p.name[0].isdigit())
    card = indexed / "recordings" / last / "scorecard.json"
    before = card.read_text()
    done = roleplay_process(
        "--workspace", str(indexed), "score", "last", "--judge", "offline", "--json", wrap=wrap
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "another roleplay" not in done.stderr
    notes = [line for line in done.stderr.splitlines() if line.startswith(NOTE)]
    assert len(notes) == 1, done.stderr
    assert f"{index} cannot be written" in notes[0]
    where = "the file is read-only" if read_only == "file" else f"folder {index.parent}"
    assert where in notes[0] and "ROLEPLAY_DATABASE_URL" in notes[0], notes[0]
    # Nothing lost: the new scorecard is in the session's folder, and the index takes it
    # in once it can be written (here: the next command, without the read-only mount).
    assert card.read_text() != before
    score = json.loads(done.stdout)["overall"]
    code, out, _ = run(indexed, "sessions", "--json")
    listed = {s["id"]: s for s in json.loads(out)}
    assert code == 0 and listed[last]["overall"] == score and len(listed) == SESSIONS


async def test_the_app_lists_every_session_beside_a_damaged_index(
    indexed: Path, tmp_path: Path
) -> None:
    from textual.widgets import DataTable

    from tests.app_helpers import make_app, open_screen

    _pages_overwritten(_index(tmp_path))
    app = make_app(indexed)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(pilot, "f3")
        table = app.screen.query_one("#sessions", DataTable)
        assert table.row_count == SESSIONS
        assert app.is_running
    assert list(_index(tmp_path).parent.glob("index.sqlite.damaged-*"))
