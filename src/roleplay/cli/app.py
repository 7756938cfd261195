"""The typer application and what every command shares."""

from __future__ import annotations

import gc
import importlib
import inspect
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import typer
from typer.core import TyperGroup

from roleplay.errors import RoleplayError, disk_problem

if TYPE_CHECKING:
    from roleplay.composition import Services


# Every command: the module (under roleplay.cli) that registers it, and its summary for
# `--help` (the first paragraph of its help). A command's module is imported only when that
# command runs, so a command pays for its own imports only, and `--help` imports none.
# tests/test_cli_loading.py fails when a command is missing here or its summary drifted.
COMMANDS: dict[str, tuple[str, str]] = {
    "call-drills": (
        "call_drills",
        "The weakest moments of a scored real call; with --make, drills that open with the "
        "customer's own words and join the queue for the weak skill.",
    ),
    "doctor": (
        "doctor",
        "Check the config, audio devices, the speech model and the LLM; say what to fix.",
    ),
    "today": (
        "habit",
        "Today's queue: the skills due, the drill for each, your streak and daily goal.",
    ),
    "progress": (
        "habit",
        "Progress over time: rubric levels and retrievability per skill, KPIs, commitments kept.",
    ),
    "commit": (
        "habit",
        "Commit to one behaviour for next time (what `practice` offers after the scorecard).",
    ),
    "practice": (
        "practice",
        "Practise a call, by voice when there is a microphone (or --audio-in), else typed.",
    ),
    "sessions": (
        "sessions",
        "List saved sessions, newest first (unfinished ones too, and damaged ones with why).",
    ),
    "show": (
        "sessions",
        "Print one session's transcript (and its scorecard when it has one).",
    ),
    "score": (
        "scoring",
        "Re-score a saved session, or score an outside conversation against a rubric.",
    ),
    "calibrate": (
        "scoring",
        "How well does the judge agree with trainers? Without a rubric: runs the judge on the"
        " gold calls (strong, mixed, poor, paraphrased, gamed, instructed) and shows per "
        "criterion exact and within-one agreement, quadratic-weighted kappa with a 95% "
        "interval, and bias; and across calls ranking accuracy, the paraphrase drop and the "
        "gaming gain. With a rubric: compares the judge's scorecards with human levels "
        "(--human CSV and reviewers' overrides).",
    ),
    "reindex": (
        "team",
        "Rebuild the index from the recordings folder (safe to run any time; idempotent).",
    ),
    "export": (
        "team",
        "One session as a document: HTML (one self-contained file), Markdown or JSON.",
    ),
    "report": (
        "team",
        "The team's practice, real calls and business outcomes over time, with the team view "
        "and honest statistics: written to a file (HTML plots, CSV/JSON data), summed up here.",
    ),
    "purge": (
        "team",
        "Delete old audio (and transcripts), keeping every score. Shows what goes first.",
    ),
    "test": (
        "testing",
        "Run the scenarios' conversation tests against the customer; exit 1 below --min-pass.",
    ),
    "validate": (
        "trainer",
        "Check scenarios and rubrics; report every problem with file, line and key.",
    ),
    "schema": (
        "trainer",
        "Print the JSON Schema of a file format (for editor completion).",
    ),
    "scenarios": (
        "trainer",
        "List the scenarios in the workspace (and files with problems).",
    ),
    "devices": (
        "voice",
        "List sound devices (microphones and speakers) and which are the defaults.",
    ),
    "transcribe": (
        "voice",
        "Transcribe recordings, with segment and word times (--json); --speakers says who speaks.",
    ),
    "review": (
        "team",
        "Review sessions across reps: list, show, comment, override, play.",
    ),
    "team": (
        "team_roles",
        "People on a shared team index and their roles (rep, trainer, admin).",
    ),
    "new": (
        "trainer",
        "Write a commented template for a new scenario or rubric.",
    ),
    "assign": (
        "assignments",
        "Assign a scenario or drill to a rep or the team, by a date or at a cadence.",
    ),
    "assignments": (
        "assignments",
        "What trainers assigned: list, change, withdraw.",
    ),
    "outcomes": (
        "assignments",
        "Business outcomes (hard KPIs) per rep and period.",
    ),
}


