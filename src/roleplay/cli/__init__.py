"""The command line: `roleplay COMMAND`. Every command that prints a result takes --json."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from roleplay import __version__
from roleplay.cli import render
from roleplay.cli.text_call import run_text_call
from roleplay.config import ConfigError
from roleplay.services.catalog import UnknownScenario
from roleplay.services.ports import SessionNotFound

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    rich_markup_mode=None,
    help="roleplay: practise sales conversations against a simulated customer.",
)
new_app = typer.Typer(help="Write a commented template for a new scenario or rubric.")
app.add_typer(new_app, name="new")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


class State:
    workspace: Path | None = None


def _services() -> Any:
    from roleplay.composition import build

    return build(State.workspace)


def _emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Folder with scenarios/, rubrics/, recordings/."),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Show the version.")] = False,
) -> None:
    """With no command: pick a scenario and practise it."""
    State.workspace = workspace
    if version:
        typer.echo(f"roleplay {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        _pick_and_practise()


def _pick_and_practise() -> None:
    services = _services()
    catalog = services.catalog()
    entries = sorted(
        catalog.scenarios.values(), key=lambda e: (e.scenario.difficulty, e.scenario.title)
    )
    if catalog.problems:
        typer.echo(f"{len(catalog.broken)} file(s) have problems; `roleplay validate` lists them.")
    if not entries:
        raise _fail(f"no usable scenarios in {services.workspace.scenarios}")
    typer.echo(f"Scenarios in {services.workspace.root}:")
    for n, e in enumerate(entries, 1):
        s = e.scenario
        typer.echo(
            f"  {n:>2}. {s.title}  (difficulty {s.difficulty}, {render.clock(s.time_limit)})"
        )
    try:
        choice = input("Pick a number (Enter for 1): ").strip() or "1"
    except (EOFError, KeyboardInterrupt):
        raise typer.Exit() from None
    if not choice.isdigit() or not 1 <= int(choice) <= len(entries):
        raise _fail(f"'{choice}' is not a number from 1 to {len(entries)}")
    _practise(services, entries[int(choice) - 1].scenario.id, None, None, as_json=False)


# --- trainer commands --------------------------------------------------------------------


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders; default: the workspace.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check scenarios and rubrics; report every problem with file, line and key."""
    from roleplay.services.catalog import validate as check

    services = _services()
    ws = services.workspace
    catalog, problems = check(paths or [ws.scenarios, ws.rubrics], [ws.scenarios], [ws.rubrics])
    checked = len(catalog.scenarios) + len(catalog.rubrics) + len(catalog.broken)
    if as_json:
        _emit_json({"ok": not problems, "problems": [p.to_json() for p in problems]})
    else:
        for p in problems:
            typer.echo(str(p))
        files = len({p.file for p in problems})
        typer.echo(
            f"{len(problems)} problem(s) in {files} file(s)"
            if problems
            else f"All good: {len(catalog.scenarios)} scenario(s), "
            f"{len(catalog.rubrics)} rubric(s) checked."
        )
    del checked
    raise typer.Exit(1 if problems else 0)


class SchemaKind(StrEnum):
    scenario = "scenario"
    rubric = "rubric"


@app.command()
def schema(kind: Annotated[SchemaKind, typer.Argument(help="scenario or rubric")]) -> None:
    """Print the JSON Schema of a file format (for editor completion)."""
    from roleplay.domain.rubric import Rubric
    from roleplay.domain.scenario import Scenario

    model = Scenario if kind is SchemaKind.scenario else Rubric
    doc = model.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = f"roleplay {kind.value}"
    _emit_json(doc)


def _new(kind: str, name: str, force: bool) -> None:
    import re
    from importlib import resources

    from roleplay.domain.scenario import SLUG_PATTERN

    ident = name.strip().lower().replace(" ", "-").replace("_", "-")
    if not re.match(SLUG_PATTERN, ident):
        raise _fail(f"'{name}' cannot be an id: use lower-case letters, digits and '-'")
    services = _services()
    folder = services.workspace.scenarios if kind == "scenario" else services.workspace.rubrics
    target = folder / f"{ident}.yaml"
    if target.exists() and not force:
        raise _fail(f"{target} exists; pass --force to overwrite it")
    template = (resources.files("roleplay") / "templates" / f"{kind}.yaml").read_text("utf-8")
    title = ident.replace("-", " ").capitalize()
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(template.replace("__ID__", ident).replace("__TITLE__", title), "utf-8")
    typer.echo(f"Wrote {target}. Edit it, then run: roleplay validate {target}")


