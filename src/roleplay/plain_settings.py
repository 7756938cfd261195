"""Settings made from values that plainly fit, without pydantic.

Every command reads the settings, and importing pydantic and building the validator of
`Settings` was ~60 ms of each read command (issue 18). The values of a usual config file and
environment already have the type each field wants (a TOML integer for an integer, a string
for a string or a path) and lie inside the field's bounds: for those, `read` makes plain twins
of the models of settings_models.py.

It never decides that something is wrong: any value it is not certain of (a string for a
number, a bool for an int, an unknown key, a bound not met) makes it return None, and the
caller validates with pydantic, which gives the usual message with the file and the key.
tests/test_readpath_settings.py checks that the twins declare the models' fields and bounds,
and on random input that `read` agrees with pydantic.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Literal,
    NamedTuple,
    TypeVar,
)

if TYPE_CHECKING:
    from pydantic import BaseModel


class _Unsure(Exception):
    """Not certain what pydantic would make of a value: let pydantic validate."""


# What a command reads: the same fields as the models of settings_models.py, in plain
# classes, made from values that plainly fit (a table of the models' declarations, so that
# pydantic is not even imported: ~60 ms of a read command, issue 18).


def known_zone(name: str) -> str:
    """`name` if it is a time zone this computer knows, else a ValueError that says why."""
    import zoneinfo  # the time zone database is read only when a zone is configured

    from roleplay.domain.suggest import did_you_mean

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(name, zoneinfo.available_timezones())
        raise ValueError(
            f"unknown time zone {name!r}"
            + (f"; did you mean {hint!r}?" if hint else "; use a name like Europe/Oslo")
        ) from None
    return name


def http_url(url: str) -> str:
    """`url` if it starts with http:// or https:// (the chat client needs the scheme: without
    it every call failed mid-way with "Request URL is missing an 'http://'"), else a
    ValueError that says what to write. The URL is not repeated: it may hold a password."""
    scheme, sep, rest = url.partition("://")
    if not (sep and scheme.lower() in ("http", "https") and rest.strip()):
        raise ValueError(
            "expected a URL starting with http:// or https://, "
            "e.g. http://localhost:11434/v1 for Ollama on this computer"
        )
    return url


def rep_name(rep: str | None) -> str:
    """Whose practice it is: the configured rep, else the login name (both kinds of settings
    answer `rep_name` with this)."""
    if rep:
        return rep
    try:
        import getpass  # (and termios): only when no rep name is configured

        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "rep"


def _rep_name(value: str) -> str:
    from roleplay.domain.rep_name import checked_rep_name

    return checked_rep_name(value)


class Secret:
    """A secret value (an API key, a database URL) that never shows in a repr, a log line or
    an error: the plain twin of pydantic's SecretStr (same repr, str and equality)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretStr('**********')" if self._value else "SecretStr('')"

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __len__(self) -> int:
        return len(self._value)


class Field(NamedTuple):
    """One setting: its kind, default and bounds, as its model declares them.

    kind: "str", "int", "float", "bool", "path", "secret", "choice", "dict" (str -> str) or a
    section's class; `optional`: None is a value; `check`: a function that raises ValueError
    (the rep's name, the time zone); `factory`: makes the default (the database URL)."""

    kind: str | type[Section]
    default: object = None
    optional: bool = False
    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    choices: tuple[str, ...] = ()
    check: Callable[[str], str] | None = None
    factory: Callable[[], object] | None = None


class Section:
    """Plain settings: every field an attribute; made by `read` (values already checked)."""

    FIELDS: ClassVar[dict[str, Field]] = {}

    def __init__(self, **values: Any) -> None:
        for name, spec in self.FIELDS.items():
            if name in values:
                value = values[name]
            elif spec.factory is not None:
                value = spec.factory()
            elif isinstance(spec.kind, type):
                value = spec.kind()
            elif spec.kind == "dict":
                value = {}
            else:
                value = spec.default
            setattr(self, name, value)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n) for n in self.FIELDS
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, as the models are

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.FIELDS)
        return f"{type(self).__name__}({shown})"


class PlainLlmSettings(Section):
    FIELDS: ClassVar[dict[str, Field]] = {
        "base_url": Field("str", optional=True, check=http_url),
        "api_key": Field("secret", optional=True),
        "model": Field("str", optional=True),
        "judge_model": Field("str", optional=True),
        "timeout": Field("float", 30.0, gt=0),
        "max_retries": Field("int", 2, ge=0, le=10),
        "temperature": Field("float", 0.8, ge=0, le=2),
    }
    base_url: str | None
    api_key: Secret | None
    model: str | None
    judge_model: str | None
    timeout: float
    max_retries: int
    temperature: float

    @property
    def configured(self) -> bool:
        return bool(self.base_url or (self.api_key and self.api_key.get_secret_value()))


