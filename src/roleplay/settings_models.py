"""The settings as pydantic models: what a config file may hold, validated with pydantic's
messages (file, key, bounds), and the JSON shape the app's settings screen saves.

A command does not load this module when the values plainly fit (the usual case): config.py
reads them into the plain twins of plain_settings.py, which import no pydantic (importing it
is ~60 ms of a read command, issue 18). Both are declared field by field;
tests/test_readpath_settings.py checks that they agree, field by field and on random input.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from roleplay.config import DATABASE_ENV
from roleplay.domain.rep_name import checked_rep_name
from roleplay.plain_settings import http_url, known_zone, rep_name

HttpUrlText = Annotated[str, AfterValidator(http_url)]  # kept as written (not normalised)


class LlmSettings(BaseModel):
    """An OpenAI-compatible chat server: OpenAI itself, or Ollama, llama.cpp, vLLM, LM Studio,
    Azure OpenAI... chosen by base URL. Configured when it has an API key or a base URL."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    base_url: HttpUrlText | None = Field(
        default=None, description="e.g. http://localhost:11434/v1 for Ollama; default OpenAI."
    )
    api_key: SecretStr | None = Field(
        default=None, description="Prefer the OPENAI_API_KEY environment variable."
    )
    model: str | None = Field(
        default=None,
        description="Customer model; default gpt-4o-mini on OpenAI, else the server's first model.",
    )
    judge_model: str | None = Field(default=None, description="Judge model; default: model.")
    timeout: float = Field(default=30.0, gt=0, description="Seconds to wait for the server.")
    max_retries: int = Field(default=2, ge=0, le=10, description="Retries on 429/5xx/network.")
    temperature: float = Field(default=0.8, ge=0, le=2)

    @property
    def configured(self) -> bool:
        return bool(self.base_url or (self.api_key and self.api_key.get_secret_value()))


TimeZoneName = Annotated[str, AfterValidator(known_zone)]
RepName = Annotated[str, AfterValidator(checked_rep_name)]  # one line, not blank


class VoiceSettings(BaseModel):
    """Spoken practice: the speech model, sound devices, and when the rep's turn ends."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    stt_model: str = Field(
        default="tiny.en",
        description="Speech model: tiny.en (bundled, English), base (bundled, multilingual), "
        "any faster-whisper model name (small, large-v3...) or a model folder.",
    )
    compute_type: str = Field(default="int8", description="CTranslate2 compute type.")
    input_device: str | None = Field(default=None, description="Microphone: index or name.")
    output_device: str | None = Field(default=None, description="Speaker: index or name.")
    sample_rate: int | None = Field(
        default=None, ge=8000, le=192000, description="Microphone rate (default: the device's)."
    )
    silence_ms: int = Field(
        default=650, ge=100, le=5000, description="Silence that ends a turn by default."
    )
    question_ms: int = Field(default=250, ge=100, le=5000, description="...after a question.")
    statement_ms: int = Field(
        default=500, ge=100, le=5000, description="...after a complete statement."
    )
    trailing_ms: int = Field(
        default=1200, ge=100, le=10000, description="...after 'and...', 'um', a dangling clause."
    )
    push_to_talk: bool = Field(default=False, description="Turns end only on the talk key.")
    speculate: bool = Field(
        default=True, description="Start the customer's reply as soon as the rep falls silent."
    )
    vad: Literal["silero", "energy"] = Field(default="silero", description="Voice detector.")
    voices: dict[str, str] = Field(
        default_factory=dict,
        description="espeak-ng voice per scenario id or persona name, e.g. 'en-gb+f2'.",
    )


class UiSettings(BaseModel):
    """The terminal app: theme and key bindings (binding id -> keys, e.g. "practice.end" =
    "ctrl+q"; the ids are listed in the app's command palette; tui/keys.py checks them)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    theme: str = Field(default="textual-dark", description="textual-dark, textual-light, ...")
    keys: dict[str, str] = Field(default_factory=dict)


def _database_url() -> SecretStr | None:
    value = os.environ.get(DATABASE_ENV, "").strip()
    return SecretStr(value) if value else None


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    rep: RepName | None = Field(default=None, description="Your name on sessions (default: login).")
    team: str | None = None
    workspace: Path | None = Field(
        default=None, description="Folder with scenarios/, rubrics/ and recordings/."
    )
    llm: LlmSettings = Field(default_factory=LlmSettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    # The daily habit (roleplay today / progress): see services/habit.py.
    timezone: TimeZoneName | None = Field(
        default=None,
        description="Your practice days' time zone, e.g. Europe/Oslo (default: this computer's).",
    )
    daily_goal_drills: int = Field(
        default=3, ge=0, le=50, description="Drills or calls a day; 0: no drill goal."
    )
    daily_goal_minutes: int = Field(
        default=0, ge=0, le=600, description="Minutes of practice a day; 0: no minutes goal."
    )
    new_skills_per_day: int = Field(
        default=2, ge=0, le=20, description="Skills never practised that may join a day's queue."
    )
    # The team's index database (a PostgreSQL URL); None: a SQLite file in the data folder.
    # Only from ROLEPLAY_DATABASE_URL, never the config file: the URL holds the database
    # password. Read when Settings is made, so adapters are handed it and read no environment.
    database_url: SecretStr | None = Field(default_factory=_database_url, exclude=True)

    @property
    def rep_name(self) -> str:
        return rep_name(self.rep)


SECTIONS: dict[str, type[BaseModel]] = {
    "llm": LlmSettings,
    "ui": UiSettings,
    "voice": VoiceSettings,
}
