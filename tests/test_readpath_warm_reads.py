"""The read commands a rep runs most, on a workspace whose caches are warm (the catalog's
summary kept, the local index in step with the folders), load no pydantic: importing it was
~60 ms of each command, a third of it (issue 18). The settings are read plainly, a command's
options are taken by typer without its pydantic adapters, the catalog comes from its kept
summary and a small folder's list from the index's columns. And leaving pydantic out changes
nothing shown: the list read from the index is the list read from the folders, damaged and
unscored sessions included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from roleplay.adapters import file_store, indexed_file_store, session_records
from roleplay.composition import build
from roleplay.config import Settings
from tests.fresh_cli import pydantic, run_cli
from tests.index_data import make_session, write


def run(ws: Path, home: Path, *args: str) -> tuple[int, str, str, list[str]]:
    """(exit code, stdout, stderr without the probe's line, the modules loaded)."""
    return tuple(run_cli(ws, *args, home=home))  # type: ignore[return-value]


def sessions(ws: Path, count: int) -> None:
    start = datetime.now(UTC) - timedelta(days=40)
    for n in range(count):
        folder = make_session(
            n,
            rep="ana" if n % 4 else "bo",
            scenario=["discovery-spin", "price-objection"][n % 2],
            started_at=start + timedelta(days=2 * n, hours=n % 3),
            scored=n % 5 != 3,
            origin="warm",
        )
        write(ws / "recordings", folder)


def test_warm_read_commands_load_no_pydantic(workspace: Path, tmp_path: Path) -> None:
    sessions(workspace, 12)
    (tmp_path / "home" / "config").mkdir(parents=True)
    (tmp_path / "home" / "config" / "config.toml").write_text(
        "daily_goal_drills = 2\n[voice]\nsilence_ms = 700\n[llm]\ntimeout = 20\n"
    )
    home = tmp_path / "home"
    assert run(workspace, home, "today")[0] == 0  # the index catches up with the folders
    reads = [["--help"], ["scenarios"], ["scenarios", "--json"], ["sessions"]]
    for args in reads:  # warms what each keeps: the catalog's summary, the index's state
        run(workspace, home, *args)
    for args in reads:
        code, out, err, loaded = run(workspace, home, *args)
        assert code == 0, (args, err)
        assert out.strip(), args
        assert pydantic(loaded) == [], (args, pydantic(loaded)[:3])
    code, out, _, _ = run(workspace, home, "sessions")
    assert out.count("ana ") == 9 and out.count(" bo ") == 3  # every session, every rep


def test_a_small_list_from_the_index_is_the_list_from_the_folders(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions(workspace, 9)
    broken = workspace / "recordings" / "20990101-000000-broken-0000"
    broken.mkdir()
    (broken / "session.json").write_text('{"id": "20990101-000000-broken-0000"')  # cut short
    scored = sorted(p for p in (workspace / "recordings").glob("*/scorecard.json"))
    scored[0].write_text("{}")  # a scorecard that cannot be read
    folders = run(workspace, tmp_path / "home-folders", "sessions")  # no index: the folders
    home = tmp_path / "home-index"
    run(workspace, home, "today")  # the index catches up (and leaves out what it cannot read)
    run(workspace, home, "sessions")  # finds it in step, and keeps that
    indexed = run(workspace, home, "sessions")
    assert indexed[:3] == folders[:3]
    assert indexed[0] == 1 and "2 damaged session(s)" in indexed[1]

    # And the list came from the index: of the session files, only those of the two damaged
    # sessions (which the index cannot hold) were read.
    parsed: list[str] = []

    def parse(path: Path, model: Any) -> Any:
        parsed.append(path.parent.name)
        return file_store.parse_file(path, model)

    monkeypatch.setattr(session_records, "parse_file", parse)
    monkeypatch.setattr(indexed_file_store, "parse_file", parse)
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    with build(workspace, settings=Settings(rep="ana", timezone="UTC")) as services:
        listed, damaged = services.store.listing()
    assert sorted(parsed) == sorted([broken.name, scored[0].parent.name])
    assert len(listed) == 9 and [d.id for d in damaged] == [broken.name]
