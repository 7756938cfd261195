"""The set-up the tests of a damaged index share (test_index_damage.py: SQLite's file;
test_pg_bad_values.py: a team's PostgreSQL server): a rep's sessions in their folders, more
than INDEX_FROM so that the lists are read from the index, and a command run that fails the
test on a traceback (every damage must end in a message, never in an exception)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from tests.index_data import make_session, write

Run = tuple[int, str, str]  # exit code, stdout, stderr


def run(ws: Path, *args: str) -> Run:
    """`roleplay --workspace WS ARGS`, in this process; a traceback fails the test."""
    result = CliRunner().invoke(app, ["--workspace", str(ws), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.stderr,
    )
    return result.exit_code, result.stdout, result.stderr


def sessions_of_tester(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, count: int, now: datetime
) -> None:
    """`count` session folders of the rep 'tester' (the configured rep, in UTC), two hours
    apart from 30 days before `now`, alternating two scenarios, every eleventh one unscored."""
    monkeypatch.setenv("ROLEPLAY_REP", "tester")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "UTC")
    start = now - timedelta(days=30)
    for n in range(count):
        write(
            workspace / "recordings",
            make_session(
                n,
                rep="tester",
                scenario=["discovery-spin", "price-objection"][n % 2],
                started_at=start + timedelta(hours=2 * n),
                scored=n % 11 != 5,
            ),
        )
