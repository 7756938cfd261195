"""Plainly well-formed JSON read into plain views, without pydantic (issue 18).

The checks that domain/shown_session.py (`roleplay show`) and domain/habit_views.py (`roleplay
today`) read their files with: each takes exactly the JSON a model takes as is, and raises
`Unexpected` for anything else, so the caller reads the file through the models, which convert
or refuse it with the same clear message as ever.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from roleplay.domain import text as txt


class Unexpected(Exception):
    """Something the plain read does not take as is: the validating read decides."""


Check = Callable[[Any], Any]
REQUIRED = object()
V = TypeVar("V")


def _str(v: Any) -> str:
    if type(v) is str:
        return v
    raise Unexpected


def _int(v: Any) -> int:
    if type(v) is int:  # not a bool, not 3.0 (the model's rules for those: its own read)
        return v
    raise Unexpected


def _float(v: Any) -> float:
    if type(v) is float:
        return v
    if type(v) is int:
        return float(v)  # as the model: a float field holds a float
    raise Unexpected


def _bool(v: Any) -> bool:
    if type(v) is bool:
        return v
    raise Unexpected


def _optional(check: Check) -> Check:
    return lambda v: None if v is None else check(v)


def _tuple(check: Check) -> Check:
    def read(v: Any) -> tuple[Any, ...]:
        if type(v) is not list:
            raise Unexpected
        return tuple(check(x) for x in v)

    return read


def _mapping(check: Check) -> Check:
    # A mapping of plain values that are already what the check returns is kept as json
    # made it (a schedule at 8,000 sessions holds ~30,000 such mappings): as the checks, only
    # exactly these types pass (an int is no float here, a bool no int; those are converted
    # or refused by the check itself).
    kept = _AS_IS.get(check)

    def read(v: Any) -> dict[str, Any]:
        if type(v) is not dict:
            raise Unexpected
        if kept is not None and all(type(x) in kept for x in v.values()):
            return v
        return {k: check(x) for k, x in v.items()}

    return read


def _one_of(*allowed: str) -> Check:
    def read(v: Any) -> str:
        if type(v) is str and v in allowed:
            return v
        raise Unexpected

    return read


def _level(low: int, high: int | None = None) -> Check:
    def read(v: Any) -> int:
        n = _int(v)
        if n < low or (high is not None and n > high):
            raise Unexpected
        return n

    return read


def _setting(v: Any) -> str | int | float | bool | None:
    if v is None or type(v) in (str, int, float, bool):
        return v  # type: ignore[no-any-return]
    raise Unexpected


# The one form the app writes (pydantic's): 2026-01-05T09:00:00Z, with optional fractions
# or an offset. Any other form goes to the model, which decides what it means.
_WHEN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)?\Z", re.ASCII)


def _when(v: Any) -> datetime:
    if type(v) is not str or not _WHEN.match(v):
        raise Unexpected
    try:
        return datetime.fromisoformat(v)
    except ValueError:  # 2026-02-30: the model's message
        raise Unexpected from None


def when_json(at: datetime) -> str:
    """`at` as the models write it (pydantic's JSON: ISO 8601, a zero offset as Z, fractions
    as six digits when there are any): what the plain read takes back unchanged."""
    text = at.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _text(v: Any) -> str:
    try:
        return txt.valid_text(_str(v))
    except ValueError:
        raise Unexpected from None


_optional_float = _optional(_float)
# The checks that return these types of value unchanged (see _mapping).
_AS_IS: dict[Check, tuple[type, ...]] = {
    _str: (str,),
    _int: (int,),
    _bool: (bool,),
    _float: (float,),
    _optional_float: (float, type(None)),
}


def _object(cls: type[V], spec: dict[str, tuple[Check, Any]]) -> Callable[[Any], V]:
    """A JSON object as `cls`: every field of `spec` checked, a missing one takes its default
    (REQUIRED: none), other keys ignored (as the models: extra="ignore")."""
    fields = tuple((name, check, default) for name, (check, default) in spec.items())

    def read(v: Any) -> V:
        if type(v) is not dict:
            raise Unexpected
        values = {}
        for name, check, default in fields:
            if name in v:
                values[name] = check(v[name])
            elif default is REQUIRED:
                raise Unexpected
        return cls(**values)

    return read
