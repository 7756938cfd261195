"""Assignments end to end: a trainer assigns, `today` and the app's Today screen show it first,
the rep practises, it is done; a date passes, it is overdue. SQLite (one person) and a real
PostgreSQL team index, where only trainers and admins may assign."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable

from roleplay.adapters.clock import ManualClock
from roleplay.cli import app
from roleplay.composition import build
from roleplay.config import Settings
from roleplay.domain.assignments import Assignment, Attempt, progress
from roleplay.tui.screens.home import HomeScreen
from roleplay.tui.screens.scorecard import ScorecardScreen
from tests.app_helpers import make_app, make_workspace, say, settle
from tests.cli_helpers import invoke as cli
from tests.cli_helpers import runner
from tests.helpers import play
from tests.pg_server import PgServer

LINES = [
    "How does a typical morning look for your dispatch team?",
    "What happens when a truck breaks down before nine?",
    "Can I call you Tuesday at ten with Anna from finance?",
]
JAN5 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday


def practise(ws: Path, clock: ManualClock, rep: str = "ana", scenario: str = "discovery-spin"):
    s = build(ws, settings=Settings(rep=rep, timezone="UTC"), clock=clock)
    call = s.practice.begin(scenario, s.profile())
    play(call, LINES, clock)
    s.practice.finish(call)
    assert s.indexer.problem is None, s.indexer.problem
    return call.record.id


def test_assign_today_practise_done_then_overdue_on_the_cli(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_REP", "ana")
    due = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    made = cli(
        workspace, "assign", "discovery-spin", "--to", "ana", "--due", due,
        "--note", "Ask what a late truck costs", "--json",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    first = json.loads(made.output)
    today = cli(workspace, "today")
    assert today.exit_code == 0, today.output
    top = today.output.split("Today,")[0]  # the assignment comes before the queue
    assert f"[ ] discovery-spin: due {due}" in top
    assert "note: Ask what a late truck costs" in top
    assert "roleplay practice discovery-spin" in top

    practise(workspace, ManualClock(datetime.now(UTC) + timedelta(minutes=1)))
    after = json.loads(cli(workspace, "today", "--json").output)["assignments"]
    assert [(a["id"], a["status"]) for a in after] == [(first["id"], "done")]
    assert "[x] discovery-spin: done" in cli(workspace, "today").output

    # One set in the past whose date has gone by, with nothing practised since: overdue.
    old = build(workspace, settings=Settings(rep="ana"), clock=ManualClock(JAN5))
    late = old.assignments().assign(
        "discovery-spin:cost-of-downtime", to="ana", due="2026-01-09", note="before the QBR"
    )
    listed = cli(workspace, "assignments", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[1].startswith(late.id) and "OVERDUE since 2026-01-09" in lines[1]
    assert "[!] discovery-spin:cost-of-downtime: OVERDUE since 2026-01-09" in (
        cli(workspace, "today").output
    )

    # Changed, then withdrawn: it leaves today's list but stays in the history.
    changed = cli(workspace, "assignments", "change", late.id[:5], "--note", "after the QBR")
    assert changed.exit_code == 0, changed.output
    assert cli(workspace, "assignments", "withdraw", late.id).exit_code == 0
    assert late.id not in cli(workspace, "today").output
    history = json.loads(cli(workspace, "assignments", "list", "--withdrawn", "--json").output)
    gone = next(a for a in history if a["id"] == late.id)
    assert gone["status"] == "withdrawn" and gone["note"] == "after the QBR"


def test_unknown_scenario_drill_or_rep_is_refused_naming_the_choices(workspace: Path) -> None:
    bad = cli(workspace, "assign", "discovery-spn", "--to", "tester")
    assert bad.exit_code == 2 and "did you mean 'discovery-spin'" in bad.output
    drill = cli(workspace, "assign", "discovery-spin:opener", "--to", "tester")
    assert "has no drill 'opener'" in drill.output and "cost-of-downtime" in drill.output
    nobody = cli(workspace, "assign", "discovery-spin", "--to", "zed", env={"ROLEPLAY_REP": "ana"})
    assert nobody.exit_code == 2 and "no rep 'zed'" in nobody.output
    assert "known: ana" in nobody.output
    both = cli(workspace, "assign", "discovery-spin", "--team", "--due", "2099-01-01",
               "--every", "2/week")  # fmt: skip
    assert "--due and --every together" in both.output
    cadence = cli(workspace, "assign", "discovery-spin", "--team", "--every", "often")
    assert "not a cadence" in cadence.output and "2/week" in cadence.output
    assert cli(workspace, "assignments", "list").output.strip() == "No assignments."


def test_a_recurring_assignment_counts_per_week() -> None:
    a = Assignment("a1", "s", None, None, "tina", JAN5, per_week=2)
    at = [Attempt("ana", "s", None, JAN5 + timedelta(days=d), 4, 3.0) for d in (1, 2, 8, 15, 16)]
    # Week 1 (Jan 5): 2 sessions, met. Week 2: 1, missed. Week 3 (now, Jan 21): 2, done.
    now = JAN5 + timedelta(days=16, hours=5)
    p = progress(a, "ana", at, now, UTC)
    assert (p.status, p.attempts, p.weeks_missed) == ("done", 2, 1)
    assert p.summary == "2/2 this week, 1 week(s) missed"
    ben = progress(a, "ben", at, now, UTC)
    assert (ben.status, ben.summary) == ("overdue", "0/2 this week, 2 week(s) missed")
    strict = Assignment("a2", "s", None, "ana", "tina", JAN5, due=JAN5.date(), pass_score=3.5)
    assert progress(strict, "ana", at, now, UTC).status == "overdue"  # no session reached 3.5


async def test_the_today_screen_shows_assignments_first_and_starts_one(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    clock = ManualClock(JAN5)
    s = build(ws, settings=Settings(rep="tester", timezone="UTC"), clock=clock)
    s.assignments().assign(
        "discovery-spin", to="tester", due="2026-01-06", note="Dig into [cost] [/b]"
    )
    clock.advance(3 * 86400)  # past the date: overdue
    app_ = make_app(ws, clock=clock)
    async with app_.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app_.screen, HomeScreen)
        table = app_.screen.query_one("#assigned", DataTable)
        assert table.display and table.row_count == 1
        row = [str(c) for c in table.get_row_at(0)]
        assert row[0] == "[!] discovery-spin" and "OVERDUE since 2026-01-06" in row[1]
        assert row[3] == "Dig into [cost] [/b]"  # shown as typed, not read as markup
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        for line in LINES:
            await say(pilot, line)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#yes")  # end the call
        await settle(pilot)
        assert isinstance(app_.screen, ScorecardScreen)
        app_.pop_screen()  # back to Today, which reloaded when the call was scored
        await settle(pilot)
        assert isinstance(app_.screen, HomeScreen)
        table = app_.screen.query_one("#assigned", DataTable)
        assert "done" in str(table.get_row_at(0)[1])


async def test_the_today_screen_words_an_assignment_as_roleplay_today_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace(tmp_path)
    monkeypatch.setenv("ROLEPLAY_REP", "tester")
    s = build(ws, settings=Settings(rep="tester", timezone="UTC"), clock=ManualClock(JAN5))
    s.assignments().assign("discovery-spin:cost-of-downtime", to="tester", due="2026-01-06",
                           note="Ask what a late truck costs")  # fmt: skip
    s.assignments().assign("discovery-spin", to="tester", due="2099-01-01")
    said = cli(ws, "today")
    assert said.exit_code == 0, said.output
    # The CLI's lines, "  [!] TARGET: STATE (set by AUTHOR)", each with its note under it.
    told = [line.strip() for line in said.output.split("Today,")[0].splitlines()]
    app_ = make_app(ws, clock=ManualClock(datetime.now(UTC)))  # the same day as the CLI's
    async with app_.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        table = app_.screen.query_one("#assigned", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
    assert len(rows) == 2
    for target, state, author, note in rows:
        assert f"{target}: {state} (set by {author})" in told
        assert target.startswith(("[!] ", "[ ] "))
        assert not note or f"note: {note}" in told


LONG_NOTE = (
    "Before you pitch anything, ask what one late truck costs them in overtime, spoilt "
    "dough and angry supermarket buyers, then play it back in their own words and agree a "
    "follow-up with the plant manager: https://example.com/playbooks/bakery-downtime-v2"
)


async def test_a_long_assignment_note_is_wrapped_whole_in_the_app_and_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long note was cut at its column's width in the app, and ran off the terminal in
    `today`."""
    ws = make_workspace(tmp_path)
    monkeypatch.setenv("ROLEPLAY_REP", "tester")
    s = build(ws, settings=Settings(rep="tester", timezone="UTC"), clock=ManualClock(JAN5))
    s.assignments().assign("discovery-spin", to="tester", due="2099-01-01", note=LONG_NOTE)
    said = cli(ws, "today")
    assert said.exit_code == 0, said.output
    block = said.output.split("Today,")[0].splitlines()
    note_lines = [line for line in block if line.startswith(" " * 6) and "roleplay" not in line]
    assert len(note_lines) >= 3 and all(len(line) <= 78 for line in note_lines)
    assert note_lines[0].startswith("      note: Before you pitch")
    assert " ".join(line.strip() for line in note_lines) == f"note: {LONG_NOTE}"
    app_ = make_app(ws, clock=ManualClock(datetime.now(UTC)))
    async with app_.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app_.screen.query_one("#assigned", DataTable)
        assert table.ordered_rows[0].height >= 5  # grown to hold the wrapped note
        shot = app_.export_screenshot()
    runs = re.findall(r"<text [^>]*>([^<]*)</text>", shot)
    # Every letter of the note is on screen, in order, wrapped inside its column (a link
    # longer than the column is cut where the column ends, as a terminal would).
    on_screen = "".join("".join(r.replace("&#160;", " ").split()) for r in runs)
    assert "".join(LONG_NOTE.split()) in on_screen, on_screen


