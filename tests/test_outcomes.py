"""`roleplay outcomes import`: every bad line reported with file:line and what was expected,
nothing half-imported, the same file twice changes nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

from roleplay.composition import build
from roleplay.config import Settings
from tests.cli_helpers import invoke as cli

GOOD = """rep,period_start,metric,value,team
ana,2026-01-05,meetings_booked,4,north
ana,2026-01-12,meetings_booked,6,north
ben,2026-01-05,meetings_booked,3,south
ana,2026-01-05,average_handle_time,410,north
ben,2026-01-05,win_rate,0.25,south
"""

BAD = """rep,period_start,metric,value
ana,2026-01-05,meetings_booked,4
,2026-01-12,meetings_booked,6
ben,05/01/2026,meetings_booked,3
ben,2026-01-12,meetings_booked,three
ana,2026-01-05,meetings_booked,5
cara,2026-01-05
"""


def stored(ws: Path) -> list[tuple[str, str, str, float]]:
    data = build(ws, settings=Settings(rep="tina")).team_data()
    return [(o.rep, o.period_start.isoformat(), o.metric, o.value) for o in data.outcomes()]


def test_bad_lines_are_reported_with_positions_and_nothing_is_imported(
    workspace: Path, tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(BAD)
    result = cli(workspace, "outcomes", "import", str(path))
    assert result.exit_code == 2
    out = result.output
    assert "5 problem(s); nothing was imported" in out
    assert f"{path}:3: rep is empty" in out
    assert f"{path}:4: period_start '05/01/2026' is not a date; expected YYYY-MM-DD" in out
    assert f"{path}:5: value 'three' is not a number" in out
    assert f"{path}:6: ana 2026-01-05 meetings_booked is 5 here but 4 on line 2" in out
    assert f"{path}:7: 2 column(s); expected 4" in out
    assert f"{path}:2:" not in out  # the good line is not blamed
    assert stored(workspace) == []  # not even the good line

    header = tmp_path / "header.csv"
    header.write_text("name;week;kpi;amount\nana;2026-01-05;csat;4,5\n")
    wrong = cli(workspace, "outcomes", "import", str(header))
    assert f"{header}:1: the header lacks metric, value" in wrong.output
    assert "expected the columns rep,period_start,metric,value" in wrong.output


def test_import_is_idempotent_and_directions_are_kept(
    workspace: Path, tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(GOOD)
    first = cli(workspace, "outcomes", "import", str(path), "--higher-is-better", "win-rate")
    assert first.exit_code == 0, first.output
    assert (
        "Imported 5 row(s)" in first.output and "5 new, 0 changed, 0 already there" in first.output
    )
    assert "average_handle_time: lower is better" in first.output  # a known metric
    assert "win_rate: higher is better" in first.output  # declared on the command line
    assert "No practice in the index for: ana, ben" in first.output
    before = stored(workspace)
    assert len(before) == 5

    again = json.loads(cli(workspace, "outcomes", "import", str(path), "--json").output)
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 0, 5)
    assert again["metrics"]["win_rate"] == "higher"  # remembered from the first import
    assert stored(workspace) == before

    path.write_text(
        GOOD.replace("ana,2026-01-12,meetings_booked,6", "ana,2026-01-12,meetings_booked,7")
    )
    third = json.loads(cli(workspace, "outcomes", "import", str(path), "--json").output)
    assert (third["added"], third["changed"], third["unchanged"]) == (0, 1, 4)
    assert ("ana", "2026-01-12", "meetings_booked", 7.0) in stored(workspace)
