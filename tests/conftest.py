from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.pg_server import database_url, postgres_server  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own user directories and starts in an empty folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    for var in ("ROLEPLAY_REP", "ROLEPLAY_TEAM", "ROLEPLAY_WORKSPACE", "ROLEPLAY_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return home


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the bundled scenarios and rubrics, with an empty recordings folder."""
    ws = tmp_path / "ws"
    shutil.copytree(REPO / "scenarios", ws / "scenarios")
    shutil.copytree(REPO / "rubrics", ws / "rubrics")
    (ws / "recordings").mkdir()
    return ws


@pytest.fixture
def mini_workspace(tmp_path: Path) -> Path:
    """A workspace holding only the small test scenario and rubric."""
    ws = tmp_path / "mini"
    shutil.copytree(DATA / "valid", ws)
    (ws / "recordings").mkdir()
    return ws


@pytest.fixture
def fake_llm():
    """A real OpenAI-compatible HTTP server on a local port, scripted per test."""
    from tests.fake_openai import FakeOpenAI

    server = FakeOpenAI().start()
    yield server
    server.stop()
