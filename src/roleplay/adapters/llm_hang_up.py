"""HTTP connections to the LLM server that a hang-up cuts at once.

A rep who ended the call (or quit) while the server was slow or hung waited out the request's
timeout (30 s): a thread blocked reading a socket wakes for neither `close()` nor the openai
client's `close()` (Linux keeps the socket open under a blocked read). So every connection the
LLM client opens goes through `_Backend`, whose streams, while a request of a call reads or
writes, are registered with that call's `HangUp`: hanging up shuts them down (the read wakes
at once, and the server sees the client go), and the request ends in `HungUp`.

Which request a blocking read belongs to is told per thread (`watching`), around each step of
the request: a reply's stream can be stepped by several threads (a speculative reply is pulled
by one and committed by another), and a kept-alive connection serves many requests.

`HungUp` is a BaseException on purpose: the openai client retries (with back-off sleeps) on
any Exception a request raises, and a hung-up request must not be sent again.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import ssl

    import httpx2

    from roleplay.services.ports import HangUp

_current = threading.local()  # .hang_up: the HangUp of the request this thread is stepping


class HungUp(BaseException):
    """The request was cut because the call was hung up."""


@contextlib.contextmanager
def watching(hang_up: HangUp | None) -> Iterator[None]:
    """Blocking network calls made by this thread inside the block belong to `hang_up`."""
    before = getattr(_current, "hang_up", None)
    _current.hang_up = hang_up
    try:
        if hang_up is not None and hang_up.is_set():
            raise HungUp
        yield
    finally:
        _current.hang_up = before


def http_client(timeout: float) -> httpx2.Client:
    """The http client for the openai client: its defaults, with connections a hang-up cuts."""
    import httpcore2
    import httpx2
    import openai

    class Transport(httpx2.HTTPTransport):
        def __init__(self) -> None:
            super().__init__()
            # httpx2 takes no network backend; its pool (a public httpcore2 type) does.
            pool: httpcore2.ConnectionPool = self._pool
            pool._network_backend = cast(
                "httpcore2.NetworkBackend", _Backend(pool._network_backend)
            )

    return openai.DefaultHttpxClient(transport=Transport(), timeout=timeout)


class _Stream:
    """One connection (an httpcore2 NetworkStream, duck-typed): while this thread's request
    reads or writes, a hang-up shuts it."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def _shut(self) -> None:
        sock = self._inner.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):  # closed meanwhile: nothing left to cut
                sock.shutdown(socket.SHUT_RDWR)

    @contextlib.contextmanager
    def _step(self) -> Iterator[None]:
        hang_up: HangUp | None = getattr(_current, "hang_up", None)
        if hang_up is None:
            yield
            return
        try:
            with hang_up.calling(self._shut):
                yield
        except Exception:
            if hang_up.is_set():
                raise HungUp from None
            raise
        if hang_up.is_set():
            raise HungUp

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with self._step():
            data: bytes = self._inner.read(max_bytes, timeout)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        with self._step():
            self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        with self._step():
            return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> Any:
        stream = _Stream(
            self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        )
        hang_up: HangUp | None = getattr(_current, "hang_up", None)
        if hang_up is not None and hang_up.is_set():  # hung up while connecting
            stream.close()
            raise HungUp
        return stream

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> Any:
        return _Stream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
