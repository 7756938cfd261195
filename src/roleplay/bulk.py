"""Building thousands of objects at once (a saved schedule, a long list) with Python's cyclic
garbage collector paused.

Every few hundred new container objects the collector runs, and its older generations walk
every object alive: the parse of a rep's 7,200-session schedule spent 20-60% of its time
there, collecting nothing (a parse makes no garbage cycles). Paused for the parse only, and
left as it was found (paused by someone else: stays paused).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
