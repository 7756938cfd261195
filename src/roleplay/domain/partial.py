"""The valid part of a file with shape errors, so reference checks can run in the same pass.

A trainer expects `roleplay validate` to list every problem at once. pydantic stops at shape
errors (an unknown key, a wrong type), which used to hide the checks that need a whole model
(an unknown fact id, a `{placeholder}` no variation sets, a rubric that does not exist).
Here the parts with shape errors are set aside: an unknown key is deleted, anything else
drops the list item it sits in (a fact, an objection, a variation option) or, failing that,
an optional top-level key. What is left is validated again and checked for references;
findings are mapped back to the original list positions, and a finding that names something
only the set-aside parts held is left out (it would be a consequence, not a mistake).
"""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from roleplay.domain.problems import Finding

M = TypeVar("M", bound=BaseModel)
Path = tuple[str | int, ...]

_PASSES = 4  # setting parts aside can reveal another shape error (an emptied list)
_NAMED = re.compile(r"'([^']+)'|\{([a-z_][a-z0-9_]*)\}")


def valid_part(
    model: type[M], data: dict[str, Any], errors: Iterable[Any], high: bool = False
) -> tuple[M, list[Path], Any] | None:
    """(model of what is valid, the paths set aside, a path translator), or None when the
    file's skeleton itself is broken (a required top-level key is missing or wrong).

    A required scalar that is missing gets a stand-in: the smallest valid value, or with
    `high` the largest. A check that finds something with one stand-in and not with the
    other is about the stand-in, not the file (see `stand_in_free`)."""
    dropped: list[Path] = []
    filled: dict[Path, Any] = {}
    pending = [(e["type"], tuple(e["loc"])) for e in errors]
    for _ in range(_PASSES):
        for kind, raw in pending:
            loc = tuple(p for p in raw if p != "[key]")
            where = _set_aside(model, data, loc) if kind != "missing" else None
            if where is not None:
                if where not in dropped:
                    dropped.append(where)
                continue
            stand_in = _stand_in(model, loc, high)
            if stand_in is None or loc in filled:
                return None  # a required part that no stand-in can replace
            filled[loc] = stand_in  # a scalar holds no references: a valid stand-in is safe
        pruned, kept = _without(data, dropped, filled)
        try:
            return model.model_validate(pruned), dropped, _Translator(kept)
        except ValidationError as exc:
            translate = _Translator(kept)
            pending = [(e["type"], translate(tuple(e["loc"]))) for e in exc.errors()]
    return None


