"""A hostile tester's walk: secrets in URLs and escape sequences in piped lines.

A password typed with a raw '@' in it (`http://user:pa@ssWORD@host/v1`, which HTTP clients
accept) was hidden only up to its first '@': `roleplay doctor` and every LLM error printed
`http://user:***@ssWORD@127.0.0.1:9/v1`, the tail of the password in clear. And lines piped
into `practice --text` were echoed raw, so a file of lines could set the terminal's title,
write its clipboard (OSC 52) or ring its bell.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.domain.text import redact
from tests.llm_env import use_llm

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("http://user:pa@ssWORD@host/v1", "ssWORD"),
        ("postgresql://ana:s3cr@t!x@db:5432/team", "t!x"),
        ("http://h/v1?client_secret=CLIENTSECRET&x=1", "CLIENTSECRET"),
        ("https://h/v1?x-api-key=XAPIKEY", "XAPIKEY"),
        ("https://acct.blob.core/c?sv=2022&sig=SASSIGNATURE", "SASSIGNATURE"),
        ("http://h/v1?refresh_token=REFRESH", "REFRESH"),
    ],
)
def test_every_part_of_a_credential_is_hidden(text: str, hidden: str) -> None:
    assert hidden not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "http://u:pw@h?e=a@b",  # an @ in the query is not the password's
        "see http://h/x and mail ana@example.com",
        "http://h/?design=blue&monkey=3",  # names that merely end like a key
    ],
)
def test_what_is_not_a_credential_stays(text: str) -> None:
    kept = redact(text)
    assert "a@b" in kept or "ana@example.com" in kept or "design=blue&monkey=3" in kept


def test_doctor_never_shows_the_tail_of_a_password_with_an_at_sign(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "http://user:pa@ssWORD@127.0.0.1:9/v1"
    use_llm(monkeypatch, url, model=None, max_retries=0, timeout=1)
    result = runner.invoke(app, ["doctor"])
    assert "Cannot reach the LLM server at http://user:***@127.0.0.1:9/v1" in result.output
    assert "ssWORD" not in result.output


def test_piped_lines_reach_the_terminal_without_control_characters(
    mini_workspace: Path,
) -> None:
    hostile = "Hi \x1b]0;pwned\x07 there \x1b]52;c;aGVsbG8=\x07 and\x00 a NUL"
    result = runner.invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--text"],
        input=f"{hostile}\n/end\nskip\n",
    )
    assert result.exit_code == 0, result.output
    echoed = [line for line in result.output.splitlines() if line.startswith("You: Hi")]
    assert echoed, result.output
    assert not any(c in echoed[0] for c in "\x1b\x07\x00")
    assert "there" in echoed[0] and "a NUL" in echoed[0]
