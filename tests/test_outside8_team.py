"""`roleplay team remove` and `team add` as a team lead types them, on a real PostgreSQL server.

- `team remove` of someone not on the team said "'ana' is no longer on the team." (removed
  already: nothing happened, and it read as done) or the database's own words for a typo
  ("the team index refused this (role "zed" does not exist)"). Now it says who is not on the
  team, the close name and who is on it, exit 2.
- A password of only spaces (a script's `echo "   "`) made a login; now refused like an empty
  one, and no login is made.
- `review list --team` and `report --team` with a team no session carries are said, with the
  close names (on SQLite too).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from tests.app_helpers import make_workspace
from tests.hostile import one_clear_line
from tests.pg_server import PgServer
from tests.test_team_roles import Person, _workspace

runner = CliRunner()


@pytest.fixture
def tag() -> str:
    """Logins are the server's, not one database's: each test names its own."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def owner(postgres_server: PgServer, tmp_path: Path, tag: str) -> Person:
    """The owner of a fresh team database with ana (rep) and ben (trainer) on the team."""
    pg = postgres_server
    db = f"team_{tag}"
    password = f"Own3r/{tag}@x"
    pg.admin(f"CREATE ROLE owner_{tag} LOGIN CREATEROLE PASSWORD '{password}'")
    pg.admin(f"CREATE DATABASE {db} OWNER owner_{tag}")
    who = Person(f"owner_{tag}", password, pg.url(db, password, user=f"owner_{tag}"), tmp_path)
    who.ws = _workspace(tmp_path, "owner")
    assert who.cli("team", "init").exit_code == 0
    for name, role in ((f"ana_{tag}", "rep"), (f"ben_{tag}", "trainer")):
        added = who.cli("team", "add", name, "--role", role, input=f"{name}-pw\n")
        assert added.exit_code == 0, added.output
    return who


def test_removing_someone_not_on_the_team_says_so(owner: Person, tag: str) -> None:
    ana, ben = f"ana_{tag}", f"ben_{tag}"
    typo = owner.cli("team", "remove", f"anna_{tag}")
    assert typo.exit_code == 2, typo.output
    assert typo.output.strip() == (
        f"error: 'anna_{tag}' is not on the team; did you mean '{ana}'? (on it: {ana}, {ben})"
    )
    done = owner.cli("team", "remove", ana)
    assert done.exit_code == 0 and done.output.strip() == f"'{ana}' is no longer on the team."
    again = owner.cli("team", "remove", ana)
    assert again.exit_code == 2, again.output
    said = again.output.strip()  # (the tags make ben's login a close name of ana's)
    assert said.startswith(f"error: '{ana}' is not on the team"), said
    assert said.endswith(f"(on it: {ben})"), said
    listing = owner.cli("team", "list")
    assert ana not in listing.output and ben in listing.output


def test_a_password_of_only_spaces_makes_no_login(owner: Person, tag: str) -> None:
    carl = f"carl_{tag}"
    refused = owner.cli("team", "add", carl, "--role", "rep", input="   \n")
    assert refused.exit_code == 2, refused.output
    assert refused.output.strip() == (
        "error: the password is empty or only spaces; a login needs one"
    )
    assert carl not in owner.cli("team", "list").output
    # A real password afterwards makes the login as usual.
    made = owner.cli("team", "add", carl, "--role", "rep", input="carl pass phrase\n")
    assert made.exit_code == 0 and f"Added the login '{carl}' as rep" in made.output


def test_a_misspelt_team_is_said_not_listed_as_nobody_practising(tmp_path: Path) -> None:
    """`review list --team nrth` said "No sessions match. (`roleplay reindex` indexes the
    recordings folder.)" and `report --team nrth` wrote an empty report, exit 0, as if the
    team had not practised; `--rep` was already checked this way."""
    ws = make_workspace(tmp_path)
    typed = "How do you plan maintenance today?\n/end\nskip\n"
    for rep in ("ana", "ben"):
        env = {"ROLEPLAY_REP": rep, "ROLEPLAY_TEAM": "north"}
        done = runner.invoke(
            app, ["-w", str(ws), "practice", "discovery-spin", "--text"], input=typed, env=env
        )
        assert done.exit_code == 0, done.output
    for command in (["review", "list"], ["report", "--format", "csv", "-o", "-"]):
        wrong = runner.invoke(app, ["-w", str(ws), *command, "--team", "nrth"])
        line = one_clear_line(wrong, "no team 'nrth' in the index", "did you mean 'north'?")
        assert line == wrong.output.strip(), wrong.output  # nothing else: no empty list
        right = runner.invoke(app, ["-w", str(ws), *command, "--team", "north"])
        assert right.exit_code == 0, right.output
        assert "ana" in right.output and "ben" in right.output
