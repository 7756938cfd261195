"""Rules of the layers that import-linter cannot see: adapters are handed their settings (they
read no environment), the services share one clock that a fast recording switches (nothing is
patched in after construction), and interfaces stamp time with that clock."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import roleplay.composition
from roleplay.adapters.clock import ManualClock, SwitchableClock
from roleplay.adapters.index_open import database_url
from roleplay.cli import app
from roleplay.composition import audio_timeline, build
from roleplay.config import ConfigError, Settings, load_settings

ADAPTERS = Path(roleplay.composition.__file__).parent / "adapters"
# The only adapters allowed to read the environment, and why.
READS_ENVIRONMENT = {
    # libpq picks PGUSER when the URL names no user; the login is predicted as libpq will.
    "index_login.py": "PGUSER",
}
T = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_adapters_read_no_environment() -> None:
    found: dict[str, set[str]] = {}
    for path in sorted(ADAPTERS.rglob("*.py")):
        for match in re.finditer(r"\benviron\b[^\n]*|\bgetenv\b[^\n]*", path.read_text("utf-8")):
            found.setdefault(path.name, set()).add(match.group(0))
    allowed = {name: why for name, why in READS_ENVIRONMENT.items() if name in found}
    assert set(found) == set(allowed), f"read the environment in config.py instead: {found}"
    for name, variable in allowed.items():
        assert all(variable in line for line in found[name]), found[name]


def test_the_index_url_comes_from_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = "postgresql://rep:s3cret-pw@db.example/roleplay"
    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", url)
    settings = Settings()
    assert database_url(settings) == url
    assert "s3cret" not in repr(settings)  # a secret, never printed
    monkeypatch.delenv("ROLEPLAY_DATABASE_URL")
    assert database_url(settings) == url  # read once, when the settings were made
    assert database_url(Settings()).startswith("sqlite:///")
    config = tmp_path / "config.toml"
    config.write_text(f'database_url = "{url}"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert str(config) in str(raised.value) and "ROLEPLAY_DATABASE_URL" in str(raised.value)
    assert "s3cret" not in str(raised.value)


def test_a_fast_recording_moves_the_one_clock_every_service_holds(workspace: Path) -> None:
    s = build(workspace, settings=Settings(rep="tester"))
    clock = s.practice.clock
    assert isinstance(clock, SwitchableClock)
    assert {id(clock), id(s.reviews.clock), id(s.reports.clock), id(s.purger.clock)} == {id(clock)}
    before = clock.now()
    timeline = audio_timeline(s)
    start = clock.now()
    assert start >= before and audio_timeline(s) is timeline  # one per process
    timeline.advance(90)
    assert clock.now() == start + timedelta(seconds=90) == s.habit().clock.now()


def test_an_outside_call_is_stamped_by_the_services_clock(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_build = roleplay.composition.build
    monkeypatch.setattr(
        roleplay.composition,
        "build",
        lambda workspace=None, **kw: real_build(workspace, clock=ManualClock(T), **kw),
    )
    call = tmp_path / "call.txt"
    call.write_text("Kari: How does a typical morning look?\nDana: Busy.\n")
    args = ["--workspace", str(mini_workspace), "score", "--transcript", str(call)]
    result = CliRunner().invoke(app, [*args, "--rubric", "mini", "--rep", "Kari", "--save"])
    assert result.exit_code == 0, result.output
    listed = CliRunner().invoke(app, ["--workspace", str(mini_workspace), "sessions", "--json"])
    [row] = json.loads(listed.stdout)
    assert row["id"].startswith("20260105-090000-call-")
    assert datetime.fromisoformat(row["started_at"]) == T
