"""User settings and where things live.

Paths are functions, not constants, so `ROLEPLAY_HOME` (tests, sandboxes) can move every user
directory. Precedence: command-line options > environment variables > config file > defaults.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, ValidationError

from roleplay.atomic import write_atomic
from roleplay.domain.rep_name import checked_rep_name
from roleplay.domain.suggest import did_you_mean
from roleplay.errors import RoleplayError

# Where things live is in places.py, which loads no pydantic: the app reads its theme from the
# config file before its first frame. Imported here too, where every command has found them.
from roleplay.places import APP as APP
from roleplay.places import cache_dir as cache_dir
from roleplay.places import config_dir as config_dir
from roleplay.places import config_file as config_file
from roleplay.places import data_dir as data_dir
from roleplay.places import home_override as home_override
from roleplay.plain_settings import construct


class ConfigError(RoleplayError):
    """The config file cannot be used; the message names the file, the key and the fix."""

    title = "The config file cannot be used"


class LlmSettings(BaseModel):
    """An OpenAI-compatible chat server: OpenAI itself, or Ollama, llama.cpp, vLLM, LM Studio,
    Azure OpenAI... chosen by base URL. Configured when it has an API key or a base URL."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

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


def _known_zone(name: str) -> str:
    import zoneinfo  # the time zone database is read only when a zone is configured

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(name, zoneinfo.available_timezones())
        raise ValueError(
            f"unknown time zone {name!r}"
            + (f"; did you mean {hint!r}?" if hint else "; use a name like Europe/Oslo")
        ) from None
    return name


TimeZoneName = Annotated[str, AfterValidator(_known_zone)]
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
        if self.rep:
            return self.rep
        try:
            import getpass  # (and termios): only when no rep name is configured

            return getpass.getuser()
        except (KeyError, OSError):  # no login name in some containers
            return "rep"


ENV = {"rep": "ROLEPLAY_REP", "team": "ROLEPLAY_TEAM", "workspace": "ROLEPLAY_WORKSPACE"}
ENV["timezone"] = "ROLEPLAY_TIMEZONE"
# [llm] keys; the first variable that is set wins.
LLM_ENV = {
    "api_key": ("ROLEPLAY_LLM_API_KEY", "OPENAI_API_KEY"),
    "base_url": ("ROLEPLAY_LLM_BASE_URL", "OPENAI_BASE_URL"),
    "model": ("ROLEPLAY_LLM_MODEL",),
    "judge_model": ("ROLEPLAY_LLM_JUDGE_MODEL",),
}


def read_config_text(path: Path) -> str:
    """The config file's text. TOML files are UTF-8: any other encoding (a Latin-1 'é' saved
    by an old editor) is a ConfigError naming the file, the line and the byte, not a
    traceback; a UTF-8 byte order mark (Windows Notepad) is allowed. Nothing is changed."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot be read ({exc.strerror or type(exc).__name__})",
            "check that it is a file you can read, or move it away to use the defaults",
        ) from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        from roleplay.domain.encoding import position

        line, column = position(data, exc.start)
        raise ConfigError(
            f"{path}:{line}:{column}: not UTF-8 (byte 0x{data[exc.start]:02X}); the config "
            "file must be saved as UTF-8",
            "re-save it as UTF-8 in your editor, or convert it (iconv -f latin1 -t utf-8); "
            "nothing was changed",
        ) from None


def not_valid_toml(path: Path, text: str, exc: ValueError) -> ConfigError:
    """tomllib's error as file:line:column, as every other config error: tomllib says "(at
    line 3, column 9)", or "(at end of document)" for an unclosed string, table or list,
    which is placed at the end of the file's last line."""
    why = str(exc)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", why)
    if found:
        line, column = int(found[1]), int(found[2])
        why = why[: found.start()]
    elif why.endswith("(at end of document)"):
        lines = text.rstrip().split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        why = why.removesuffix("(at end of document)").rstrip() + " (reached the end of the file)"
    else:  # a message of another form: as it is, with the file
        return ConfigError(f"{path}: not valid TOML ({why})", "fix or delete the file")
    return ConfigError(f"{path}:{line}:{column}: not valid TOML: {why}", "fix or delete the file")


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_file()
    data: dict[str, object] = {}
    if path.exists():
        import tomllib  # no config file (a new user, the tests): no TOML parser

        text = read_config_text(path)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise not_valid_toml(path, text, exc) from None
        if "database_url" in data:
            raise ConfigError(
                f"{path}: database_url cannot be set in the config file (the URL holds the "
                f"database password); remove it and set {DATABASE_ENV} instead"
            )
    from_env: dict[str, str] = {}  # a bad value is said as coming from its variable
    for key, var in ENV.items():
        if os.environ.get(var):
            data[key] = os.environ[var]
            from_env[key] = var
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
    # Values that plainly fit (the usual case) make the model without building pydantic's
    # validator (defer_build above: ~5 ms of every command); anything else is validated, and
    # a problem is worded below.
    made = construct(Settings, data)
    if made is not None:
        return made
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        messages = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                section = (
                    SECTIONS.get(str(err["loc"][0]), Settings) if len(err["loc"]) > 1 else Settings
                )
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
                where = f"{from_env[key]} (environment variable)" if key in from_env else f"{path}"
                messages.append(f"{where}: {key}: {err['msg'].removeprefix('Value error, ')}")
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

    @property
    def gold(self) -> Path:
        """Gold calls trainers scored, to measure a judge (`roleplay calibrate`)."""
        return self.root / "gold"


