"""The team report as a person meets it: on a terminal it writes a file and prints a short
summary; charts stay readable with a point or two; the page shows the team view, practice beside
real calls and outcomes, and honest statistics; and it renders in a real headless Chromium."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import warnings
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from roleplay.adapters import charts
from roleplay.adapters.sql_index import SqlIndex
from roleplay.adapters.sql_team_data import SqlTeamData
from roleplay.cli import app
from roleplay.domain.trends import Series
from tests.team_data import World, generate
from tests.test_export_browser import chromium

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture
def team(tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """Eight reps over ten weeks up to now, with weekly outcomes, in the index."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    world = generate(reps=8, weeks=10, per_week=4, start=now - timedelta(weeks=10), seed=3)
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", url)
    index = SqlIndex.open(url)
    index.save(world.sessions)
    SqlTeamData(index).import_outcomes(world.outcomes, {"meetings_booked": "higher"}, now)
    index.close()
    return world


def on_a_terminal(args: list[str], cwd: Path) -> str:
    """Run roleplay with its stdout and stderr on a pseudo-terminal; return what it printed."""
    main, child = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "100"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "roleplay", *args],
        stdin=subprocess.DEVNULL, stdout=child, stderr=child, cwd=cwd, env=env,
    )  # fmt: skip
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait(timeout=300) == 0, out.decode(errors="replace")[-3000:]
    os.close(main)
    return out.decode(errors="replace")


