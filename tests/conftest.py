from __future__ import annotations

import gc
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.llama_server import llama  # noqa: F401 (fixture)
from tests.pg_server import database_url, postgres_server  # noqa: F401 (fixtures)

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SRC = str(REPO / "src")

# This checkout's code, in this process and in every `python` a test starts: each test runs in
# a temp folder (below), where a relative PYTHONPATH=src finds nothing, and a child would import
# the installed copy (another checkout's) instead, so a branch's tests would test main.
if SRC not in sys.path:
    sys.path.insert(0, SRC)
os.environ["PYTHONPATH"] = os.pathsep.join(
    [SRC, *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != SRC)]
)


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
def app(tmp_path: Path, isolated_user_dirs: Path) -> RoleplayApp:
    """The app most app tests start from (tests/app_helpers.py make_app): a tester's services on
    make_workspace(tmp_path), a manual clock, typing only. Textual loads only for the tests that
    ask for it."""
    from tests.app_helpers import make_app, make_workspace

    return make_app(make_workspace(tmp_path))


@pytest.fixture
def no_collector() -> Iterator[None]:
    """The cyclic collector off, so only an explicit close can close a connection (else a
    collection at the wrong moment would let an unclosed connection pass unnoticed)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture
def fake_llm():
    """A real OpenAI-compatible HTTP server on a local port, scripted per test."""
    from tests.fake_openai import FakeOpenAI

    server = FakeOpenAI().start()
    yield server
    server.stop()