class FullSummaries(TyperGroup):
    """A group of commands whose --help lists each command with its whole summary (its help's
    first paragraph), wrapped to the terminal: click cut it with "..." at the width left on
    the line ("Write scenarios/NAME.yaml from a commented template that..."). The root and
    the groups `review`, `team` and `new` (cli/render.py) list their commands so."""

    def summary(self, ctx: Any, name: str) -> str | None:
        """`name`'s line in the list; None: not listed (hidden)."""
        command = self.get_command(ctx, name)
        if command is None or command.hidden:
            return None
        text = command.short_help or inspect.cleandoc(command.help or "")
        return " ".join(text.split("\n\n")[0].split())

    # Any: typer vendors its own click, whose types it does not export.
    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            text = self.summary(ctx, name)
            if text is not None:
                rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class Commands(FullSummaries):
    """Every command: damaged recordings, unknown sessions and disk trouble end as one
    `error:` line and exit code 2, never a traceback. Every write is atomic or appended and
    fsynced, so what was saved before the failure stays intact. `--help` lists each command
    with its whole summary (its help's first paragraph), wrapped to the terminal, where click
    would cut it with "..." at about 45 characters. Commands load on first use (COMMANDS)."""

    def list_commands(self, ctx: Any) -> list[str]:
        loaded = super().list_commands(ctx)
        return list(COMMANDS) + [name for name in loaded if name not in COMMANDS]

    def get_command(self, ctx: Any, name: str) -> Any:
        command = super().get_command(ctx, name)
        if command is None and name in COMMANDS:
            importlib.import_module(f"roleplay.cli.{COMMANDS[name][0]}")  # registers on `app`
            settle()
            command = _made(name)
            if command is not None:
                self.commands[name] = command
        return command

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        State.args = list(args)  # as given: a command that stops can print it again, completed
        return list(super().parse_args(ctx, args))

    def invoke(self, ctx: Any) -> Any:  # a click Context (typer vendors its own click)
        try:
            return super().invoke(ctx)
        except RoleplayError as exc:  # a broken recording, an unknown session, no index...
            raise fail(str(exc)) from None
        except ValueError as exc:  # UnicodeEncodeError, pydantic's ValidationError
            if not _not_utf8(exc):
                raise
            raise fail(NOT_UTF8) from None
        except OSError as exc:
            problem = disk_problem(exc)
            if problem is None:
                raise
            if exc.filename is None and _output_refused(exc):  # `roleplay sessions > /dev/full`
                raise fail(
                    f"cannot write this command's output to where it is sent ({exc.strerror}); "
                    "send it to a file or disk with room, or run it without the redirection. "
                    "Nothing in roleplay's own files was lost."
                ) from None
            what, hint = problem
            raise fail(f"{what}; {hint}. Everything saved before is intact.") from None
        finally:
            close_services()

    def summary(self, ctx: Any, name: str) -> str | None:
        if name not in self.commands:  # not loaded: the table's summary (loaded ones say theirs)
            return COMMANDS[name][1]
        return super().summary(ctx, name)


def _output_refused(exc: OSError) -> bool:
    """Whether it was the command's output (standard output, written by click's echo) that
    refused the write, not one of roleplay's files: `roleplay sessions > /dev/full`."""
    import traceback

    for frame, _ in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_name != "echo" or frame.f_locals.get("err"):
            continue
        try:
            return bool(frame.f_locals["file"].fileno() == 1)  # the process's standard output
        except (AttributeError, KeyError, OSError, ValueError):
            continue
    return False


NOT_UTF8 = (
    "what you typed holds a byte that is not UTF-8 text (is the terminal set to another "
    "encoding?); type it again in a UTF-8 terminal"
)


