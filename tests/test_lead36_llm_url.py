"""base_url as people write it: with a query string (Azure's ?api-version=, a gateway's key),
or pointing at a web server instead of the API. Against real local HTTP servers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from roleplay.adapters.openai_llm import LlmClient, LlmConfig, LlmError
from tests.fake_openai import FakeOpenAI

GATEWAY_KEY = "gw-SECRET-abcdef123456"


def test_a_query_in_base_url_is_sent_with_every_request_and_never_shown(
    fake_llm: FakeOpenAI,
) -> None:
    url = f"{fake_llm.url}?api-version=2024-02-01&api_key={GATEWAY_KEY}"
    llm = LlmClient(LlmConfig(base_url=url, api_key=None, model=None, max_retries=0))
    assert llm.model == "test-model"  # the server's model list was read
    assert "".join(llm.stream_chat([{"role": "user", "content": "Hello?"}])) == "Okay."
    query = f"api-version=2024-02-01&api_key={GATEWAY_KEY}"
    assert fake_llm.gets == [f"/v1/models?{query}"]
    assert [r["path"] for r in fake_llm.requests] == [f"/v1/chat/completions?{query}"]
    assert GATEWAY_KEY not in llm.where and "api-version=2024-02-01" in llm.where


class _Nginx(BaseHTTPRequestHandler):
    """A web server's welcome page, whatever is asked."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _page(self) -> None:
        if self.command == "POST":
            self.rfile.read(int(self.headers.get("content-length", 0)))
        body = b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _page


@pytest.fixture
def web_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nginx)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("model", [None, "some-model"])
def test_a_base_url_that_serves_a_web_page_says_so(web_server: str, model: str | None) -> None:
    llm = LlmClient(LlmConfig(base_url=web_server, api_key="k", model=model, max_retries=0))
    with pytest.raises(LlmError) as err:  # no model: the model list is asked for first
        "".join(llm.stream_chat([{"role": "user", "content": "Hello?"}]))
    said = str(err.value)
    assert "answered with a web page (HTTP 200, text/html)" in said
    assert "base_url" in said and "/v1" in said
    assert "AttributeError" not in said and "ended without finishing" not in said
