"""The app's thread work, so that its exit can wait for it.

Textual runs a thread worker on the event loop's default executor; when the app exits it
cancels the worker, but the thread runs on (a thread cannot be stopped). A screen's list
still reading the index at that moment held its connection until the thread ended, after the
services had been closed: a connection left open (CI, busy machine: 5 handles). The app makes
this executor the loop's default as it loads, and waits for what still runs on it, for a few
seconds at most, before it leaves the screen; what still runs then (a slow LLM judge
scoring a call the rep quit) keeps the services it uses until it is done (`after_running`):
they were closed under it, and its scorecard missed the index and the schedule.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class BackgroundThreads(ThreadPoolExecutor):
    """A ThreadPoolExecutor (as asyncio's default) that knows which of its work is running."""

    def __init__(self) -> None:
        super().__init__(thread_name_prefix="roleplay-worker")
        self._lock = threading.Lock()
        self._running: set[Future[Any]] = set()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._finished)  # at once when it is already done
        return future

    def _finished(self, future: Future[Any]) -> None:
        with self._lock:
            self._running.discard(future)

    def running(self) -> list[Future[Any]]:
        with self._lock:
            return [f for f in self._running if not f.done()]

    async def settle(self, timeout: float) -> int:
        """Wait until the work running now is done, `timeout` seconds at most; the loop keeps
        running meanwhile (a worker's `call_from_thread` still gets its answer). Returns how
        many are still running."""
        running = [asyncio.wrap_future(f) for f in self.running()]
        if not running:
            return 0
        done, pending = await asyncio.wait(running, timeout=timeout)
        for future in done:  # its failure was the worker's to report: retrieved, not logged
            if not future.cancelled():
                future.exception()
        for future in pending:  # the thread runs on; only this wait on it ends
            future.cancel()
        return len(pending)

    def after_running(self, then: Callable[[], None]) -> None:
        """Call `then` once the work running now is done: at once when none is, else in the
        thread of the last to finish (the process's exit waits for these threads anyway)."""
        running = self.running()
        if not running:
            then()
            return
        lock = threading.Lock()
        left = [len(running)]

        def one_done(_: Future[Any]) -> None:
            with lock:
                left[0] -= 1
                last = left[0] == 0
            if last:
                then()

        for future in running:
            future.add_done_callback(one_done)  # at once when it is done by now

    @classmethod
    def install(cls) -> BackgroundThreads:
        """A new one as the running loop's default executor."""
        threads = cls()
        asyncio.get_running_loop().set_default_executor(threads)
        return threads