@new_app.command("scenario")
def new_scenario(
    name: Annotated[str, typer.Argument(help="Id of the new scenario, e.g. renewal-call")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write scenarios/NAME.yaml from a commented template that validates."""
    _new("scenario", name, force)


@new_app.command("rubric")
def new_rubric(
    name: Annotated[str, typer.Argument(help="Id of the new rubric")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write rubrics/NAME.yaml from a commented template that validates."""
    _new("rubric", name, force)


@app.command()
def scenarios(as_json: JsonOpt = False) -> None:
    """List the scenarios in the workspace (and files with problems)."""
    services = _services()
    catalog = services.catalog()
    entries = sorted(catalog.scenarios.values(), key=lambda e: e.scenario.id)
    if as_json:
        _emit_json(
            {
                "scenarios": [
                    {
                        "id": e.scenario.id,
                        "title": e.scenario.title,
                        "language": e.scenario.language,
                        "difficulty": e.scenario.difficulty,
                        "skills": e.scenario.skills,
                        "time_limit": e.scenario.time_limit,
                        "rubric": e.scenario.rubric,
                        "path": str(e.path),
                    }
                    for e in entries
                ],
                "broken": {str(k): [p.to_json() for p in v] for k, v in catalog.broken.items()},
            }
        )
        return
    for e in entries:
        s = e.scenario
        typer.echo(
            f"{s.id:<32} {s.language:<5} d{s.difficulty} {render.clock(s.time_limit):>5}  {s.title}"
        )
    for path in catalog.broken:
        typer.echo(f"{'(broken)':<32} {path.name}: run `roleplay validate {path}`")


# --- rep commands --------------------------------------------------------------------------


@app.command()
def practice(
    scenario: Annotated[str, typer.Argument(help="Scenario id (see `roleplay scenarios`).")],
    text: Annotated[bool, typer.Option("--text", help="Type your lines (no microphone).")] = False,
    seed: Annotated[int | None, typer.Option(help="Variation seed, to replay a draw.")] = None,
    rep: Annotated[str | None, typer.Option(help="Your name on the session.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Practise a call. The scorecard is printed and saved at the end."""
    # Voice arrives with the speech pipeline; until then every call is typed.
    del text
    _practise(_services(), scenario, seed, rep, as_json=as_json)


def _practise(
    services: Any, scenario: str, seed: int | None, rep: str | None, *, as_json: bool
) -> None:
    try:
        call = services.practice.begin(scenario, services.profile(rep), seed=seed)
    except UnknownScenario as exc:
        raise _fail(str(exc)) from None

    # With --json, stdout carries only the scorecard; the conversation goes to stderr.
    def write(line: str) -> None:
        typer.echo(line, err=as_json)

    def read(prompt: str) -> str:
        if as_json:
            sys.stderr.write(prompt)
            sys.stderr.flush()
            return input()
        return input(prompt)

    run_text_call(call, read, write, offline=services.offline)
    card = services.practice.finish(call)
    if as_json:
        _emit_json(card.model_dump(mode="json"))
        return
    catalog = services.catalog()
    rubric = catalog.rubrics.get(card.rubric)
    typer.echo("\n" + render.scorecard(card, rubric.rubric.title if rubric else None))
    folder = services.store.folder(call.record.id)
    typer.echo(f"\nSaved in {folder}  ·  review with: roleplay show {call.record.id}")


@app.command()
def sessions(as_json: JsonOpt = False) -> None:
    """List saved sessions, newest first (unfinished ones too)."""
    services = _services()
    records = services.store.records()
    scores: dict[str, float | None] = {}
    for r in records:
        card = services.store.scorecard(r.id)
        scores[r.id] = card.overall if card else None
    if as_json:
        _emit_json(
            [
                {
                    **r.model_dump(mode="json"),
                    "status": render.status(r),
                    "duration": render.duration(r),
                    "overall": scores[r.id],
                }
                for r in records
            ]
        )
        return
    typer.echo(render.session_table(records, scores))


@app.command()
def show(
    session: Annotated[str, typer.Argument(help="Session id, a unique prefix, or 'last'.")],
    as_json: JsonOpt = False,
) -> None:
    """Print one session's transcript (and its scorecard when it has one)."""
    services = _services()
    try:
        transcript = services.store.load(session)
    except SessionNotFound as exc:
        raise _fail(str(exc.args[0])) from None
    card = services.store.scorecard(transcript.record.id)
    if as_json:
        _emit_json(
            {
                "session": transcript.record.model_dump(mode="json"),
                "turns": [t.model_dump(mode="json") for t in transcript.turns],
                "scorecard": card.model_dump(mode="json") if card else None,
            }
        )
        return
    typer.echo(render.transcript(transcript))
    if card:
        typer.echo("\n" + render.scorecard(card))


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
