"""The services close their index database when a command or the app ends, not whenever the
garbage collector gets to it (trust round, item 1).

Left to the collector, an in-process command's SQLite connection stayed open in reference
cycles; closed later, it folded its write-ahead log into a file a test had meanwhile damaged
on purpose, and "repaired" it behind the test's back. A team's PostgreSQL server kept the
command's connection slot until then. Now `Services.close()` (and `with build(...) as s`)
closes every connection at once, the CLI calls it as each command ends and the app as it exits,
and a closed index used again says so (IndexClosed) instead of quietly opening a new one.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Connection
from textual.worker import get_current_worker
from typer.testing import CliRunner

from roleplay.adapters.clock import ManualClock
from roleplay.adapters.sql_engine import Database
from roleplay.cli import app
from roleplay.composition import build
from roleplay.services.ports import IndexClosed
from roleplay.tui.app import RoleplayApp
from tests.app_helpers import make_workspace, wait_for


def open_handles(url: str) -> int:
    """How many connections of roleplay's are open on the index at `url`: this process's
    file handles on a SQLite file (and its -wal/-shm), or the server's sessions of roleplay
    on a PostgreSQL database."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        found = 0
        for fd in Path("/proc/self/fd").iterdir():
            try:
                target = str(fd.readlink())
            except OSError:  # closed meanwhile (the listing's own handle)
                continue
            found += target.startswith(path)
        return found
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = 'roleplay'",
            (urlsplit(url).path.lstrip("/"),),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_command_lets_go_of_the_index_when_it_ends(
    mini_workspace: Path, database_url: str, no_collector: None
) -> None:
    result = CliRunner().invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--seed", "1", "--json"],
        input="Hello, what matters most to you?\n/end\n",
    )
    assert result.exit_code == 0, (result.output, result.exception)
    # The session was indexed (the command used the database) ...
    listed = CliRunner().invoke(app, ["--workspace", str(mini_workspace), "review", "list"])
    assert listed.exit_code == 0 and "mini" in listed.stdout, listed.output
    # ... and both commands closed it as they ended: no handle, no server session left.
    assert open_handles(database_url) == 0


def test_closed_services_say_so_instead_of_opening_the_index_again(
    mini_workspace: Path, database_url: str, no_collector: None
) -> None:
    with build(mini_workspace, clock=ManualClock()) as services:
        assert services.indexer.records() == []  # opened (and caught up) on first use
        assert open_handles(database_url) > 0
    assert services.closed and open_handles(database_url) == 0
    with pytest.raises(IndexClosed, match="used after roleplay closed it"):
        services.indexer.records()
    with pytest.raises(IndexClosed):
        services.indexer.sync("any-session")  # never a silent "indexed on the next start"
    assert open_handles(database_url) == 0  # and nothing was opened behind the error
    services.close()  # a second close is harmless


def test_a_closed_local_index_file_is_left_as_it_is(mini_workspace: Path, tmp_path: Path) -> None:
    """A file replaced after its services closed (a copy restored, a damage a test makes) is
    not touched by them afterwards: no late checkpoint, no reopening."""
    services = build(mini_workspace, clock=ManualClock())
    services.indexer.records()
    services.close()
    index = tmp_path / "home" / "data" / "index.sqlite"
    for side in index.parent.glob("index.sqlite-*"):
        side.unlink()
    index.write_bytes(b"not a database" * 100)
    with pytest.raises(IndexClosed):
        services.indexer.records()
    del services
    gc.collect()
    assert index.read_bytes() == b"not a database" * 100
    assert not list(index.parent.glob("index.sqlite.damaged-*"))


async def test_the_app_closes_the_services_it_built_when_it_exits(
    tmp_path: Path, no_collector: None
) -> None:
    ws = make_workspace(tmp_path)
    app = RoleplayApp(lambda: build(ws, clock=ManualClock()), voice=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.services_ready)
        services = app.services
        services.indexer.index()  # what a screen's first list or a scored call opens
        assert not services.closed
        # The screens' first lists may still be loading in thread workers: the app's exit
        # waits for them before it closes the services.
    assert services.closed
    url = f"sqlite:///{tmp_path / 'home' / 'data' / 'index.sqlite'}"
    assert open_handles(url) == 0


async def test_the_app_exit_waits_for_a_list_still_reading(
    tmp_path: Path, no_collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A screen's list worker in the middle of a read when the app exits (a busy machine, a
    large index): the app closes the services once it is done, and no connection stays open
    (the exit used to close them under it: the read's connection outlived them)."""
    ws = make_workspace(tmp_path)
    app = RoleplayApp(lambda: build(ws, clock=ManualClock()), voice=False)
    held = threading.local()  # set by the one read that is held up, in its thread
    reading = threading.Event()
    plain_read = Database.read

    @contextmanager
    def slow_read(db: Database) -> Iterator[Connection]:
        with plain_read(db) as conn:
            if getattr(held, "on", False):
                reading.set()
                # Still reading when the app exits (its screens' workers are cancelled) ...
                assert get_current_worker().cancelled_event.wait(60)
                # ... and for a while after: until the services are closed, as the exit
                # used to do at once, or a second passes (the exit now waits, up to 5 s).
                for _ in range(100):
                    if app.services.closed:
                        break
                    time.sleep(0.01)
            yield conn

    monkeypatch.setattr(Database, "read", slow_read)

    def list_sessions() -> None:  # what a screen's list worker does
        held.on = True  # this read only: the pool's thread serves other workers afterwards
        try:
            app.services.indexer.records()
        finally:
            held.on = False

    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.services_ready)
        services = app.services
        app.screen.run_worker(list_sessions, thread=True, exit_on_error=False)
        await wait_for(pilot, reading.is_set)  # the read holds its connection: exit now
    assert services.closed
    url = f"sqlite:///{tmp_path / 'home' / 'data' / 'index.sqlite'}"
    assert open_handles(url) == 0
