"""A real PostgreSQL server for the index tests: Debian's `postgresql` package (scripts/test
installs it), a fresh cluster in a temporary folder, started on a free local port for the test
session and stopped afterwards. Each test gets its own database.

PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` system user
(which the Debian package creates) and its commands run through `runuser`.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

# A password with characters that need escaping in a URL: tests check it never leaks.
PASSWORD = "pg-S3cret/w0rd@roleplay"
USER = "roleplay_test"


def _bin_dir() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    host: str
    port: int
    user: str
    password: str
    log: Path | None = None  # the server's log file (tests check no password lands there)

    def url(self, database: str, password: str | None = None, *, user: str | None = None) -> str:
        secret = quote(self.password if password is None else password, safe="")
        return f"postgresql://{user or self.user}:{secret}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def new_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.admin(f"CREATE DATABASE {name}")
        return name


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    if _bin_dir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; scripts/test installs Debian's postgresql")
        pytest.skip("PostgreSQL is not installed (scripts/test installs Debian's postgresql)")
    with running_postgres() as server:
        yield server


@contextmanager
def running_postgres() -> Iterator[PgServer]:
    """A throw-away PostgreSQL cluster on a free local port, stopped and deleted on exit."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    as_root = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="roleplay-pg-"))
    data, log, sockets = root / "data", root / "server.log", root / "sockets"
    sockets.mkdir()
    pwfile = root / "pw"
    pwfile.write_text(PASSWORD + "\n")
    prefix: list[str] = []
    if as_root:
        owner = pwd.getpwnam("postgres")
        for path in (root, sockets, pwfile):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    run(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        USER,
        "--pwfile",
        str(pwfile),
        "--auth=scram-sha-256",
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync",
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")
    try:
        yield PgServer("127.0.0.1", port, USER, PASSWORD, log)
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            check=False,
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(root, ignore_errors=True)


def new_database_url(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """A fresh index database of one test on `backend` ("sqlite" or "postgresql");
    ROLEPLAY_DATABASE_URL points at it."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    else:
        server: PgServer = request.getfixturevalue("postgres_server")
        url = server.url(server.new_database())
    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The index database of one test, on each backend; ROLEPLAY_DATABASE_URL points at it."""
    return new_database_url(request.param, request, tmp_path, monkeypatch)
