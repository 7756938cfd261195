"""Command-line values that plainly fit, taken without building pydantic validators.

typer checks every option and argument with a pydantic TypeAdapter, built the first time the
parameter gets a value (`--workspace`, `show last`, `--limit 5`). Building the first one
imports pydantic: ~325 M instructions, ~60 ms, about a third of a read command (issue 18),
for values such as a folder name or a session id that need no checking at all.

This stands in front of typer's adapter for the usual cases: a string for a `str`, a path for
a `Path` (typer's own path checks then run as they do behind the adapter), a choice among an
Enum's or a Literal's values, a plain decimal number inside its bounds, a bool that already
is one. It never decides that something is wrong: any value it is not sure of (a number
written "1_000", a value out of bounds, a type it does not know, a parser of the command's
own) goes to typer's adapter, which gives typer's usual result and message. Installed once
(`install`), by the command line's root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typer._coercion import RuntimeParam, TypeDescriptor

_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")  # what int() and pydantic read alike
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?")
_MISSING = object()


def install() -> None:
    """Put the plain check in front of typer's adapters (idempotent).

    It leans on typer's private names (typer 0.29); pyproject allows older and newer typers, so
    when any of them is missing typer is left exactly as it is: slower, never broken.
    """
    try:
        from typer._coercion import RuntimeParam, build_runtime_param  # noqa: F401
        from typer._param_types import (  # noqa: F401
            coerce_cli_choice,
            coerce_cli_path,
            routes_to_path,
        )
        from typer.core import _TyperParameter

        current = _TyperParameter.get_runtime_param
    except (ImportError, AttributeError):
        return
    if getattr(current, "plain", False):
        return

    def get_runtime_param(self: Any) -> RuntimeParam:
        if self._runtime_param is None:
            self._runtime_param = _plain(self.type_descriptor)
        return self._runtime_param  # type: ignore[no-any-return]

    get_runtime_param.plain = True  # type: ignore[attr-defined]
    _TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]


def _plain(descriptor: TypeDescriptor) -> RuntimeParam:
    from typer._coercion import build_runtime_param
    from typer._param_types import routes_to_path

    info = descriptor.parameter_info
    annotation = descriptor.annotation
    if (
        descriptor.file_annotation is not None
        or info.parser is not None
        or descriptor.is_list
        or descriptor.is_tuple
    ):
        return build_runtime_param(descriptor)
    if (isinstance(annotation, type) and issubclass(annotation, Enum)) or descriptor.is_choice:
        kind = "choice"
    elif annotation in (str, bool, int, float):
        kind = annotation.__name__
    elif annotation is Path and routes_to_path(annotation, info) and info.path_type is None:
        kind = "path"
    else:
        return build_runtime_param(descriptor)

    made: RuntimeParam = _plain_class()(
        parameter_info=info, annotation=annotation, kind=kind, desc=descriptor
    )
    return made


@cache
def _plain_class() -> type[Any]:
    """The runtime parameter of a value that plainly fits (made once: a dataclass is costly)."""
    from typer._coercion import RuntimeParam

    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):
        """A value that plainly fits its type, else typer's own adapter."""

        kind: str
        desc: TypeDescriptor

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            found = _fits(self.kind, self.desc, value, param, ctx)
            if found is not _MISSING:
                return found
            return _adapter(self.desc)._coerce_value(value, param=param, ctx=ctx)

    return PlainParam


_ADAPTERS: dict[int, Any] = {}


def _adapter(descriptor: TypeDescriptor) -> Any:
    """typer's own runtime parameter (pydantic's adapter), built on first need."""
    from typer._coercion import build_runtime_param

    found = _ADAPTERS.get(id(descriptor))
    if found is None:
        found = _ADAPTERS[id(descriptor)] = (descriptor, build_runtime_param(descriptor))
    return found[1]


def _fits(kind: str, descriptor: TypeDescriptor, value: Any, param: Any, ctx: Any) -> Any:
    """The value typer's adapter would give, or _MISSING when not certain."""
    info = descriptor.parameter_info
    if kind == "str":
        return value if type(value) is str else _MISSING
    if kind == "bool":
        return value if type(value) is bool else _MISSING
    if kind == "path":
        if not ((type(value) is str and value) or isinstance(value, Path)):
            return _MISSING  # bytes, an empty name...: as typer's adapter reads them
        from typer._param_types import coerce_cli_path

        # As typer's adapter: its path checks (exists, file or folder...), raising its errors.
        return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    if kind == "choice":
        from typer._param_types import coerce_cli_choice

        choices = descriptor.choices
        if choices is None:
            return _MISSING
        try:
            return coerce_cli_choice(
                value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx
            )
        except ValueError:  # not one of them: typer's adapter words it
            return _MISSING
    if info.clamp:
        return _MISSING
    number: int | float
    if kind == "int":
        if type(value) is int:
            number = value
        elif type(value) is str and _INT.fullmatch(value):
            number = int(value)
        else:
            return _MISSING
    else:  # float
        if (type(value) in (int, float) and type(value) is not bool) or (
            type(value) is str and _FLOAT.fullmatch(value)
        ):
            number = float(value)
        else:
            return _MISSING
    below = info.min is not None and number < info.min
    if below or (info.max is not None and number > info.max):
        return _MISSING  # out of bounds: typer's adapter says so
    return number
