"""The settings a command reads are made without pydantic's validator when the values plainly
fit (plain_settings.construct), and that shortcut must make exactly what pydantic makes, or
step aside: it never accepts what pydantic refuses, never changes a value or its type, and
a broken config still gets pydantic's message with the file and the key."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, SecretStr, ValidationError

from roleplay.config import SECTIONS, ConfigError, Settings, load_settings
from roleplay.plain_settings import construct

SRC = str(Path(__file__).resolve().parents[1] / "src")

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=200_000),
    st.sampled_from([0, 1, 2, 3, 10, 20, 50, 51, 100, 99, 600, 601, 5000, 5001, 8000, 192001]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 0.5, 2.0, 2.5, 30.0, -1.0]),
    st.sampled_from(
        [
            *["", "ana", "UTC", "Europe/Oslo", "Europe/Osloo", "silero", "energy", "12"],
            *["true", "/tmp/ws", "~/ws", "sk-secret", "http://localhost:11434/v1"],
        ]
    ),
    st.lists(st.integers(), max_size=2),
)


# Values near what each field takes (right type, at and past its bounds), so that many
# examples are valid and the shortcut is really compared, beside any value at all.
NEAR_VALUES: list[Any] = [
    *[None, True, False, 0, 1, 2, 3, 20, 50, 51, 99, 100, 600, 601, 5000, 5001, 10001, 8000],
    *[0.0, 2.0, 2.5, 30, 30.0, -1, "UTC", "Europe/Oslo", "silero", "energy", "ana", "/tmp/ws"],
]
NEAR = st.sampled_from(NEAR_VALUES)


def section(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    names = [*model.model_fields, "bogus"]
    value = st.one_of(
        NEAR, NEAR, SCALARS, st.dictionaries(st.sampled_from(["a", "en"]), SCALARS, max_size=2)
    )
    return st.dictionaries(st.sampled_from(names), value, max_size=4)


TOP = [n for n in Settings.model_fields if n not in SECTIONS] + ["bogus"]
DATA = st.dictionaries(
    st.sampled_from([*TOP, *SECTIONS]),
    st.one_of(NEAR, NEAR, SCALARS, *[section(m) for m in SECTIONS.values()]),
    max_size=4,
)


def shape(value: Any) -> Any:
    """A value with the type of every part (30 and 30.0 differ here), secrets unwrapped."""
    if isinstance(value, BaseModel):
        fields = {n: shape(getattr(value, n)) for n in type(value).model_fields}
        return (type(value).__name__, sorted(value.model_fields_set), fields)
    if isinstance(value, SecretStr):
        return ("SecretStr", value.get_secret_value())
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


@settings(max_examples=600, deadline=None)
@given(DATA)
def test_the_shortcut_makes_what_pydantic_makes_or_steps_aside(data: dict[str, Any]) -> None:
    made = construct(Settings, data)
    try:
        validated = Settings.model_validate(data)
    except ValidationError:
        assert made is None  # what pydantic refuses is left to pydantic (and its message)
        return
    if made is not None:
        assert shape(made) == shape(validated)
        assert made == validated


def test_every_field_with_every_near_value() -> None:
    """Each field alone, with each value near what it takes: the same comparison, exhaustive
    and in order (so it also shows that the shortcut is taken, not only stepped aside)."""
    values = [*NEAR_VALUES, "", "12", "Europe/Osloo", float("nan"), float("inf"), [1], {}]
    cases = [{n: v} for n in TOP for v in values]
    cases += [{s: {n: v}} for s, m in SECTIONS.items() for n in m.model_fields for v in values]
    taken = 0
    for data in cases:
        made = construct(Settings, data)
        try:
            validated = Settings.model_validate(data)
        except ValidationError:
            assert made is None, data
            continue
        if made is not None:
            taken += 1
            assert shape(made) == shape(validated), data
    assert taken >= 100, taken


def test_the_usual_settings_take_the_shortcut() -> None:
    """What a config file and the environment usually hold: no validator is needed."""
    usual = [
        {},
        {"rep": "ana", "timezone": "UTC"},
        {"workspace": "~/sales", "daily_goal_drills": 4, "new_skills_per_day": 1},
        {"llm": {"api_key": "sk-x", "base_url": "http://localhost:11434/v1", "timeout": 60}},
        {"voice": {"silence_ms": 700, "vad": "energy", "voices": {"discovery": "en-gb+f2"}}},
        {"ui": {"theme": "textual-light", "keys": {"practice.end": "ctrl+q"}}},
    ]
    for data in usual:
        made = construct(Settings, data)
        assert made is not None, data
        assert shape(made) == shape(Settings.model_validate(data))


def test_a_broken_config_still_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('daily_goal_drills = 51\n[voice]\nvad = "loud"\n[llm]\nmodle = "x"\n')
    try:
        load_settings(path)
    except ConfigError as exc:
        message = str(exc)
    else:
        raise AssertionError("a broken config was accepted")
    assert f"{path}: daily_goal_drills: Input should be less than or equal to 50" in message
    assert f"{path}: voice.vad: Input should be 'silero' or 'energy'" in message
    assert f"{path}: unknown setting 'llm.modle'; did you mean 'model'?" in message


def test_a_command_reads_the_settings_without_building_their_validator(
    tmp_path: Path,
) -> None:
    """The point of the shortcut: a read command with a usual config builds no validator
    of the settings (a fresh interpreter, so no earlier test built one)."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text('rep = "ana"\n[voice]\nsilence_ms = 700\n')
    code = (
        "from roleplay.config import Settings, load_settings\n"
        "s = load_settings()\n"
        "print(s.rep, s.voice.silence_ms, Settings.__pydantic_complete__)\n"
    )
    env = {"PYTHONPATH": SRC, "ROLEPLAY_HOME": str(tmp_path), "ROLEPLAY_TIMEZONE": "UTC"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ana", "700", "False"]
