"""`roleplay show` prints a well-formed session without pydantic (issue 18: importing it and
building the session, scorecard and KPI models was half of the command). A file that is not
plainly well-formed is read by the models as before: a hand-edited value they accept still
shows the same, and a broken file still gets the same clear message naming it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.fresh_cli import SRC, watching
from tests.test_fast_commands import practise

WATCHED = ["pydantic", "roleplay.domain.session", "roleplay.domain.scorecard", "sqlalchemy"]


def show(
    ws: Path, *args: str, src: str = SRC
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    return watching(ws, WATCHED, "show", *args, src=src)


def folder(ws: Path) -> Path:
    [found] = [p for p in (ws / "recordings").iterdir() if (p / "session.json").is_file()]
    return found


def test_show_prints_a_scored_session_without_pydantic(workspace: Path) -> None:
    practise(workspace)
    show(workspace, "last")  # the first run fills the catalog cache
    done, modules = show(workspace, "last")
    assert done.returncode == 0, done.stderr
    assert "dispatch team" in done.stdout and "Scorecard" in done.stdout
    assert "Overall" in done.stdout and "Numbers: talk ratio" in done.stdout
    assert modules == []
    # --json is the models' own dump: it still reads them
    done, modules = show(workspace, "last", "--json")
    assert done.returncode == 0, done.stderr
    assert "pydantic" in modules


def _edit(path: Path, change: dict[str, object]) -> None:
    data = json.loads(path.read_text())
    data.update(change)
    path.write_text(json.dumps(data))


def test_a_value_the_models_accept_but_the_plain_read_does_not_shows_the_same(
    workspace: Path,
) -> None:
    """A scenario version written as "1" (a hand edit the models take as 1) and a turn's
    start as a string: the plain read leaves them to the models, and the text is the same."""
    practise(workspace)
    before, _ = show(workspace, "last")
    session = folder(workspace)
    data = json.loads((session / "session.json").read_text())
    data["scenario"]["version"] = str(data["scenario"]["version"])
    (session / "session.json").write_text(json.dumps(data))
    lines = (session / "transcript.jsonl").read_text().split("\n")
    first = json.loads(lines[0])
    first["start"] = str(first["start"])
    (session / "transcript.jsonl").write_text("\n".join([json.dumps(first), *lines[1:]]))
    after, modules = show(workspace, "last")
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert "pydantic" in modules  # the models read it


@pytest.mark.parametrize(
    ("file", "change", "said"),
    [
        ("scorecard.json", {"overall": "high"}, "overall: Input should be a valid number"),
        ("scorecard.json", {"criteria": [{"id": "x"}]}, "criteria.0.name: Field required"),
        ("session.json", {"started_at": "yesterday"}, "started_at: Input should be a valid"),
    ],
)
def test_a_broken_file_still_gets_the_clear_message(
    workspace: Path, file: str, change: dict[str, object], said: str
) -> None:
    practise(workspace)
    _edit(folder(workspace) / file, change)
    done, _ = show(workspace, folder(workspace).name)
    assert done.returncode != 0
    assert f"{folder(workspace) / file}: cannot be read ({said}" in done.stderr


def test_a_damaged_transcript_line_is_named_with_the_turns_still_shown(workspace: Path) -> None:
    practise(workspace)
    path = folder(workspace) / "transcript.jsonl"
    lines = path.read_text().split("\n")
    path.write_text("\n".join([lines[0], '{"index": -1}', *lines[1:]]))
    done, _ = show(workspace, "last")
    assert done.returncode == 1
    assert f"{path}:2: not a turn (" in done.stderr
    assert "the transcript is damaged" in done.stderr
    assert "dispatch team" in done.stdout  # the readable turns are shown


def test_a_lone_surrogate_is_left_to_the_models(workspace: Path) -> None:
    """json takes "\\ud800" as a string; the models refuse it: the models' message, as before."""
    practise(workspace)
    session = folder(workspace)
    raw = (session / "session.json").read_text()
    edited = re.sub(r'"rep": ?"ana"', r'"rep": "an\\ud800a"', raw, count=1)
    assert edited != raw
    (session / "session.json").write_text(edited)
    done, modules = show(workspace, session.name)
    assert done.returncode != 0
    assert f"{session / 'session.json'}: cannot be read (" in done.stderr
    assert "pydantic" in modules


def test_score_last_in_a_long_folder_lists_it_without_sqlalchemy(workspace: Path) -> None:
    """From 300 folders a list comes from the index: `score last` read its 300-8,000 lines
    (and the newest session) through SQLAlchemy, imported for that alone (~150 ms); they are
    read with sqlite3 on the writer's own connection now, the same rows (as `today` reads
    them), and the schedule still comes back."""

    from tests.index_data import T0, write_sessions

    write_sessions(workspace / "recordings", 300, T0, origin="test")
    args = ["score", "last", "--judge", "offline"]
    runs = [
        watching(workspace, ["sqlalchemy", "alembic"], *args, timeout=300)
        for _ in range(2)  # the first builds the index (SQLAlchemy creates it) and schedule
    ]
    done, modules = runs[-1]
    assert done.returncode == 0, done.stderr
    assert "Overall" in done.stdout and "Comes back:" in done.stdout
    assert modules == []