def _stand_in(model: type[BaseModel], loc: Path, high: bool = False) -> Any:
    """A valid value for a required scalar at `loc` (1 for a number of at least 1, a word for a
    text, the first choice of a fixed set; with `high` the largest number allowed and the last
    choice), or None when `loc` is not a scalar."""
    tp: Any = model
    field: Any = None
    for part in loc:
        tp = _plain(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return None
            tp = field.annotation
        elif typing.get_origin(tp) in (list, dict):
            tp, field = typing.get_args(tp)[-1], None
        else:
            return None
    tp = _plain(tp)
    if typing.get_origin(tp) is typing.Literal:
        return typing.get_args(tp)[-1 if high else 0]
    if tp is str:
        pattern = next(
            (m.pattern for m in getattr(field, "metadata", []) if _has(m, "pattern")), None
        )
        return "missing" if pattern else "(missing)"
    if tp in (int, float) and high:
        top = [
            getattr(m, a) - (1 if a == "lt" and tp is int else 0.5 if a == "lt" else 0)
            for m in getattr(field, "metadata", [])
            for a in ("le", "lt")
            if _has(m, a)
        ]
        return tp(min(top)) if top else tp(1_000_000)
    if tp in (int, float):
        low = [
            getattr(m, a)
            for m in getattr(field, "metadata", [])
            for a in ("ge", "gt")
            if _has(m, a)
        ]
        return tp(max(low) + (1 if tp is int else 0.5)) if low else tp(1)
    if tp is bool:
        return False
    return None


def _has(meta: Any, name: str) -> bool:
    return getattr(meta, name, None) is not None


def _plain(tp: Any) -> Any:
    """`Annotated[X, ...]` and `X | None` -> X."""
    while True:
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if typing.get_origin(tp) in (typing.Union, types.UnionType) and len(args) == 1:
            tp = args[0]
            continue
        return tp


def _set_aside(model: type[BaseModel], data: Any, loc: Path) -> Path | None:
    """The smallest part to set aside for an error at `loc` (original coordinates): the
    unknown key itself, else the deepest list item or optional key around it; None when
    only required keys lead there."""
    parent = _get(data, loc[:-1]) if loc else None
    if isinstance(parent, dict) and loc[-1] in parent and _is_unknown_key(model, loc):
        return loc
    for n in range(len(loc), 0, -1):
        prefix = loc[:n]
        container = _get(data, prefix[:-1])
        if isinstance(container, list) and isinstance(prefix[-1], int):
            if prefix[-1] < len(container):
                return prefix
        elif isinstance(container, dict) and prefix[-1] in container and _optional(model, prefix):
            return prefix
    return None


def _optional(model: type[BaseModel], loc: Path) -> bool:
    """Whether the model key at `loc` has a default (so the model is valid without it)."""
    tp: Any = model
    for i, part in enumerate(loc):
        tp = _plain(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return False
            if i == len(loc) - 1:
                return not field.is_required()
            tp = field.annotation
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            if i == len(loc) - 1:
                return False  # an entry of a mapping: dropping it may hide ids
            tp = typing.get_args(tp)[1]
        else:
            return False
    return False


def _is_unknown_key(model: type[BaseModel], loc: Path) -> bool:
    tp: Any = model
    for part in loc:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if str(part) not in tp.model_fields:
                return True
            tp = tp.model_fields[str(part)].annotation
        else:
            return False  # inside lists and mappings: not a model key
    return False


def _get(data: Any, path: Path) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _without(
    data: dict[str, Any], dropped: list[Path], filled: dict[Path, Any]
) -> tuple[Any, dict[Path, list[int]]]:
    """A copy of `data` without the `dropped` parts and with a stand-in at each `filled`
    path; for each list, the original indices kept."""
    out = copy.deepcopy(data)
    for path, value in filled.items():
        parent = _get(out, path[:-1])
        if isinstance(parent, dict):
            parent[path[-1]] = value
    kept: dict[Path, list[int]] = {}

    # Deepest first, and within one list from the back, so earlier indices stay valid.
    def order(path: Path) -> tuple[int, int]:
        return len(path), path[-1] if path and isinstance(path[-1], int) else -1

    for path in sorted(dropped, key=order, reverse=True):
        parent_path = path[:-1]
        parent = _get_translated(out, parent_path, kept)
        last = path[-1]
        if isinstance(parent, list) and isinstance(last, int):
            indices = kept.setdefault(parent_path, list(range(len(parent))))
            if last in indices:
                del parent[indices.index(last)]
                indices.remove(last)
        elif isinstance(parent, dict):
            parent.pop(last, None)
    return out, kept


def _get_translated(data: Any, path: Path, kept: dict[Path, list[int]]) -> Any:
    """`data` at an original-coordinates `path`, in a copy where list items were removed."""
    node = data
    for i, part in enumerate(path):
        indices = kept.get(path[:i])
        if isinstance(node, list) and isinstance(part, int) and indices is not None:
            if part not in indices:
                return None
            part = indices.index(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


class _Translator:
    """Maps a path in the pruned copy back to the original file."""

    def __init__(self, kept: dict[Path, list[int]]) -> None:
        self.kept = kept

    def __call__(self, path: Path) -> Path:
        out: list[str | int] = []
        for part in path:
            indices = self.kept.get(tuple(out))
            if isinstance(part, int) and indices is not None and part < len(indices):
                part = indices[part]
            out.append(part)
        return tuple(out)


def relevant(found: list[Finding], data: Any, dropped: list[Path], translate: Any) -> list[Finding]:
    """Findings on the valid part, in original coordinates, minus those that only name
    something that lived in a set-aside part."""
    aside: set[str] = set()
    for path in dropped:
        aside |= _words(_get(data, path))
    out: list[Finding] = []
    for path, message, hint in found:
        names = {a or b for a, b in _NAMED.findall(message)}
        where = translate(path)
        # A finding about a part that contained what was set aside (an emptied list of
        # patterns) is a consequence of the shape error, already reported.
        near = any(_within(d, where) or _within(where, d) for d in dropped)
        if names & aside or near:
            continue
        out.append((where, message, hint))
    return out


def _within(inner: Path, outer: Path) -> bool:
    return inner[: len(outer)] == outer


def _words(node: Any) -> set[str]:
    if isinstance(node, str):
        return {node, *(m for m in re.findall(r"\{([a-z_][a-z0-9_]*)\}", node))}
    if isinstance(node, dict):
        return {str(k) for k in node} | {w for v in node.values() for w in _words(v)}
    if isinstance(node, list):
        return {w for v in node for w in _words(v)}
    return {str(node)} if node is not None else set()


def stand_in_free(low: list[Finding], high: list[Finding]) -> list[Finding]:
    """The findings of `low` that the check also made with the other stand-ins: one that
    comes and goes with a stand-in's value (a drill "must be shorter than the whole call
    (1s)" when the call's time_limit was misspelt) is a consequence, not a mistake."""
    again = {(path, message) for path, message, _ in high}
    return [f for f in low if (f[0], f[1]) in again]
