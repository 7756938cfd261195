"""pydantic without its plugin lookup's imports, when plugins are switched off.

pydantic asks `pydantic.plugin._loader.get_plugins()` the first time it builds a validator (every
command does, typer too), and that module imports `importlib.metadata` at its top, which loads
email, zipfile, csv, socket and more: 15-20 ms of each command on this machine, for a function
that returns nothing when PYDANTIC_DISABLE_PLUGINS is "1", "true" or "__all__" (cli/start.py sets
it; roleplay uses no plugin). This stands in for that module: while the variable switches every
plugin off it returns nothing, as pydantic's does; if the variable changes later (someone wants a
plugin after all), it steps aside and pydantic's own module answers from then on.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Iterable
from typing import Any

LOADER = "pydantic.plugin._loader"
OFF = ("__all__", "1", "true")  # the values pydantic's get_plugins reads as "none at all"


def get_plugins() -> Iterable[Any]:
    if os.getenv("PYDANTIC_DISABLE_PLUGINS") in OFF:
        return ()
    if sys.modules.get(LOADER) is _STAND_IN:
        del sys.modules[LOADER]
    real = importlib.import_module(LOADER)
    return real.get_plugins()  # type: ignore[no-any-return]


_STAND_IN = types.ModuleType(LOADER, __doc__)
_STAND_IN.get_plugins = get_plugins  # type: ignore[attr-defined]


def skip_plugin_lookup() -> None:
    """Put the stand-in in place, unless plugins may load or pydantic already looked."""
    if os.getenv("PYDANTIC_DISABLE_PLUGINS") in OFF:
        sys.modules.setdefault(LOADER, _STAND_IN)
