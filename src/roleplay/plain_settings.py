"""Settings made from values that plainly fit, without building pydantic's validator.

Every command reads the settings, and building the validator of `Settings` and its three
sections was ~4-6 ms of each read command (issue 18). The values of a usual config file and
environment already have the type each field wants (a TOML integer for an integer, a string
for a string or a path) and lie inside the field's bounds: for those, `construct` makes the
same model pydantic would, from the models' own field declarations (type, bounds, validator).

It never decides that something is wrong: any value it is not certain of (a string for a
number, a bool for an int, an unknown key, a bound not met, a type it does not know) makes it
return None, and the caller validates with pydantic, which gives the usual message with the
file and the key. One source of truth: the fields and their bounds are read from the models,
and tests/test_plain_settings.py checks on random input that it agrees with pydantic.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, SecretStr
from pydantic.functional_validators import AfterValidator

M = TypeVar("M", bound=BaseModel)


class _Unsure(Exception):
    """Not certain what pydantic would make of a value: let pydantic validate."""


def construct(model: type[M], data: object) -> M | None:
    """`model` made from `data` without validating, or None when pydantic must decide."""
    try:
        return _model(model, data)
    except _Unsure:
        return None


def _model(model: type[M], data: object) -> M:
    if type(data) is not dict or not set(data) <= set(model.model_fields):
        raise _Unsure  # not a table, or a key the model forbids
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in data:
            value = _value(info.annotation, data[name])
            for rule in info.metadata:
                _check(rule, value)
            values[name] = value
        elif info.default_factory is None:
            values[name] = info.default
        elif isinstance(info.default_factory, type) and issubclass(
            info.default_factory, BaseModel
        ):  # a section left out: its defaults, made the same way (no validator built)
            values[name] = _model(info.default_factory, {})
        else:
            values[name] = info.default_factory()  # type: ignore[call-arg]  # no argument
    return model.model_construct(set(data), **values)


def _value(annotation: Any, value: object) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = get_args(annotation)
        if value is None and type(None) in options:
            return None
        rest = [a for a in options if a is not type(None)]
        if len(rest) != 1:
            raise _Unsure
        return _value(rest[0], value)
    if origin is Annotated:
        inner, *rules = get_args(annotation)
        result = _value(inner, value)
        for rule in rules:
            if not isinstance(rule, AfterValidator):
                raise _Unsure
            try:
                result = rule.func(result)  # type: ignore[call-arg]  # plain one-argument form
            except ValueError:  # pydantic words the message
                raise _Unsure from None
        return result
    if origin is Literal:
        if type(value) is str and value in get_args(annotation):
            return value
        raise _Unsure
    if origin is dict:
        if get_args(annotation) != (str, str) or type(value) is not dict:
            raise _Unsure
        if not all(type(k) is str and type(v) is str for k, v in value.items()):
            raise _Unsure
        return dict(value)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation, value)
    kind = type(value)
    if annotation is str and kind is str:
        return value
    if annotation is bool and kind is bool:
        return value
    if annotation is int and kind is int:
        return value
    if annotation is float and kind is float:
        return value
    if annotation is float and kind is int and abs(value) < 2**53:  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]  # an int, as pydantic widens it
    if annotation is Path and kind is str:
        return Path(value)  # type: ignore[arg-type]
    if annotation is SecretStr and kind is str:
        return SecretStr(value)  # type: ignore[arg-type]
    raise _Unsure


def _check(rule: object, value: Any) -> None:
    """A bound from the field's declaration (`Field(ge=..., le=...)`)."""
    if value is None:
        return
    if isinstance(rule, annotated_types.Ge):
        ok = value >= rule.ge
    elif isinstance(rule, annotated_types.Le):
        ok = value <= rule.le
    elif isinstance(rule, annotated_types.Gt):
        ok = value > rule.gt
    elif isinstance(rule, annotated_types.Lt):
        ok = value < rule.lt
    else:
        raise _Unsure
    if not ok:
        raise _Unsure