class PlainVoiceSettings(Section):
    FIELDS: ClassVar[dict[str, Field]] = {
        "stt_model": Field("str", "tiny.en"),
        "compute_type": Field("str", "int8"),
        "input_device": Field("str", optional=True),
        "output_device": Field("str", optional=True),
        "sample_rate": Field("int", None, optional=True, ge=8000, le=192000),
        "silence_ms": Field("int", 650, ge=100, le=5000),
        "question_ms": Field("int", 250, ge=100, le=5000),
        "statement_ms": Field("int", 500, ge=100, le=5000),
        "trailing_ms": Field("int", 1200, ge=100, le=10000),
        "push_to_talk": Field("bool", False),
        "speculate": Field("bool", True),
        "vad": Field("choice", "silero", choices=("silero", "energy")),
        "voices": Field("dict"),
    }
    stt_model: str
    compute_type: str
    input_device: str | None
    output_device: str | None
    sample_rate: int | None
    silence_ms: int
    question_ms: int
    statement_ms: int
    trailing_ms: int
    push_to_talk: bool
    speculate: bool
    vad: Literal["silero", "energy"]
    voices: dict[str, str]


class PlainUiSettings(Section):
    FIELDS: ClassVar[dict[str, Field]] = {
        "theme": Field("str", "textual-dark"),
        "keys": Field("dict"),
    }
    theme: str
    keys: dict[str, str]


def _database_url() -> Secret | None:
    from roleplay.config import DATABASE_ENV

    value = os.environ.get(DATABASE_ENV, "").strip()
    return Secret(value) if value else None


class PlainSettings(Section):
    """The settings a command reads (as settings_models.Settings holds them)."""

    FIELDS: ClassVar[dict[str, Field]] = {
        "rep": Field("str", optional=True, check=_rep_name),
        "team": Field("str", optional=True),
        "workspace": Field("path", optional=True),
        "llm": Field(PlainLlmSettings),
        "ui": Field(PlainUiSettings),
        "voice": Field(PlainVoiceSettings),
        "timezone": Field("str", optional=True, check=known_zone),
        "daily_goal_drills": Field("int", 3, ge=0, le=50),
        "daily_goal_minutes": Field("int", 0, ge=0, le=600),
        "new_skills_per_day": Field("int", 2, ge=0, le=20),
        "database_url": Field("secret", optional=True, factory=_database_url),
    }
    rep: str | None
    team: str | None
    workspace: Path | None
    llm: PlainLlmSettings
    ui: PlainUiSettings
    voice: PlainVoiceSettings
    timezone: str | None
    daily_goal_drills: int
    daily_goal_minutes: int
    new_skills_per_day: int
    database_url: Secret | None

    @property
    def rep_name(self) -> str:
        return rep_name(self.rep)


S = TypeVar("S", bound=Section)


def read(data: object) -> PlainSettings | None:
    """The settings made from `data` (a config file's table and the environment's values)
    without pydantic, or None when pydantic must decide (and word what is wrong)."""
    try:
        return _section(PlainSettings, data)
    except _Unsure:
        return None


def _section(kind: type[S], data: object) -> S:
    if type(data) is not dict or not set(data) <= set(kind.FIELDS):
        raise _Unsure  # not a table, or a key the model forbids
    return kind(**{name: _field(kind.FIELDS[name], value) for name, value in data.items()})


_EXACT: dict[object, type] = {"str": str, "bool": bool, "int": int, "float": float, "choice": str}


def _field(spec: Field, value: object) -> object:
    if value is None and spec.optional:
        return None
    kind = spec.kind
    if isinstance(kind, type):
        return _section(kind, value)
    found: Any
    if type(value) is _EXACT.get(kind) and (kind != "choice" or value in spec.choices):
        found = value  # a str for a str, an int (not a bool) for an int...
    elif kind == "float" and type(value) is int and abs(value) < 2**53:
        found = float(value)  # an int, as pydantic widens it
    elif kind == "path" and type(value) is str:
        found = Path(value)
    elif kind == "secret" and type(value) is str:
        found = Secret(value)
    elif (
        kind == "dict"
        and type(value) is dict
        and all(type(k) is str and type(v) is str for k, v in value.items())
    ):
        found = dict(value)
    else:
        raise _Unsure
    if spec.check is not None:
        try:
            found = spec.check(found)
        except ValueError:  # pydantic words the message
            raise _Unsure from None
    ok = (
        (spec.ge is None or found >= spec.ge)
        and (spec.le is None or found <= spec.le)
        and (spec.gt is None or found > spec.gt)
    )
    if not ok:
        raise _Unsure
    return found


def plain(model: BaseModel) -> PlainSettings:
    """The plain twin of validated settings (settings_models.Settings), field for field."""
    return _plain(PlainSettings, model)


def _plain(kind: type[S], model: object) -> S:
    from pydantic import SecretStr

    values: dict[str, Any] = {}
    for name, spec in kind.FIELDS.items():
        value = getattr(model, name)
        if isinstance(spec.kind, type):
            value = _plain(spec.kind, value)
        elif isinstance(value, SecretStr):
            value = Secret(value.get_secret_value())
        elif isinstance(value, dict):
            value = dict(value)
        values[name] = value
    return kind(**values)