def _not_utf8(exc: ValueError) -> bool:
    """A text argument or piped line with a byte that is not UTF-8 reaches Python as a lone
    surrogate, which no file, index or terminal takes: `review comment`, `assign --note`
    ended in a traceback."""
    if isinstance(exc, UnicodeEncodeError):
        return "surrogates" in exc.reason
    errors = getattr(exc, "errors", None)
    if type(exc).__name__ != "ValidationError" or not callable(errors):
        return False
    found = errors()
    return bool(found) and all(e.get("type") == "string_unicode" for e in found)


def _made(name: str) -> Any:
    """The click command typer makes of what is registered on `app` as `name`. Only that
    one: typer's whole group would also make the root's options and every other command of
    the module again, reading each one's signature and annotations (~3 ms of a command)."""
    for info in app.registered_commands:
        callback = info.callback
        if (
            callback is not None
            and (info.name or typer.main.get_command_name(callback.__name__)) == name
        ):
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    return typer.main.get_group(app).commands.get(name)  # a group of commands (add_typer)


app = typer.Typer(
    cls=Commands,
    context_settings={"max_content_width": 120},  # wide terminals get one line per command
    add_completion=False,
    no_args_is_help=False,
    rich_markup_mode=None,
    help="roleplay: practise sales conversations against a simulated customer.",
)


def settle() -> None:
    """Once the command's code is loaded: collections resume (cli/start.py held them off
    while the process started), and what was loaded so far, which stays for the whole
    process, is set aside for good so that no collection scans it again."""
    if not gc.isenabled():  # as the program; a test's process keeps its collector as it is
        gc.freeze()
        gc.enable()


JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


class State:
    workspace: Path | None = None
    args: list[str] | None = None  # the command line after the program's name
    built: ClassVar[list[Services]] = []  # closed when the command ends (close_services)


def build_services(*, offline: bool = False, progress: bool = True) -> Services:
    """`progress`: tell a person at the terminal how a long index catch-up goes. Closed
    when the command ends (Commands.invoke), not left to the garbage collector."""
    from roleplay.composition import build

    told = _progress if progress and sys.stderr.isatty() else None
    services = build(State.workspace, offline=offline, progress=told, notice=_notice)
    State.built.append(services)
    return services


def close_services() -> None:
    """Close what this command built: the index connections end here, explicitly."""
    while State.built:
        State.built.pop().close()


def _notice(message: str) -> None:
    """What is wrong with the index and what is done about it: said once, on stderr, so a
    command's output (a list, JSON) stays as it is."""
    typer.echo(f"note: {message}", err=True)


_PROGRESS = {
    "indexing": "indexing {total:,} sessions the index has not seen yet: {done:,}/{total:,}",
    "scheduling": "updating your practice schedule from {total:,} sessions: {done:,}/{total:,}",
    "team pace": "starting your schedule from your team's pace ({total:,} of their sessions): "
    "{done:,}/{total:,}",
}


def _progress(what: str, done: int, total: int) -> None:
    line = "\r" + _PROGRESS[what].format(done=done, total=total)
    typer.echo(line, err=True, nl=done >= total)


def emit_json(data: Any, redact: Callable[[str], str] | None = None) -> None:
    """`data` as JSON on stdout; `redact` cleans the text (before JSON escapes it)."""
    if redact is not None:
        data = json.loads(json.dumps(data, default=str), object_hook=None)
        data = _walk(data, redact)
    from roleplay.domain.text import json_terminal_safe

    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    typer.echo(json_terminal_safe(text))  # lossless; no raw C1 control reaches a terminal


def _walk(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_walk(v, redact) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, redact) for k, v in value.items()}
    return value


def rep_option(value: str | None) -> str | None:
    """A name given with --rep, checked as the config file's is (one line, not blank)."""
    if value is None:
        return None
    from roleplay.domain.rep_name import rep_name_problem

    problem = rep_name_problem(value)
    if problem is not None:
        raise typer.BadParameter(problem)
    return value.strip()


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print `error: message` to stderr; raise the returned Exit."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)
