"""A command reads its settings without pydantic (plain_settings.read, issue 18), and what it
reads is what pydantic's models make of the same values, or it steps aside: it never accepts
what the models refuse, never changes a value or its type, and declares the same fields,
defaults and bounds as the models (settings_models.py), which stay the one place where a
config file is validated and its problems worded."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import annotated_types
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, SecretStr, ValidationError

from roleplay.config import SECTIONS, ConfigError, Settings, load_settings
from roleplay.plain_settings import PlainSettings, Secret, Section, read

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
    """A value with the type of every part (30 and 30.0 differ here), secrets unwrapped, a
    model and its plain twin alike."""
    if isinstance(value, BaseModel):
        return {n: shape(getattr(value, n)) for n in type(value).model_fields}
    if isinstance(value, Section):
        return {n: shape(getattr(value, n)) for n in type(value).FIELDS}
    if isinstance(value, SecretStr | Secret):
        return ("secret", value.get_secret_value())
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def test_the_plain_fields_are_the_models_fields() -> None:
    """Same names in the same order, same defaults, same bounds, same optional fields."""
    pairs: list[tuple[type[BaseModel], type[Section]]] = [(Settings, PlainSettings)]
    pairs += [(SECTIONS[n], PlainSettings.FIELDS[n].kind) for n in SECTIONS]  # type: ignore[misc]
    for model, plain in pairs:
        assert list(model.model_fields) == list(plain.FIELDS), model
        made_model, made_plain = model(), plain()
        assert shape(made_model) == shape(made_plain), model  # the defaults
        for name, info in model.model_fields.items():
            spec = plain.FIELDS[name]
            bounds = {type(m).__name__: m for m in info.metadata}
            assert (spec.ge, spec.le, spec.gt) == (
                getattr(bounds.get("Ge"), "ge", None),
                getattr(bounds.get("Le"), "le", None),
                getattr(bounds.get("Gt"), "gt", None),
            ), (model, name)
            assert all(isinstance(m, annotated_types.Ge | annotated_types.Le | annotated_types.Gt)
                       for m in info.metadata), (model, name)  # fmt: skip
            optional = type(None) in get_args(info.annotation)
            assert spec.optional == optional, (model, name)


@settings(max_examples=600, deadline=None)
@given(DATA)
def test_what_is_read_plainly_is_what_pydantic_makes_or_it_steps_aside(
    data: dict[str, Any],
) -> None:
    made = read(data)
    try:
        validated = Settings.model_validate(data)
    except ValidationError:
        assert made is None  # what pydantic refuses is left to pydantic (and its message)
        return
    if made is not None:
        assert shape(made) == shape(validated)


def test_every_field_with_every_near_value() -> None:
    values = [*NEAR_VALUES, "", "12", "Europe/Osloo", float("nan"), float("inf"), [1], {}]
    cases = [{n: v} for n in TOP for v in values]
    cases += [{s: {n: v}} for s, m in SECTIONS.items() for n in m.model_fields for v in values]
    taken = 0
    for data in cases:
        made = read(data)
        try:
            validated = Settings.model_validate(data)
        except ValidationError:
            assert made is None, data
            continue
        if made is not None:
            taken += 1
            assert shape(made) == shape(validated), data
    assert taken >= 100, taken


def test_a_config_that_needs_pydantic_reads_the_same(tmp_path: Path) -> None:
    """A value pydantic converts (a number written as a string) goes through the models, and
    the command still gets plain settings with the converted value."""
    path = tmp_path / "config.toml"
    path.write_text('daily_goal_drills = "4"\n[llm]\napi_key = "sk-x"\ntimeout = 60\n')
    got = load_settings(path)
    assert isinstance(got, PlainSettings)
    assert got.daily_goal_drills == 4
    assert got.llm.timeout == 60.0 and type(got.llm.timeout) is float
    assert got.llm.api_key is not None and got.llm.api_key.get_secret_value() == "sk-x"
    assert "sk-x" not in repr(got) and got.llm.configured


def test_reading_the_settings_imports_no_pydantic(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text(
        'rep = "ana"\ntimezone = "UTC"\n[voice]\nsilence_ms = 700\n[llm]\nbase_url = "http://x/v1"\n'
    )
    code = (
        "import sys\n"
        "from roleplay.config import load_settings\n"
        "s = load_settings()\n"
        "print(s.rep, s.voice.silence_ms, s.llm.configured, 'pydantic' in sys.modules)\n"
    )
    env = {"PYTHONPATH": SRC, "ROLEPLAY_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ana", "700", "True", "False"]


def test_the_usual_settings_are_read_without_pydantic() -> None:
    """What a config file and the environment usually hold: read plainly, as pydantic would."""
    usual = [
        {},
        {"rep": "ana", "timezone": "UTC"},
        {"workspace": "~/sales", "daily_goal_drills": 4, "new_skills_per_day": 1},
        {"llm": {"api_key": "sk-x", "base_url": "http://localhost:11434/v1", "timeout": 60}},
        {"voice": {"silence_ms": 700, "vad": "energy", "voices": {"discovery": "en-gb+f2"}}},
        {"ui": {"theme": "textual-light", "keys": {"practice.end": "ctrl+q"}}},
    ]
    for data in usual:
        made = read(data)
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
    assert f"{path}: daily_goal_drills: expected less than or equal to 50, got 51" in message
    assert f"{path}: voice.vad: expected 'silero' or 'energy', got 'loud'" in message
    assert f"{path}: unknown setting 'llm.modle'; did you mean 'model'?" in message


def test_config_mistakes_say_what_to_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A base URL without http:// was accepted and failed only mid-call ("Request URL is
    missing an 'http://'"); a number given as text was worded in pydantic's terms; a key
    put above every section was called unknown with no word of where it goes."""
    for name in ("ROLEPLAY_LLM_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "config.toml"
    cases = {
        '[llm]\nbase_url = "localhost:11434"\n': "llm.base_url: expected a URL starting with "
        "http:// or https://, e.g. http://localhost:11434/v1",
        '[llm]\ntimeout = "fast"\n': "llm.timeout: expected a number, got 'fast'",
        'model = "llama3"\n': "unknown setting 'model'; it belongs in the [llm] section",
    }
    for text, said in cases.items():
        path.write_text(text)
        with pytest.raises(ConfigError) as caught:
            load_settings(path)
        assert f"{path}: {said}" in str(caught.value)
    path.write_text('[llm]\nbase_url = "http://localhost:11434/v1"\n')
    assert load_settings(path).llm.base_url == "http://localhost:11434/v1"
    # From the environment: the variable is named, and a password in it is never repeated.
    path.write_text("")
    monkeypatch.setenv("OPENAI_BASE_URL", "kari:hunter2-secret@llm.example:8080/v1")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "OPENAI_BASE_URL (environment variable): llm.base_url: expected a URL" in str(
        caught.value
    )
    assert "hunter2" not in str(caught.value)
