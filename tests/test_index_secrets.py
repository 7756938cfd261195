"""No secret in any output: the database password and the LLM key never reach an export, a
report, a listing, an error message or the log, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.adapters.clock import ManualClock
from roleplay.cli import app
from roleplay.config import data_dir
from tests.helpers import play, services
from tests.pg_server import PASSWORD

API_KEY = "sk-test-0123456789abcdefSECRET"
runner = CliRunner()


def test_secrets_never_appear_in_any_output(
    workspace: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    clock = ManualClock()
    s = services(workspace, clock)
    call = s.practice.begin("discovery-spin", s.profile())
    # A rep pastes the key into the call by mistake: exports still must not show it.
    play(call, [f"How does a typical morning look? My key is {API_KEY}", "Can I call you?"], clock)
    s.practice.finish(call)
    sid = call.record.id
    if database_url.startswith("postgresql"):  # the password is the index's own
        s.reviews.comment(sid, f"db password is {PASSWORD}?", turn=1)

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--workspace", str(workspace), *args])
        return result.output + (str(result.exception) if result.exception else "")

    outputs = (
        [run("export", sid, "--format", fmt) for fmt in ("html", "md", "json")]
        + [
            run("report", "--since", "2026-01-01", "--format", fmt)
            for fmt in ("html", "csv", "json")
        ]
        + [
            run("reindex"),
            run("reindex", "--json"),
            run("review", "list", "--json"),
            run("review", "show", sid),
            run("review", "show", sid, "--json"),
        ]
    )
    # And the errors of an unreachable database with the same password.
    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", f"postgresql://u:{PASSWORD}@127.0.0.1:1/nowhere")
    outputs += [run("review", "list"), run("reindex"), run("report")]
    assert "127.0.0.1:1" in outputs[-1]  # the error names the server...
    logs = sorted((data_dir() / "logs").glob("*.log*"))
    outputs += [p.read_text() for p in logs]
    assert logs
    for text in outputs:
        assert API_KEY not in text
        assert PASSWORD not in text and "S3cret" not in text  # ...never the password