def resolve_workspace(
    settings: Settings, option: Path | None = None, cwd: Path | None = None
) -> Workspace:
    """--workspace, else the current folder if it has scenarios/ (and is not roleplay's own
    source), else the configured folder,
    else a workspace in the user data folder, seeded with the bundled files on first use."""
    if option is not None:
        return Workspace(option.expanduser().resolve(), "option")
    cwd = cwd or Path.cwd()
    # roleplay's own source folder is not a workspace: a rep who installed from the clone
    # expects the same sessions wherever they start roleplay (issue 17).
    if (cwd / "scenarios").is_dir() and not (cwd / "src" / "roleplay").is_dir():
        return Workspace(cwd.resolve(), "cwd")
    if settings.workspace is not None:
        return Workspace(settings.workspace.expanduser().resolve(), "config")
    root = data_dir() / "workspace"
    if not (root / "scenarios").exists():
        seed_workspace(root)
    return Workspace(root, "user-data")


def bundled(kind: Literal["scenarios", "rubrics", "gold"]) -> Path:
    """Scenarios, rubrics or gold calls shipped with roleplay (wheel copy, or the checkout)."""
    from importlib import resources  # ~5M instructions, for the few commands that seed

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
    for file in sorted(bundled("gold").glob("*/*.yaml")):
        target = root / "gold" / file.parent.name / file.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)
    (root / "recordings").mkdir(parents=True, exist_ok=True, mode=0o700)


SECTIONS: dict[str, type[BaseModel]] = {
    "llm": LlmSettings,
    "ui": UiSettings,
    "voice": VoiceSettings,
}


def save_settings(changes: dict[str, object], path: Path | None = None) -> Path:
    """Write `changes` ({"llm.model": "x", "daily_goal_drills": 4, ...}) into the config file,
    keeping the user's comments and layout (tomlkit). None removes a key. The result is
    validated before anything is written, so a bad value never reaches the file."""
    import tomllib

    import tomlkit

    path = path or config_file()
    doc = tomlkit.document()
    if path.exists():  # edited by hand meanwhile: said as a load says it, not tomlkit's error
        text = read_config_text(path)
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise not_valid_toml(path, text, exc) from None
        doc = tomlkit.parse(text)
    for dotted, value in changes.items():
        *sections, key = dotted.split(".")
        table: Any = doc
        for name in sections:
            if name not in table:
                table[name] = tomlkit.table()
            table = table[name]
        if value is None:
            table.pop(key, None)
        else:
            table[key] = str(value) if isinstance(value, Path) else value
    text = tomlkit.dumps(doc)
    try:
        Settings.model_validate(tomllib.loads(text))
    except ValidationError as exc:
        first = exc.errors()[0]
        why = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{'.'.join(map(str, first['loc']))}: {why}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)  # owner-only: it may hold an API key
    return path


SECRET_NAMES = re.compile(r"(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD)$", re.IGNORECASE)
DATABASE_ENV = "ROLEPLAY_DATABASE_URL"


def env_secrets() -> list[str]:
    """Secret values in the environment: variables named like a key, token, secret or
    password, and the password of the database URL (user-info or `?password=`), raw and
    percent-decoded."""
    from urllib.parse import parse_qs, unquote, urlsplit

    found = [v for k, v in os.environ.items() if SECRET_NAMES.search(k) and v]
    raw = os.environ.get(DATABASE_ENV, "")
    if raw:
        try:
            parts = urlsplit(raw)
            passwords = [parts.password or "", *parse_qs(parts.query).get("password", [])]
        except ValueError:  # a malformed URL: hide the whole value
            passwords = [raw]
        for password in filter(None, passwords):
            found += [password, unquote(password)]
    return found


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes every credential: known secret values, passwords in
    URLs (also `?password=`), keys used as a URL's user name. Covers the messages of every
    library (the HTTP client logs each request's URL) and tracebacks."""

    def __init__(self, fmt: str, secrets: Callable[[], list[str]] = env_secrets) -> None:
        super().__init__(fmt)
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        from roleplay.domain.text import printable, redact

        return printable(redact(super().format(record), self._secrets()))


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class LogFile(logging.Handler):
    """The rotating log file (1 MB, 3 kept), opened for the first record written: most
    commands write none, and logging.handlers (which loads pickle, queue and socket) was
    ~2 ms of every read command (issue 18)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.baseFilename = os.path.abspath(path)  # noqa: PTH100  # as a FileHandler names it
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            from logging.handlers import RotatingFileHandler

            try:
                self._file = RotatingFileHandler(
                    self.baseFilename, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
                )
            except OSError:  # gone since start-up: said on stderr, as logging does
                self.handleError(record)
                return
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def setup_logging() -> Path | None:
    """Warnings and errors go to a rotating log file, never to the terminal (the interface
    shows the user what matters). Idempotent. Every line is redacted as it is written.

    When the data folder cannot be written (read-only, full), warnings go to stderr instead:
    no command dies for want of a log. Returns the log file, or None for stderr."""
    path = data_dir() / "logs" / "roleplay.log"
    root = logging.getLogger()
    for existing in root.handlers:
        if getattr(existing, "baseFilename", None) == str(path):
            return path
        if getattr(existing, "roleplay_fallback", False):
            return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(path, "a", encoding="utf-8"):  # noqa: PTH123  # writable? (as the handler opens it)
            pass
        handler: logging.Handler = LogFile(path)
    except OSError as exc:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        handler.roleplay_fallback = True  # type: ignore[attr-defined]
        handler.setFormatter(RedactingFormatter("roleplay: %(levelname)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        logging.getLogger(__name__).warning(
            "cannot write the log %s (%s); logging to the terminal instead. Check that %s is "
            "writable, or set ROLEPLAY_HOME",
            path,
            exc.strerror or exc,
            data_dir(),
        )
        return None
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path
