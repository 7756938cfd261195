"""A team's PostgreSQL index holding values roleplay never writes (trust round, item 5): a
time the driver cannot read ('infinity', a year past 9999), a session document of another
shape. SQLite's file is moved aside and built again (tests/test_index_damage.py); a server has
no file to move, so the command names the table, the row and the column and says what to do
(`roleplay reindex`), and the reading commands still show what the folders hold.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.adapters.indexed_file_store import INDEX_FROM
from roleplay.cli import app
from tests.damaged_index import run, sessions_of_tester
from tests.pg_server import new_database_url

SESSIONS = INDEX_FROM + 10  # lists are read from the index
NOW = datetime.now(UTC)
READS = [["sessions", "--json"], ["show", "last", "--json"], ["progress", "--json"]]


@pytest.fixture
def team_index(
    workspace: Path,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    url = new_database_url("postgresql", request, tmp_path, monkeypatch)
    sessions_of_tester(workspace, monkeypatch, SESSIONS, NOW)
    assert run(workspace, "reindex")[0] == 0
    return url


def _damage(url: str, column_value: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT id FROM sessions ORDER BY started_at LIMIT 1 OFFSET 100")
        sid = str(row.fetchone()[0])  # type: ignore[index]
        conn.execute(f"UPDATE sessions SET {column_value} WHERE id = %s", (sid,))
    return sid


# The column damaged, what it is set to, and the read commands that read that column (the
# others answer as before without a word: they never meet the value).
DAMAGE = {
    "started_at": ("started_at = 'infinity'", {"show last --json", "progress --json"}),
    "ended_at": ("ended_at = '12000-01-01 00:00+00'", {"progress --json"}),
    "record": ("""record = '{"rep": 7}'""", {"sessions --json"}),
}


@pytest.mark.parametrize("column", list(DAMAGE))
def test_a_bad_value_on_the_server_is_named_and_the_folders_answer(
    workspace: Path, team_index: str, column: str
) -> None:
    truth = {" ".join(args): run(workspace, *args) for args in READS}  # the index in order
    change, meeting = DAMAGE[column]
    sid = _damage(team_index, change)
    for args in READS:
        command = " ".join(args)
        code, out, err = run(workspace, *args)
        assert "Traceback" not in err
        assert (code, out) == truth[command][:2], (command, err)  # what the folders hold
        notes = [line for line in err.splitlines() if line.startswith("note: ")]
        assert len(notes) == (command in meeting), (command, err)
        for note in notes:
            assert "never writes" in note and "table sessions" in note, note
            assert f"row {sid}" in note and f"column {column}" in note, note
            assert "`roleplay reindex`" in note and "pg-S3cret" not in note
            origin = (workspace / "recordings" / ".index" / "origin").read_text().strip()
            assert f".index/origin reads {origin}" in note  # whose recordings hold it
    # What the note says to do mends it: the row is written again from its folder.
    code, out, err = run(workspace, "reindex")
    assert code == 0, err
    for args in READS:
        code, out, err = run(workspace, *args)
        assert (code, out) == truth[" ".join(args)][:2] and "note:" not in err, err


def test_a_team_command_on_a_bad_value_is_one_clear_line(workspace: Path, team_index: str) -> None:
    sid = _damage(team_index, DAMAGE["started_at"][0])
    result = CliRunner().invoke(app, ["--workspace", str(workspace), "review", "list"])
    assert result.exit_code == 2, (result.output, result.exception)
    [error] = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert f"row {sid}" in error and "column started_at" in error
    assert "`roleplay reindex`" in error
