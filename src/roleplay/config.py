"""User settings and where things live.

Paths are functions, not constants, so `ROLEPLAY_HOME` (tests, sandboxes) can move every user
directory. Precedence: command-line options > environment variables > config file > defaults.
"""

from __future__ import annotations

import getpass
import os
import shutil
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from roleplay.domain.suggest import did_you_mean

APP = "roleplay"


class ConfigError(Exception):
    """The config file cannot be used; the message names the file, the key and the fix."""


def home_override() -> Path | None:
    value = os.environ.get("ROLEPLAY_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    home = home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    home = home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP))


def config_file() -> Path:
    return config_dir() / "config.toml"


class LlmSettings(BaseModel):
    """An OpenAI-compatible chat server: OpenAI itself, or Ollama, llama.cpp, vLLM, LM Studio,
    Azure OpenAI... chosen by base URL. Configured when it has an API key or a base URL."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(
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


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rep: str | None = Field(default=None, description="Your name on sessions (default: login).")
    team: str | None = None
    workspace: Path | None = Field(
        default=None, description="Folder with scenarios/, rubrics/ and recordings/."
    )
    llm: LlmSettings = Field(default_factory=LlmSettings)

    @property
    def rep_name(self) -> str:
        if self.rep:
            return self.rep
        try:
            return getpass.getuser()
        except (KeyError, OSError):  # no login name in some containers
            return "rep"


ENV = {"rep": "ROLEPLAY_REP", "team": "ROLEPLAY_TEAM", "workspace": "ROLEPLAY_WORKSPACE"}
# [llm] keys; the first variable that is set wins.
LLM_ENV = {
    "api_key": ("ROLEPLAY_LLM_API_KEY", "OPENAI_API_KEY"),
    "base_url": ("ROLEPLAY_LLM_BASE_URL", "OPENAI_BASE_URL"),
    "model": ("ROLEPLAY_LLM_MODEL",),
    "judge_model": ("ROLEPLAY_LLM_JUDGE_MODEL",),
}


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_file()
    data: dict[str, object] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc}); fix or delete the file") from None
    for key, var in ENV.items():
        if os.environ.get(var):
            data[key] = os.environ[var]
    llm = data.get("llm")
    llm = dict(llm) if isinstance(llm, dict) else ({} if llm is None else llm)
    for key, names in LLM_ENV.items():
        for name in names:
            if os.environ.get(name):
                if isinstance(llm, dict):
                    llm[key] = os.environ[name]
                break
    if llm:
        data["llm"] = llm
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        messages = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                section = LlmSettings if err["loc"][0] == "llm" else Settings
                last = str(err["loc"][-1])
                hint = did_you_mean(last, section.model_fields)
                messages.append(
                    f"{path}: unknown setting '{key}'"
                    + (
                        f"; did you mean '{hint}'?"
                        if hint
                        else f" (known: {', '.join(section.model_fields)})"
                    )
                )
            else:
                messages.append(f"{path}: {key}: {err['msg']}")
        raise ConfigError("\n".join(messages)) from None


# --- the workspace -----------------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    root: Path
    origin: Literal["option", "cwd", "config", "user-data"]

    @property
    def scenarios(self) -> Path:
        return self.root / "scenarios"

    @property
    def rubrics(self) -> Path:
        return self.root / "rubrics"

    @property
    def recordings(self) -> Path:
        return self.root / "recordings"


def resolve_workspace(
    settings: Settings, option: Path | None = None, cwd: Path | None = None
) -> Workspace:
    """--workspace, else the current folder if it has scenarios/, else the configured folder,
    else a workspace in the user data folder, seeded with the bundled files on first use."""
    if option is not None:
        return Workspace(option.expanduser().resolve(), "option")
    cwd = cwd or Path.cwd()
    if (cwd / "scenarios").is_dir():
        return Workspace(cwd.resolve(), "cwd")
    if settings.workspace is not None:
        return Workspace(settings.workspace.expanduser().resolve(), "config")
    root = data_dir() / "workspace"
    if not (root / "scenarios").exists():
        seed_workspace(root)
    return Workspace(root, "user-data")


def bundled(kind: Literal["scenarios", "rubrics"]) -> Path:
    """The scenarios/rubrics shipped with roleplay (wheel copy, or the source checkout)."""
    packaged = Path(str(resources.files("roleplay"))) / "bundled" / kind
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / kind  # editable install: the repo's folders


def seed_workspace(root: Path) -> None:
    kinds: tuple[Literal["scenarios", "rubrics"], ...] = ("scenarios", "rubrics")
    for kind in kinds:
        target = root / kind
        target.mkdir(parents=True, exist_ok=True)
        source = bundled(kind)
        for file in sorted(source.glob("*.yaml")):
            if not (target / file.name).exists():
                shutil.copy2(file, target / file.name)
    (root / "recordings").mkdir(parents=True, exist_ok=True, mode=0o700)


def setup_logging() -> Path:
    """Warnings and errors go to a rotating log file, never to the terminal (the interface
    shows the user what matters). Idempotent. Messages are written already redacted."""
    import logging
    from logging.handlers import RotatingFileHandler

    path = data_dir() / "logs" / "roleplay.log"
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "baseFilename", None) == str(path):
            return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path