def test_on_a_team_index_trainers_assign_and_each_rep_sees_theirs(
    postgres_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg, tag = postgres_server, uuid.uuid4().hex[:8]
    db, owner, owner_pw = f"asg_{tag}", f"own_{tag}", f"Own3r/{tag}"
    pg.admin(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD '{owner_pw}'")
    pg.admin(f"CREATE DATABASE {db} OWNER {owner}")
    ws = make_workspace(tmp_path)

    def env(login: str, password: str) -> dict[str, str]:
        return {"ROLEPLAY_DATABASE_URL": pg.url(db, password, user=login), "ROLEPLAY_REP": login}

    assert cli(ws, "team", "init", env=env(owner, owner_pw)).exit_code == 0
    people = {}
    for who, role in (("ana", "rep"), ("ben", "rep"), ("tina", "trainer")):
        login, pw = f"{who}_{tag}", f"{who}-S3cret/{tag}"
        added = runner.invoke(  # the password is read from stdin
            app,
            ["--workspace", str(ws), "team", "add", login, "--role", role],
            input=pw + "\n",
            env=env(owner, owner_pw),
        )
        assert added.exit_code == 0, added.output
        people[who] = env(login, pw)
    ana, ben = people["ana"]["ROLEPLAY_REP"], people["ben"]["ROLEPLAY_REP"]

    refused = cli(ws, "assign", "discovery-spin", "--to", ben, env=people["ana"])
    assert refused.exit_code == 2
    assert "only a trainer or an admin can assign practice" in refused.output
    # The database refuses it too, whatever the client: plain SQL as the rep.
    import psycopg

    url = people["ana"]["ROLEPLAY_DATABASE_URL"]
    with (
        psycopg.connect(url, autocommit=True) as raw,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        raw.execute(
            "INSERT INTO assignments (id, scenario_id, rep, author, created_at, note) "
            "VALUES ('x', 'discovery-spin', %s, %s, now(), '')",
            (ben, ana),
        )
    unknown = cli(ws, "assign", "discovery-spin", "--to", "zed", env=people["tina"])
    assert "no rep 'zed'" in unknown.output and ana in unknown.output
    mine = cli(ws, "assign", "discovery-spin", "--to", ana, "--note", "for ana", env=people["tina"])
    assert mine.exit_code == 0, mine.output
    everyone = cli(ws, "assign", "price-objection", "--team", "--every", "1/week",
                   env=people["tina"])  # fmt: skip
    assert everyone.exit_code == 0, everyone.output

    ana_sees = json.loads(cli(ws, "today", "--json", env=people["ana"]).output)["assignments"]
    assert sorted(a["scenario"] for a in ana_sees) == ["discovery-spin", "price-objection"]
    ben_sees = json.loads(cli(ws, "assignments", "list", "--json", env=people["ben"]).output)
    assert [(a["scenario"], a["for"]) for a in ben_sees] == [("price-objection", ben)]

    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", people["ana"]["ROLEPLAY_DATABASE_URL"])
    practise(ws, ManualClock(datetime.now(UTC) + timedelta(minutes=1)), rep=ana)
    monkeypatch.delenv("ROLEPLAY_DATABASE_URL")
    team = json.loads(cli(ws, "assignments", "list", "--json", env=people["tina"]).output)
    state = {(a["scenario"], a["for"]): a["status"] for a in team}
    assert state[("discovery-spin", ana)] == "done"
    assert state[("price-objection", ben)] == "open"
