"""Who may see and change what on a shared index, enforced by a real PostgreSQL server.

A database owner (a login with CREATEROLE, not a superuser) runs `roleplay team init` and adds
two reps and a trainer with passwords typed on stdin. Then each person uses the CLI with their
own login, and plain SQL as the same login shows the database refuses what the CLI refuses.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner, Result

from roleplay.adapters.clock import ManualClock
from roleplay.cli import app
from roleplay.config import Settings
from tests.helpers import play
from tests.pg_server import PgServer

REPO = Path(__file__).resolve().parents[1]
LINES = ["How does a typical morning look for your dispatch team?", "Can I call you Tuesday?"]
runner = CliRunner()


@dataclass
class Person:
    login: str
    password: str
    url: str
    ws: Path

    def cli(self, *args: str, input: str | None = None) -> Result:
        result = runner.invoke(
            app,
            ["--workspace", str(self.ws), *args],
            input=input,
            env={"ROLEPLAY_DATABASE_URL": self.url, "ROLEPLAY_REP": self.login},
        )
        return result

    def sql(self, pg: PgServer, db: str) -> psycopg.Connection:
        return psycopg.connect(
            host=pg.host,
            port=pg.port,
            user=self.login,
            password=self.password,
            dbname=db,
            autocommit=True,
        )


@dataclass
class Team:
    pg: PgServer
    db: str
    owner: Person
    ana: Person
    ben: Person
    tina: Person
    sessions: dict[str, str]  # login -> their session id

    def everyone(self) -> list[Person]:
        return [self.owner, self.ana, self.ben, self.tina]


def _workspace(root: Path, name: str) -> Path:
    ws = root / name
    shutil.copytree(REPO / "scenarios", ws / "scenarios")
    shutil.copytree(REPO / "rubrics", ws / "rubrics")
    (ws / "recordings").mkdir()
    return ws


def _practise(person: Person, rep_name: str, monkeypatch: pytest.MonkeyPatch) -> str:
    from roleplay.composition import build

    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", person.url)
    s = build(person.ws, settings=Settings(rep=rep_name), clock=ManualClock())
    call = s.practice.begin("discovery-spin", s.profile())
    play(call, LINES, s.practice.clock)  # type: ignore[arg-type]
    s.practice.finish(call)
    assert s.indexer.problem is None, s.indexer.problem
    monkeypatch.delenv("ROLEPLAY_DATABASE_URL")
    return call.record.id


@pytest.fixture
def team(postgres_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    pg = postgres_server
    tag = uuid.uuid4().hex[:10]
    db = f"team_{tag}"
    owner_pw = f"Own3r/{tag}@x"
    pg.admin(f"CREATE ROLE owner_{tag} LOGIN CREATEROLE PASSWORD '{owner_pw}'")
    pg.admin(f"CREATE DATABASE {db} OWNER owner_{tag}")

    def person(name: str, password: str) -> Person:
        return Person(name, password, pg.url(db, password, user=name), _workspace(tmp_path, name))

    owner = person(f"owner_{tag}", owner_pw)
    init = owner.cli("team", "init")
    assert init.exit_code == 0, init.output
    assert "Team roles are ready" in init.output
    people = {}
    for who, role in (("ana", "rep"), ("ben", "rep"), ("tina", "trainer")):
        p = person(f"{who}_{tag}", f"{who}-S3cret/{tag}@pw")
        added = owner.cli("team", "add", p.login, "--role", role, input=p.password + "\n")
        assert added.exit_code == 0, added.output
        assert f"Added the login '{p.login}' as {role}" in added.output
        people[who] = p
    sessions = {
        # Ana's config names her "Ana B."; the index records her login all the same.
        people["ana"].login: _practise(people["ana"], "Ana B.", monkeypatch),
        people["ben"].login: _practise(people["ben"], people["ben"].login, monkeypatch),
    }
    return Team(pg, db, owner, people["ana"], people["ben"], people["tina"], sessions)


def test_a_rep_sees_only_their_own_sessions_in_the_cli_and_in_sql(team: Team) -> None:
    ana, ben = team.ana, team.ben
    mine, theirs = team.sessions[ana.login], team.sessions[ben.login]
    listed = ana.cli("review", "list", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [(r["id"], r["rep"]) for r in rows] == [(mine, ana.login)]
    shown = ana.cli("review", "show", theirs)
    assert shown.exit_code == 2 and "Traceback" not in shown.output
    assert f"no session '{theirs}'" in shown.output
    assert LINES[0] not in shown.output
    export = ana.cli("export", theirs, "--format", "json")
    assert export.exit_code == 2 and LINES[0] not in export.output
    with ana.sql(team.pg, team.db) as conn:
        turns = conn.execute("SELECT DISTINCT session_id FROM turns").fetchall()
        assert turns == [(mine,)]
        assert conn.execute("SELECT * FROM turns WHERE session_id = %s", [theirs]).fetchall() == []
        assert conn.execute(
            "SELECT count(*) FROM criterion_scores WHERE session_id = %s", [theirs]
        ).fetchone() == (0,)
        # Changing or deleting another rep's rows touches nothing.
        assert (
            conn.execute("UPDATE sessions SET rep = %s WHERE id = %s", [ana.login, theirs]).rowcount
            == 0
        )
        assert conn.execute("DELETE FROM turns WHERE session_id = %s", [theirs]).rowcount == 0
    with ben.sql(team.pg, team.db) as conn:
        count = conn.execute("SELECT count(*) FROM turns WHERE session_id = %s", [theirs])
        assert count.fetchone() == (len(LINES) * 2 + 1,)


def test_a_rep_cannot_override_or_mark_even_their_own_session(team: Team) -> None:
    ana, tina = team.ana, team.tina
    mine = team.sessions[ana.login]
    for args in (
        ("override", mine, "open-questions", "5", "--reason", "I was great"),
        ("comment", mine, "note to self"),
        ("done", mine),
    ):
        result = ana.cli("review", *args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        [line] = result.output.strip().splitlines()
        assert line.startswith("error: only a trainer can ")
        assert line.endswith(f"; ask {tina.login} or {team.owner.login}")
    assert (
        "only a trainer can override a score"
        in ana.cli("review", "override", mine, "open-questions", "5", "--reason", "x").output
    )
    assert not (ana.ws / "recordings" / mine / "review.json").exists()  # nothing written
    with ana.sql(team.pg, team.db) as conn:
        for sql in (
            "INSERT INTO overrides VALUES ('x', %s, 'o', %s, now(), 'open-questions', 5, 'me')",
            "INSERT INTO review_marks VALUES ('x', %s, 'o', %s, now(), true)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql, [mine, ana.login])
        # Ana's own session stays hers: she cannot hand it to someone else either.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE sessions SET rep = %s WHERE id = %s", [team.ben.login, mine])


def test_a_rep_cannot_spoof_an_author_or_a_rep(team: Team) -> None:
    ana, ben, tina = team.ana, team.ben, team.tina
    mine = team.sessions[ana.login]
    spoof = ana.cli(
        "review", "override", mine, "open-questions", "5", "--reason", "x", "--author", tina.login
    )
    assert spoof.exit_code == 2 and "Traceback" not in spoof.output
    # A session recorded under another rep's name is refused by the database.
    rls = pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security")
    with ana.sql(team.pg, team.db) as conn, rls:
        conn.execute(
            "INSERT INTO sessions SELECT 'forged', origin, %s, team, scenario_id, "
            "scenario_version, scenario_title, rubric_id, rubric_version, language, mode, "
            "started_at, ended_at, outcome, turn_count, overall, passed, judge, record, "
            "scorecard, indexed_at FROM sessions WHERE id = %s",
            [ben.login, mine],
        )
    # The trainer cannot write as someone else either: not in the CLI, not in SQL.
    result = tina.cli("review", "comment", mine, "Good", "--author", ben.login)
    assert result.exit_code == 2
    assert f"you write as your database login '{tina.login}'" in result.output
    rls = pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security")
    with tina.sql(team.pg, team.db) as conn, rls:
        conn.execute(
            "INSERT INTO overrides VALUES ('x', %s, 'o', %s, now(), 'open-questions', 1, 'x')",
            [mine, ben.login],
        )
    # Ana's session is hers in the index although her config calls her "Ana B.".
    [row] = json.loads(tina.cli("review", "list", "--rep", ana.login, "--json").output)
    assert row["id"] == mine


def test_editing_review_json_and_reindexing_does_not_raise_a_reps_level(team: Team) -> None:
    ana, tina = team.ana, team.tina
    mine = team.sessions[ana.login]
    forged = {
        "format": 1,
        "session": mine,
        "overrides": [
            {
                "id": "forged-1",
                "author": tina.login,
                "at": "2026-01-01T00:00:00Z",
                "criterion": "open-questions",
                "level": 5,
                "reason": "excellent",
            }
        ],
        "marks": [{"id": "m1", "author": tina.login, "at": "2026-01-01T00:00:00Z"}],
    }
    (ana.ws / "recordings" / mine / "review.json").write_text(json.dumps(forged))
    result = ana.cli("reindex")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "1 overrides, 1 marks not sent to the team index" in result.output
    assert "only a trainer can override a score" in result.output
    shown = json.loads(tina.cli("review", "show", mine, "--json").output)
    assert shown["review"]["overrides"] == [] and shown["human_levels"] == {}
    assert shown["review"]["reviewed"] == []
    listed = json.loads(tina.cli("review", "list", "--json").output)
    assert {r["id"]: r["reviewed"] for r in listed}[mine] is False


def test_a_trainer_reads_the_team_and_every_override_keeps_its_history(team: Team) -> None:
    ana, ben, tina = team.ana, team.ben, team.tina
    theirs = team.sessions[ben.login]
    listed = json.loads(tina.cli("review", "list", "--json").output)
    assert {r["id"] for r in listed} == set(team.sessions.values())
    shown = json.loads(tina.cli("review", "show", theirs, "--json").output)
    assert LINES[0] in [t["text"] for t in shown["turns"]]
    for level, reason in (("2", "generic questions"), ("4", "on second listen, fine")):
        done = tina.cli("review", "override", theirs, "open-questions", level, "--reason", reason)
        assert done.exit_code == 0, done.output
    assert tina.cli("review", "comment", theirs, "Ask about cost", "--turn", "1").exit_code == 0
    assert tina.cli("review", "done", theirs).exit_code == 0
    assert tina.cli("review", "done", theirs, "--undo").exit_code == 0
    doc = json.loads(tina.cli("review", "show", theirs, "--json").output)
    overrides = doc["review"]["overrides"]
    assert [(o["level"], o["author"]) for o in overrides] == [(2, tina.login), (4, tina.login)]
    assert doc["human_levels"] == {"open-questions": 4}
    assert [m["reviewed"] for m in doc["review"]["marks"]] == [True, False]
    assert doc["review"]["reviewed"] == []  # withdrawn, and the withdrawal is on record
    history = [h["what"] for h in doc["review"]["history"]]
    judge = next(c["level"] for c in doc["scorecard"]["criteria"] if c["id"] == "open-questions")
    assert history[0] == f"open-questions: {judge} → 2 (generic questions)"
    assert history[1] == "open-questions: 2 → 4 (on second listen, fine)"
    md = tina.cli("export", theirs, "--format", "md").output
    assert "## Review history" in md and "2 → 4" in md
    report = tina.cli("report", "--since", "2025-01-01", "--format", "csv").output
    rows = [r for r in csv.DictReader(io.StringIO(report)) if r["session"] == theirs]
    row = next(r for r in rows if r["criterion"] == "open-questions")
    assert row["human_level"] == "4"
    assert row["human_history"].startswith(f"2 by {tina.login} ")
    assert f", 4 by {tina.login} " in row["human_history"]
    # Ben reads the reviews of his own session; Ana does not see them.
    ben_doc = json.loads(ben.cli("review", "show", theirs, "--json").output)
    assert len(ben_doc["review"]["overrides"]) == 2
    assert [c["text"] for c in ben_doc["review"]["comments"]] == ["Ask about cost"]
    with ana.sql(team.pg, team.db) as conn:
        assert conn.execute("SELECT count(*) FROM overrides").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM comments").fetchone() == (0,)
    # Overrides are append-only: not even the trainer (nor the owner) can change one.
    for person in (tina, team.owner):
        with person.sql(team.pg, team.db) as conn:
            for sql in ("UPDATE overrides SET level = 5", "DELETE FROM overrides"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql)
            assert conn.execute("SELECT count(*) FROM overrides").fetchone() == (2,)


def test_only_an_admin_manages_the_team_and_doctor_says_who_may_do_what(team: Team) -> None:
    tina, ana = team.tina, team.ana
    refused = tina.cli("team", "add", "zed_x", "--role", "admin", input="pw\n")
    assert refused.exit_code == 2
    assert refused.output.strip() == (
        f"error: only an admin can add people and change their roles; ask {team.owner.login}"
    )
    with tina.sql(team.pg, team.db) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT roleplay_team_add(%s, 'admin', NULL)", [tina.login])
    doctor = {c["name"]: c for c in json.loads(ana.cli("doctor", "--json").output)}
    line = doctor["team login"]
    assert line["status"] == "ok"
    assert f"'{ana.login}' is a rep: may practise" in line["detail"]
    assert "Not: read the whole team's sessions" in line["detail"]
    assert tina.login in (line["fix"] or "")
    trainer = {c["name"]: c for c in json.loads(tina.cli("doctor", "--json").output)}
    assert "may practise" in trainer["team login"]["detail"]
    assert "override a score" in trainer["team login"]["detail"]
    listing = json.loads(team.owner.cli("team", "list", "--json").output)
    assert {m["login"]: m["role"] for m in listing} == {
        team.ana.login: "rep",
        team.ben.login: "rep",
        tina.login: "trainer",
    }
    # Promote Ana: she may now override (as herself), and she sees Ben's session.
    promoted = team.owner.cli("team", "add", ana.login, "--role", "trainer")
    assert promoted.exit_code == 0 and "password is unchanged" in promoted.output
    theirs = team.sessions[team.ben.login]
    ok = ana.cli("review", "override", theirs, "next-steps", "3", "--reason", "vague")
    assert ok.exit_code == 0, ok.output


def test_passwords_never_reach_output_or_the_server_log(team: Team) -> None:
    team.pg.admin(f"ALTER DATABASE {team.db} SET log_statement = 'all'")
    newcomer = f"cy_{team.db[-10:]}"
    secret = "cy-Very/S3cret@pw"
    added = team.owner.cli("team", "add", newcomer, "--role", "rep", input=secret + "\n")
    assert added.exit_code == 0, added.output
    outputs = [added.output]
    for p in team.everyone():
        outputs += [p.cli("doctor").output, p.cli("review", "list").output]
        outputs.append(p.cli("team", "add", "x", "--role", "boss").output)
    for out in outputs:
        for p in team.everyone():
            assert p.password not in out
        assert secret not in out
    assert team.pg.log is not None
    log = team.pg.log.read_text(errors="replace")
    assert "roleplay_team_add" in log  # the statement was logged, with a verifier only
    assert secret not in log
    for p in team.everyone()[1:]:
        assert p.password not in log
    with psycopg.connect(
        host=team.pg.host, port=team.pg.port, user=newcomer, password=secret, dbname=team.db
    ) as conn:
        assert conn.execute("SELECT roleplay_role()").fetchone() == ("rep",)


def test_a_login_outside_the_team_cannot_connect(team: Team) -> None:
    tag = uuid.uuid4().hex[:8]
    team.pg.admin(f"CREATE ROLE eve_{tag} LOGIN PASSWORD 'eve-pw-{tag}'")
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(
            host=team.pg.host,
            port=team.pg.port,
            user=f"eve_{tag}",
            password=f"eve-pw-{tag}",
            dbname=team.db,
        )


def test_sqlite_stays_single_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _workspace(tmp_path, "solo")
    db = tmp_path / "solo.sqlite"
    solo = Person("solo", "", f"sqlite:///{db}", ws)
    sid = _practise(solo, "solo", monkeypatch)
    assert db.stat().st_mode & 0o777 == 0o600  # one person's file
    refused = solo.cli("team", "add", "ana", "--role", "rep", input="pw\n")
    assert refused.exit_code == 2
    assert refused.output.startswith("error: the index is a SQLite file for one person")
    # A typed name is still how a single user signs a note.
    noted = solo.cli(
        "review",
        "override",
        sid,
        "open-questions",
        "3",
        "--reason",
        "ok",
        "--author",
        "coach",
        "--json",
    )
    assert noted.exit_code == 0 and json.loads(noted.output)["author"] == "coach"
    doctor = {c["name"]: c for c in json.loads(solo.cli("doctor", "--json").output)}
    assert doctor["index"]["detail"].startswith("single-user SQLite index")


def test_a_login_that_is_not_the_owner_cannot_upgrade_an_old_index(
    postgres_server: PgServer,
) -> None:
    from sqlalchemy import text

    from roleplay.adapters.sql_engine import Database, parse_url, upgrade
    from roleplay.adapters.sql_index import SqlIndex
    from roleplay.services.ports import IndexUnavailable

    pg = postgres_server
    db = pg.new_database()
    old = Database(parse_url(pg.url(db)))
    with old.write() as conn:
        upgrade(conn, "0002")
        conn.execute(text("GRANT ALL ON ALL TABLES IN SCHEMA public TO PUBLIC"))
    old.dispose()
    login = f"rep_{db[-10:]}"
    pg.admin(f"CREATE ROLE {login} LOGIN PASSWORD 'rep-pw-{db}'")
    with pytest.raises(IndexUnavailable) as err:
        SqlIndex.open(pg.url(db, f"rep-pw-{db}", user=login))
    message = str(err.value)
    assert (
        "the database owner (a login with CREATEROLE) runs it once: `roleplay team init`" in message
    )
    assert f"rep-pw-{db}" not in message
