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
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from roleplay.atomic import write_atomic
from roleplay.errors import RoleplayError

# Where things live is in places.py, which loads no pydantic: the app reads its theme from the
# config file before its first frame. Imported here too, where every command has found them.
from roleplay.places import APP as APP
from roleplay.places import cache_dir as cache_dir
from roleplay.places import config_dir as config_dir
from roleplay.places import config_file as config_file
from roleplay.places import data_dir as data_dir
from roleplay.places import home_override as home_override
from roleplay.plain_settings import PlainSettings
from roleplay.plain_settings import read as read_plainly

# The settings' pydantic models (settings_models.py) load only where a value must be
# validated or a file written: a command with a usual config reads PlainSettings, and imports
# no pydantic (~60 ms of every read command, issue 18). `from roleplay.config import Settings`
# works as it always did (module __getattr__ below).
if TYPE_CHECKING:
    from roleplay.settings_models import SECTIONS as SECTIONS
    from roleplay.settings_models import LlmSettings as LlmSettings
    from roleplay.settings_models import Settings as Settings
    from roleplay.settings_models import UiSettings as UiSettings
    from roleplay.settings_models import VoiceSettings as VoiceSettings

    # What a command is handed: settings read plainly, or a model a caller validated.
    AnySettings: TypeAlias = Settings | PlainSettings

_MODELS = {"SECTIONS", "LlmSettings", "Settings", "UiSettings", "VoiceSettings"}


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        from roleplay import settings_models

        return getattr(settings_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ConfigError(RoleplayError):
    """The config file cannot be used; the message names the file, the key and the fix."""

    title = "The config file cannot be used"


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


def load_settings(path: Path | None = None) -> PlainSettings:
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
                    from_env[f"llm.{key}"] = name
                break
    if llm:
        data["llm"] = llm
    _check_workspace(data.get("workspace"), path, from_env.get("workspace"))
    # Values that plainly fit (the usual case) are read without pydantic (plain_settings.py);
    # anything else is validated by the models, and a problem is worded below.
    made = read_plainly(data)
    if made is not None:
        return made
    from pydantic import ValidationError

    from roleplay.domain.suggest import did_you_mean
    from roleplay.plain_settings import plain
    from roleplay.settings_models import SECTIONS, Settings

    try:
        return plain(Settings.model_validate(data))
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
                home = [
                    n for n, m in SECTIONS.items() if section is Settings and last in m.model_fields
                ]
                messages.append(
                    f"{path}: unknown setting '{key}'"
                    + (
                        f"; did you mean '{hint}'?"
                        if hint
                        else f"; it belongs in the [{home[0]}] section: put it under a line "
                        f"[{home[0]}]"
                        if home
                        else f" (known: {', '.join(section.model_fields)})"
                    )
                )
            else:
                where = f"{from_env[key]} (environment variable)" if key in from_env else f"{path}"
                messages.append(f"{where}: {key}: {_worded(err, key)}")
        raise ConfigError("\n".join(messages)) from None


def _check_workspace(value: object, path: Path, var: str | None) -> None:
    """`workspace = ""` or a relative path in the config file named the folder roleplay was
    started in, silently: a different workspace in every folder, so the sessions of one were
    missing from the next one's lists ("no sessions yet"). ROLEPLAY_WORKSPACE and --workspace
    may be relative (they are given where they are used); none may be blank."""
    if not isinstance(value, str):
        return  # a wrong type is worded with the other problems
    where = f"{var} (environment variable)" if var else f"{path}"
    if not value.strip():
        raise ConfigError(
            f"{where}: workspace: empty",
            (f"unset {var}" if var else "remove the line")
            + " to use your own workspace in the data folder, or give a folder's full path",
        )
    if var is None and not Path(value).expanduser().is_absolute():
        from roleplay.domain.text import one_line

        raise ConfigError(
            f"{path}: workspace: '{one_line(value)[:200]}' is a relative path, which would name "
            "another folder in every folder you start roleplay from",
            "give its full path, e.g. workspace = "
            f"'{one_line(str(Path(value).resolve()))[:300]}' for the one in this folder",
        )


def _worded(err: Any, key: str) -> str:
    """pydantic's message in the words of the rest of roleplay's: "expected ..., got ..."
    (the value is left out for keys, passwords and URLs, which may hold a secret)."""
    message = str(err["msg"]).removeprefix("Value error, ")
    if not message.startswith("Input should be "):
        return message
    kinds = {"a valid number": "a number", "a valid integer": "a whole number"}
    wanted = message.removeprefix("Input should be ").split(", unable to parse")[0]
    wanted = kinds.get(wanted, wanted)
    secret = any(w in key.lower() for w in ("key", "password", "token", "secret", "url"))
    return f"expected {wanted}" + ("" if secret else f", got {err.get('input')!r}")


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
    settings: AnySettings, option: Path | None = None, cwd: Path | None = None
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


def save_settings(changes: dict[str, object], path: Path | None = None) -> Path:
    """Write `changes` ({"llm.model": "x", "daily_goal_drills": 4, ...}) into the config file,
    keeping the user's comments and layout (tomlkit). None removes a key. The result is
    validated before anything is written, so a bad value never reaches the file."""
    import tomllib

    import tomlkit
    from pydantic import ValidationError

    from roleplay.settings_models import Settings

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
