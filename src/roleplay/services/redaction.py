"""Every string of a value redacted, whatever holds it (models, dataclasses, tuples, lists,
dicts). Its own small module: `show` redacts what it prints, and must not load the export's
renderers, the session models or pydantic to do so (a read command loads only what it runs)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from typing import Any, TypeVar

from roleplay.domain import text as txt

T = TypeVar("T")


def redact_all(value: T, secrets: Sequence[str]) -> T:
    """A copy of `value` (models, dataclasses, tuples, dicts) with every string redacted:
    what a renderer escapes afterwards is already clean."""
    found = list(secrets)

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return txt.redact(v, found)
        # A model only exists once pydantic is loaded: `show`'s plain views need none of it.
        pydantic = sys.modules.get("pydantic")
        if pydantic is not None and isinstance(v, pydantic.BaseModel):
            changes = {k: walk(getattr(v, k)) for k in type(v).model_fields}
            return v.model_copy(update=changes)
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            fields = {f.name: walk(getattr(v, f.name)) for f in dataclasses.fields(v) if f.init}
            return dataclasses.replace(v, **fields)
        if isinstance(v, tuple) and hasattr(v, "_fields"):  # a NamedTuple view keeps its type
            return type(v)(*(walk(x) for x in v))
        if isinstance(v, tuple):
            return tuple(walk(x) for x in v)
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {walk(k): walk(x) for k, x in v.items()}
        return v

    return walk(value)  # type: ignore[no-any-return]
