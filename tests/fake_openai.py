"""A small OpenAI-compatible server for tests and benchmarks: real sockets, real SSE.

Each chat request takes the next scripted `Reply` from a queue (or the default one), so a test
can inject latency, HTTP errors, malformed chunks and hangs, and then look at the requests the
server received.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    text: str = "Okay."
    chunk_size: int = 6  # characters per SSE chunk
    status: int = 200
    error: str = "server error"
    first_token_delay: float = 0.0  # seconds before the first chunk (time to first token)
    chunk_delay: float = 0.0
    malformed_after: int | None = None  # send a broken chunk after N chunks
    hang_after: int | None = None  # stop sending (connection stays open) after N chunks
    hang_first: bool = False  # take the request and never answer (not even a status line)
    cut_after: int | None = None  # end the stream after N chunks: no finish_reason, no [DONE]
    retry_after: float | None = None


@dataclass
class FakeOpenAI:
    models: list[str] = field(default_factory=lambda: ["test-model"])
    api_key: str | None = None  # when set, other keys get 401
    reject_json_schema: bool = False  # like llama.cpp's server: HTTP 500
    default: Reply = field(default_factory=Reply)
    replies: deque[Reply] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)  # the paths (with queries) of GET requests
    # A model that leaks: when the salesperson's last message contains one of these words, the
    # reply is the start of the system prompt (what a weak model does when told to print it).
    leak_on: tuple[str, ...] = ()
    # A hanging reply holds its request this long at most (or until the client goes away).
    hold_seconds: float = 60.0
    holding: int = 0  # requests held (hang_after, hang_first) right now
    left: int = 0  # held requests whose client went away (closed the connection) meanwhile
    _server: ThreadingHTTPServer | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def start(self) -> FakeOpenAI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                if not fake._authorised(self):
                    return
                fake.gets.append(self.path)
                if self.path.split("?")[0].rstrip("/").endswith("/models"):
                    body = {
                        "object": "list",
                        "data": [
                            {"id": m, "object": "model", "created": 0, "owned_by": "test"}
                            for m in fake.models
                        ],
                    }
                    self._json(200, body)
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(
                    {
                        "path": self.path,
                        "body": body,
                        "authorization": self.headers.get("authorization"),
                    }
                )
                if not fake._authorised(self):
                    return
                if not self.path.split("?")[0].rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                if body.get("model") not in fake.models:
                    self._json(
                        404,
                        {
                            "error": {
                                "message": f"model '{body.get('model')}' not found",
                                "code": "model_not_found",
                            }
                        },
                    )
                    return
                fmt = body.get("response_format") or {}
                if fake.reject_json_schema and fmt.get("type") == "json_schema":
                    self._json(
                        500,
                        {
                            "error": {
                                "message": 'Either "json_schema" or '
                                '"grammar" can be specified, but not both'
                            }
                        },
                    )
                    return
                reply = fake.replies.popleft() if fake.replies else fake.default
                leaked = fake._leak(body.get("messages") or [])
                if leaked is not None:
                    reply = Reply(leaked)
                if reply.status != 200:
                    headers = {"retry-after": str(reply.retry_after)} if reply.retry_after else {}
                    self._json(reply.status, {"error": {"message": reply.error}}, headers)
                    return
                if reply.hang_first:
                    fake._hold(self)
                    self.close_connection = True
                    return
                if reply.first_token_delay:
                    time.sleep(reply.first_token_delay)
                if body.get("stream"):
                    self._stream(body["model"], reply)
                else:
                    self._json(
                        200,
                        {
                            "id": "chatcmpl-test",
                            "object": "chat.completion",
                            "created": 0,
                            "model": body["model"],
                            "choices": [
                                {
                                    "index": 0,
                                    "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": reply.text},
                                }
                            ],
                            "usage": {
                                "prompt_tokens": 1,
                                "completion_tokens": 1,
                                "total_tokens": 2,
                            },
                        },
                    )

            def _stream(self, model: str, reply: Reply) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.send_header("connection", "close")
                self.end_headers()
                text = reply.text
                chunks = [
                    text[i : i + reply.chunk_size] for i in range(0, len(text), reply.chunk_size)
                ]
                try:
                    for n, piece in enumerate(chunks):
                        if reply.malformed_after is not None and n == reply.malformed_after:
                            self.wfile.write(b'data: {"choices": [{"delta": {"content\n\n')
                            self.wfile.flush()
                            return
                        if reply.cut_after is not None and n == reply.cut_after:
                            return  # the connection closes: a reply cut off mid-sentence
                        if reply.hang_after is not None and n == reply.hang_after:
                            fake._hold(self)
                            return
                        self._event(model, {"role": "assistant", "content": piece}, None)
                        if reply.chunk_delay:
                            time.sleep(reply.chunk_delay)
                    self._event(model, {}, "stop")
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client went away (a timeout test): nothing to do
                finally:
                    self.close_connection = True

            def _event(self, model: str, delta: dict[str, Any], finish: str | None) -> None:
                chunk = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()

            def _json(
                self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _hold(self, handler: BaseHTTPRequestHandler) -> None:
        """Hold the request, answering nothing, until the client goes away (counted in
        `left`), the server stops, or `hold_seconds` pass."""
        sock = handler.connection
        with self._lock:
            self.holding += 1
        try:
            deadline = time.monotonic() + self.hold_seconds
            while not self._stop.is_set() and time.monotonic() < deadline:
                readable, _, _ = select.select([sock], [], [], 0.05)
                if not readable:
                    continue
                try:
                    gone = not sock.recv(1, socket.MSG_PEEK)
                except OSError:
                    gone = True
                if gone:
                    with self._lock:
                        self.left += 1
                    return
                self._stop.wait(0.05)  # the client sent more: not gone, keep holding
        finally:
            with self._lock:
                self.holding -= 1

    def _leak(self, messages: list[dict[str, Any]]) -> str | None:
        users = [m.get("content") or "" for m in messages if m.get("role") == "user"]
        if not users or not any(w in users[-1].lower() for w in self.leak_on):
            return None
        system = next((m.get("content") or "" for m in messages if m.get("role") == "system"), "")
        return "Sure. My instructions: " + " ".join(system.split()[:60])

    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        if self.api_key is None:
            return True
        if handler.headers.get("authorization") == f"Bearer {self.api_key}":
            return True
        data = json.dumps(
            {"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}}
        ).encode()
        handler.send_response(401)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        return False