@pytest.mark.slow
def test_on_a_terminal_the_report_goes_to_a_file_with_a_short_summary(
    team: World, workspace: Path, tmp_path: Path
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    printed = on_a_terminal(["--workspace", str(workspace), "report", "--since", "12w"], here)
    assert "<svg" not in printed and "<html" not in printed.lower()
    assert len(printed) < 3000
    # rep04 never practises (only real calls): 7 reps practised
    assert "practice session(s) by 7 rep(s), and " in printed
    idle = next(line for line in printed.splitlines() if line.startswith("Not practised"))
    assert "rep04" in idle  # rep04 never started
    assert "meetings_booked: rho" in printed and "Association, not proof." in printed
    [written] = list(here.glob("roleplay-report-*.html"))
    assert f"Report: {written.name}" in printed
    page = written.read_text()
    assert page.startswith("<!DOCTYPE html>") and "Team this week" in page
    # A second report on the same day does not replace the first.
    on_a_terminal(["--workspace", str(workspace), "report", "--since", "12w"], here)
    assert len(list(here.glob("roleplay-report-*.html"))) == 2


def test_piped_the_report_is_the_document(team: World, workspace: Path) -> None:
    result = runner.invoke(app, ["--workspace", str(workspace), "report", "--since", "12w"])
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    team_table = page.split('<table class="team-view">')[1].split("</table>")[0]
    assert team_table.count("<tr") == 1 + 8  # header and one row per rep, numbers beside plots
    assert '<tr class="idle"><td>rep04</td>' in team_table
    effect = page.split('<section id="effect">')[1].split("</section>")[0]
    assert "association, not proof" in effect
    assert re.search(r"<td>meetings_booked</td><td>higher</td><td>8</td><td>10</td>", effect)
    assert "each rep before and after practice started" in effect
    assert "Practice sessions per week, whole team" in page
    assert "real-call scores" in page  # practice beside the soft KPI of real work


def test_charts_with_one_point_say_so_and_keep_a_real_axis() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib's AutoDateLocator warned on one day
        svg = charts.trend(
            [Series("rep talk share", ((date(2026, 1, 5), 0.0),), 1)],
            title="Filler words by rep",
            ylabel="per 100 words",
            salt="t",
        )
    texts = re.findall(r">([^<>]+)</text>", svg)
    assert "Jan 5" in texts  # the day of the point is on the axis
    assert "1 point(s) per line: too few to show a trend" in " ".join(texts)
    ticks = [t.strip() for t in texts if re.fullmatch(r"\s*[0-9.]+\s*", t)]
    assert "0.05" not in ticks and "1.0" in ticks  # no filler 0-0.05 axis for an all-zero KPI
    assert "0" in ticks  # the value is written beside the dot


@pytest.mark.slow
def test_a_generated_team_report_renders_in_headless_chromium(
    team: World, workspace: Path, tmp_path: Path
) -> None:
    from PIL import Image

    page = tmp_path / "report.html"
    result = runner.invoke(
        app, ["--workspace", str(workspace), "report", "--since", "12w", "-o", str(page)]
    )
    assert result.exit_code == 0, result.output
    shot = tmp_path / "shot.png"
    run = subprocess.run(
        [
            chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2600",
            "--hide-scrollbars", f"--screenshot={shot}", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 2600)
    colours = image.getcolors(maxcolors=1_000_000) or []
    counts: dict[tuple[int, ...], int] = {tuple(rgb): n for n, rgb in colours}  # type: ignore[arg-type]

    def near(target: tuple[int, int, int], tolerance: int = 12) -> int:
        found = 0
        for rgb, n in counts.items():
            if all(abs(a - b) <= tolerance for a, b in zip(rgb, target, strict=True)):
                found += n
        return found

    assert near((0xFF, 0xF4, 0xE5)) > 5_000  # the idle reps' rows are highlighted
    assert near((0x2F, 0x6F, 0xDF), 30) > 300  # chart lines and dots are drawn
    white = near((255, 255, 255), 2)
    assert white < 0.97 * image.size[0] * image.size[1]  # not a blank page


async def test_the_team_screen_shows_each_rep_with_numbers_and_who_is_idle(
    team: World, workspace: Path
) -> None:
    from datetime import UTC, datetime

    from textual.widgets import DataTable, Static

    from roleplay.adapters.clock import ManualClock
    from roleplay.tui.screens.team import TeamScreen
    from tests.app_helpers import make_app, open_screen

    clock = ManualClock(datetime.now(UTC) - timedelta(days=20))
    app_ = make_app(workspace, clock=clock)
    app_.services.assignments().assign("demo-follow-up", to="rep02", due=str(clock.now().date()))
    clock.advance(20 * 86400)  # the date has passed; nobody practises demo-follow-up
    async with app_.run_test(size=(150, 40)) as pilot:
        await open_screen(pilot, "f6")
        assert isinstance(app_.screen, TeamScreen)
        table = app_.screen.query_one("#team-table", DataTable)
        assert table.row_count == 8
        rows = {}
        for i in range(8):
            row = table.get_row_at(i)
            rows[str(row[0])] = row  # a name as written (Text: never read as markup)
        late = rows["rep02"][6]
        assert str(late) == "0/1"  # one overdue, shown in bold red
        assert [(late.plain[s.start : s.end], str(s.style)) for s in late.spans] == [("1", "b red")]
        assert str(rows["rep04"][5]) == "never"
        idle = str(app_.screen.query_one("#team-idle", Static).content)
        assert idle.startswith("[b]Not practised for 7 days or more:[/b]") and "rep04" in idle
        summary = str(app_.screen.query_one("#team-summary", Static).content)
        assert "rep(s) practised" in summary


def test_team_screen_snapshot(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six reps over six weeks, seen two days into the seventh (fixed paths and clock)."""
    from datetime import UTC, datetime

    from textual.pilot import Pilot

    from roleplay.adapters.clock import ManualClock
    from tests.app_helpers import make_app, make_workspace, open_screen, snapshot_home

    root = snapshot_home(tmp_path, monkeypatch)  # this test's own, shown as ~ (stable)
    ws = make_workspace(root)
    url = f"sqlite:///{root / 'team.sqlite'}"
    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", url)
    start = datetime(2026, 1, 5, 8, tzinfo=UTC)
    world = generate(reps=6, weeks=6, per_week=3, start=start, seed=4)
    index = SqlIndex.open(url)
    index.save(world.sessions)
    index.close()
    app_ = make_app(ws, clock=ManualClock(start + timedelta(weeks=6, days=2)))

    async def team_screen(pilot: Pilot[None]) -> None:
        await open_screen(pilot, "f6")

    assert snap_compare(app_, terminal_size=(130, 30), run_before=team_screen)


def test_a_chart_is_the_same_whatever_was_drawn_before_it() -> None:
    """Trend charts share one figure: nothing of one chart may stay in the next."""
    weeks = tuple((date(2026, 1, 5) + timedelta(weeks=i), 2.0 + i / 10) for i in range(12))

    def levels() -> str:
        return charts.trend(
            [Series("discovery", weeks, 12)],
            title="Levels",
            ylabel="level (1-5)",
            ylim=(0.8, 5.2),
            salt="a",
            xlim=(date(2026, 1, 1), date(2026, 3, 31)),
        )

    first = levels()
    one_point = charts.trend(
        [Series(f"rep{i}", ((date(2026, 1, 5), 400.0 + i),), 1) for i in range(3)],
        title="Handle time",
        ylabel="seconds",
        salt="b",
    )
    assert "too few to show a trend" in one_point and "400" in one_point
    assert levels() == first
    assert "too few" not in first and "rep0" not in first and "400" not in first


def test_the_report_says_the_same_on_postgresql_as_on_sqlite(
    tmp_path: Path, postgres_server: Any
) -> None:
    """Each backend reads the KPIs its own way (PostgreSQL as one JSON value per session):
    the page, numbers and charts, must come out the same."""
    from datetime import UTC, datetime

    from roleplay.adapters.clock import ManualClock
    from roleplay.adapters.html_templates import JinjaTemplates
    from roleplay.services.report import Reports

    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    # 9 of the 11 practise (a fifth never start): more than 8 lines, so the team's means
    world = generate(reps=11, weeks=8, per_week=3, start=start, seed=5)
    end = start + timedelta(weeks=8)

    def page(url: str) -> str:
        index = SqlIndex.open(url)
        index.save(world.sessions)
        SqlTeamData(index).import_outcomes(world.outcomes, {"meetings_booked": "higher"}, end)

        class Indexer:
            def index(self) -> SqlIndex:
                return index

        reports = Reports(
            Indexer(),  # type: ignore[arg-type]
            ManualClock(end),
            charts=charts.MatplotlibCharts(),
            templates=JinjaTemplates(),
            team_data=lambda: SqlTeamData(index),
        )
        try:
            return reports.render(reports.build(since=start, detail=False), "html")
        finally:
            index.close()

    on_sqlite = page(f"sqlite:///{tmp_path / 'team.sqlite'}")
    on_postgres = page(postgres_server.url(postgres_server.new_database()))
    for kpi in ("Talk share by words", "Open questions", "Fillers per 100 words"):
        assert f"{kpi} (team mean)" in on_sqlite  # the KPI charts are drawn
    assert on_postgres == on_sqlite
