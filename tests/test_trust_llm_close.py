"""The services close the LLM client's connections when a command or the app ends, as they
close the index: the openai client keeps a connection to the server open for the next request
until the garbage collector gets to it, and an LLM server (a team's Ollama, a rate-limited
gateway) kept a connection of every command that had ended."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.adapters.clock import ManualClock
from roleplay.adapters.openai_llm import LlmError
from roleplay.cli import app
from roleplay.composition import build
from tests.fake_openai import FakeOpenAI, Reply
from tests.llm_env import use_llm


@pytest.fixture
def llm_server(fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    use_llm(monkeypatch, fake_llm.url)
    return fake_llm


def open_sockets_to(server: FakeOpenAI) -> int:
    """This process's open TCP sockets whose far end is the server's port (the server runs in
    this process too: its own sockets have the port at the near end and are not counted)."""
    port = int(server.url.rsplit(":", 1)[1].split("/")[0])
    inodes = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:  # the listing's own handle, closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found = 0
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            found += remote_port == port and fields[9] in inodes
    return found


def test_a_command_that_used_the_llm_lets_go_of_its_connection(
    mini_workspace: Path, llm_server: FakeOpenAI, no_collector: None
) -> None:
    llm_server.queue(Reply("Mornings are chaos, honestly."), Reply("Fine. [[end:win]]"))
    result = CliRunner().invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--seed", "1"],
        input="How are your mornings?\nCan I send an invite for Tuesday?\n",
    )
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Mornings are chaos" in result.output  # the customer was the LLM
    assert open_sockets_to(llm_server) == 0


def test_closed_services_close_the_llm_client_and_say_so_when_used(
    mini_workspace: Path, llm_server: FakeOpenAI, no_collector: None
) -> None:
    with build(mini_workspace, clock=ManualClock()) as services:
        llm = services.llm
        assert llm is not None
        assert llm.complete([{"role": "user", "content": "Hello?"}]) == "Okay."
        assert open_sockets_to(llm_server) == 1  # kept open for the next request
    assert open_sockets_to(llm_server) == 0
    assert llm.closed
    with pytest.raises(LlmError, match="used after roleplay closed it"):
        llm.complete([{"role": "user", "content": "Hello again?"}])
    assert open_sockets_to(llm_server) == 0  # nothing opened behind the error
    services.close()  # a second close is harmless
