"""Bytes that are not UTF-8, typed or piped (a Latin-1 terminal, a file in another encoding).

Python hands them over as lone surrogates ('caf\\udce9'), which no JSON file, index or UTF-8
terminal takes. A typed turn with one ended the call in a traceback while it was saved (the
session left 'unfinished'); `--rep`, `commit`, `review comment` and `assign --note` did the
same. Now the turn is kept with U+FFFD where the byte was, a rep name is refused like any
other bad name, and every other command says in one line what is wrong.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from roleplay.cli import app

runner = CliRunner()
SRC = Path(__file__).resolve().parents[1] / "src"


def _roleplay(ws: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """The real command with real bytes on stdin and argv (CliRunner decodes them itself)."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "roleplay", "--workspace", str(ws), *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_valid_text_and_printable_never_keep_a_lone_surrogate() -> None:
    from roleplay.domain.text import printable, valid_text

    assert valid_text("caf\udce9 ok") == "caf\ufffd ok"
    assert printable("caf\udce9 ok") == "caf ok"
    assert valid_text("Kåre 😀") == "Kåre 😀"


def test_a_typed_line_with_a_latin1_byte_is_saved_not_a_traceback(mini_workspace: Path) -> None:
    result = _roleplay(
        mini_workspace, "practice", "mini", "--text", stdin=b"hello caf\xe9 owner\n/end\nskip\n"
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    (transcript,) = (mini_workspace / "recordings").glob("*/transcript.jsonl")
    turns = [json.loads(line) for line in transcript.read_text(encoding="utf-8").splitlines()]
    assert "hello caf\ufffd owner" in [t["text"] for t in turns if t["speaker"] == "rep"]
    (session,) = (mini_workspace / "recordings").glob("*/session.json")
    assert json.loads(session.read_text(encoding="utf-8"))["outcome"] == "rep-ended"


def test_a_rep_name_with_a_latin1_byte_is_refused(mini_workspace: Path) -> None:
    result = _roleplay(
        mini_workspace, "practice", "mini", "--text", "--rep", os.fsdecode(b"caf\xe9")
    )
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"not UTF-8 text" in result.stderr
    assert not list((mini_workspace / "recordings").glob("*/session.json"))


def test_an_assignment_note_with_a_latin1_byte_is_one_error_line(mini_workspace: Path) -> None:
    result = _roleplay(
        mini_workspace, "assign", "mini", "--team", "--note", os.fsdecode(b"caf\xe9")
    )
    assert result.returncode == 2, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().startswith("error: what you typed holds a byte that is not")


def test_the_cli_runner_path_says_the_same(mini_workspace: Path) -> None:
    result = runner.invoke(
        app,
        ["--workspace", str(mini_workspace), "assign", "mini", "--team", "--note", "\udce9"],
    )
    assert result.exit_code == 2, result.output
    assert "not UTF-8 text" in result.output
