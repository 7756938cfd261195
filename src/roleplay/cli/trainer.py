"""Commands for trainers: validate, schema, new, scenarios."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from roleplay.cli import render
from roleplay.cli.app import FullSummaries, JsonOpt, app, build_services, emit_json, fail
from roleplay.domain.problems import Problem
from roleplay.services.trainer_files import WORKSPACE_IS_A_FILE

if TYPE_CHECKING:
    from roleplay.services.catalog import RubricFile, ScenarioFile

new_app = typer.Typer(
    cls=FullSummaries, help="Write a commented template for a new scenario or rubric."
)
app.add_typer(new_app, name="new")


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders; default: the workspace.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check scenarios and rubrics; report every problem with file, line and key."""
    from roleplay.services.catalog import count_problems
    from roleplay.services.catalog import validate as check

    services = build_services()
    ws = services.workspace
    folders = [ws.scenarios, ws.rubrics]
    not_folders = [] if paths else _not_folders(folders)
    # `roleplay validate ~/repo/scenarios/x.yaml` run elsewhere checked x's rubric against
    # another workspace ("unknown rubric"): the files' own workspace holds what they name.
    home = _own_workspace(paths) if paths and ws.origin != "option" else None
    refs = [home / "scenarios", home / "rubrics"] if home is not None else folders
    catalog, problems = check(paths or [f for f in folders if f.is_dir()], [refs[0]], [refs[1]])
    problems = not_folders + problems
    checked = len(catalog.scenarios) + len(catalog.rubrics) + len(catalog.broken)
    scenarios, rubrics = (
        _checked(catalog.scenarios.values(), paths),
        _checked(catalog.rubrics.values(), paths),
    )
    if as_json:
        emit_json({"ok": not problems, "problems": [p.to_json() for p in problems]})
    else:
        for p in problems:
            typer.echo(str(p))
        files = len({p.file for p in problems})
        typer.echo(
            f"{count_problems(catalog, problems)} problem(s) in {files} file(s)"
            if problems
            else f"All good: {scenarios} scenario(s), {rubrics} rubric(s) checked."
        )
    del checked
    raise typer.Exit(1 if problems else 0)


def _own_workspace(paths: list[Path]) -> Path | None:
    """The one workspace the given files or folders are in (a folder holding scenarios/ or
    rubrics/), or None when they are in none or in several."""
    roots = set()
    for given in paths:
        where = given.resolve()
        if where.parent.name in _TRAINER_FOLDERS and not where.is_dir():
            roots.add(where.parent.parent)
        elif where.name in _TRAINER_FOLDERS:
            roots.add(where.parent)
        elif any((where / name).is_dir() for name in _TRAINER_FOLDERS):
            roots.add(where)
        else:
            return None
    return roots.pop() if len(roots) == 1 else None


_TRAINER_FOLDERS = ("scenarios", "rubrics")


def _checked(files: Iterable[ScenarioFile | RubricFile], paths: list[Path] | None) -> int:
    """How many of the catalog's files were asked about: `validate one.yaml` loads the whole
    workspace to check references, and used to report its totals as the files checked."""
    if not paths:
        return sum(1 for _ in files)
    asked = {p.resolve() for p in paths}
    return sum(
        1
        for f in files
        if (where := f.path.resolve()) in asked or not asked.isdisjoint(where.parents)
    )


def _not_folders(folders: list[Path]) -> list[Problem]:
    """The workspace's scenarios/ or rubrics/ when it is not a folder: a file of that name used
    to be checked as a YAML file ("the file is empty"), a missing one said nothing."""
    from roleplay.services.catalog import display_path

    found = []
    roots = {f.parent for f in folders}
    for root in sorted(r for r in roots if os.path.lexists(r) and not r.is_dir()):
        # `-w /etc/passwd` said "/etc/passwd/scenarios: no such folder" and offered to make it
        found.append(Problem(display_path(root), 0, 0, "(workspace)", *_WORKSPACE_IS_A_FILE))
    for folder in folders:
        what = folder.name.removesuffix("s")
        if folder.is_dir() or (os.path.lexists(folder.parent) and not folder.parent.is_dir()):
            continue
        if os.path.lexists(folder):
            message = "is not a folder (a file, or a link to nothing or to itself)"
            hint = f"move it aside and make a folder {folder.name}/ for the {what} files"
        else:
            message = "no such folder"
            hint = f"`roleplay new {what} NAME` makes it with a first {what} to edit"
        found.append(Problem(display_path(folder), 0, 0, "(folder)", message, hint))
    return found


_WORKSPACE_IS_A_FILE = WORKSPACE_IS_A_FILE


SCHEMA_KINDS = ("scenario", "rubric")


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="scenario or rubric", metavar="scenario|rubric")],
) -> None:
    """Print the JSON Schema of a file format (for editor completion)."""
    from roleplay.domain.rubric import Rubric
    from roleplay.domain.scenario import Scenario
    from roleplay.domain.suggest import did_you_mean

    if kind not in SCHEMA_KINDS:
        close = did_you_mean(kind, list(SCHEMA_KINDS))
        raise fail(
            f"there is no schema for '{kind}': choose scenario or rubric"
            + (f" (did you mean '{close}'?)" if close else "")
            + ", e.g. roleplay schema scenario > scenario.schema.json"
        )
    model = Scenario if kind == "scenario" else Rubric
    doc = model.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = f"roleplay {kind}"
    emit_json(doc)


def _new(kind: str, name: str, force: bool) -> None:

    from roleplay.domain.scenario import ID_MAX, SLUG_PATTERN

    ident = name.strip().lower().replace(" ", "-").replace("_", "-")
    if not re.match(SLUG_PATTERN, ident):
        raise fail(f"'{name}' cannot be an id: use lower-case letters, digits and '-'")
    if len(ident) > ID_MAX:  # past ~250 letters this was a traceback (file name too long)
        raise fail(
            f"'{ident[:ID_MAX]}...' is {len(ident)} letters long: an id has at most {ID_MAX} "
            "(it names the file and every session of it); choose a shorter name"
        )
    services = build_services()
    folder = services.workspace.scenarios if kind == "scenario" else services.workspace.rubrics
    target = folder / f"{ident}.yaml"
    root = services.workspace.root
    if services.workspace.origin == "user-data":
        # Trainers keep scenarios and rubrics in their own folder (a git repo); run outside
        # one, this wrote into roleplay's data folder and only the path said so.
        here = Path.cwd()
        why = "is roleplay's own source" if (here / "scenarios").is_dir() else "has no scenarios/"
        raise fail(
            f"not in a workspace: {here} {why}, and roleplay will not "
            f"write your {kind} into its own data folder ({root}) unasked. Run this in your "
            f"workspace, or name one: `roleplay -w DIR new {kind} {ident}` (`-w .` starts one "
            "here)."
        )
    if os.path.lexists(root) and not root.is_dir():
        message, hint = _WORKSPACE_IS_A_FILE
        raise fail(f"{root}: {message}; {hint}")
    if target.is_symlink() or (os.path.lexists(target) and not target.is_file()):
        # --force wrote through a link (a file elsewhere) or failed on a folder with a traceback
        raise fail(f"{target} is a link or a folder, not a file: move it aside or choose a name")
    if target.exists() and not force:
        raise fail(f"{target} exists; pass --force to overwrite it")
    catalog = services.catalog()
    known = catalog.scenarios if kind == "scenario" else catalog.rubrics
    if ident in known and known[ident].path.name != target.name:
        # a second file with the same id breaks the first one (ids are unique in a workspace)
        raise fail(f"the id '{ident}' is already used by {known[ident].path}; choose another name")
    template = (resources.files("roleplay") / "templates" / f"{kind}.yaml").read_text("utf-8")
    title = ident.replace("-", " ").capitalize()
    note = ""
    if kind == "scenario":
        template, note = _pair_with_rubric(template, catalog.rubrics)
    try:
        # Both folders: a folder with only rubrics/ was no workspace, so `-w . new rubric X`
        # "started one here" and the next command there (`new scenario Y`, `validate`) went
        # to roleplay's own data folder instead.
        for made in (services.workspace.scenarios, services.workspace.rubrics):
            made.mkdir(parents=True, exist_ok=True)
        target.write_text(template.replace("__ID__", ident).replace("__TITLE__", title), "utf-8")
    except OSError as exc:  # scenarios/ is a file, a read-only folder, a full disk
        folders = (services.workspace.scenarios, services.workspace.rubrics)
        odd = next((f for f in folders if f.exists() and not f.is_dir()), None)
        raise fail(
            f"cannot write {target}: {exc.strerror or exc}"
            + (f" ({odd} is not a folder)" if odd is not None else "")
        ) from None
    # Quoted: a workspace path with a space (or a quote) pasted back as printed must work.
    typer.echo(f"Wrote {target}. Edit it, then run: roleplay validate {shlex.quote(str(target))}")
    if note:
        typer.echo(render.safe(note))


_TEMPLATE_RUBRIC = "discovery"  # what templates/scenario.yaml names, its skills and coaching


def _pair_with_rubric(template: str, rubrics: Mapping[str, RubricFile]) -> tuple[str, str]:
    """The scenario template names rubric 'discovery'. A trainer's first hour is `new rubric
    X` then `new scenario Y`, and the pair did not validate ("unknown rubric 'discovery'"):
    when the workspace has no 'discovery', name the newest rubric that fits the template
    (trains its skill, has the criterion its coaching names), or say what to set."""
    if _TEMPLATE_RUBRIC in rubrics:
        return template, ""
    fits = [
        f
        for f in rubrics.values()
        if "discovery-questions" in f.rubric.skills
        and any(c.id == "open-questions" for c in f.rubric.criteria)
    ]
    if not fits:
        known = ", ".join(sorted(rubrics)) or "none yet"
        return template, (
            f"It names rubric '{_TEMPLATE_RUBRIC}', which this workspace does not have "
            f"(rubrics: {known}): set `rubric:` and `skills:` in it, or run "
            f"`roleplay new rubric {_TEMPLATE_RUBRIC}`."
        )
    newest = max(fits, key=lambda f: (f.path.stat().st_mtime_ns, f.rubric.id))
    chosen = newest.rubric.id
    old = f"rubric: {_TEMPLATE_RUBRIC}  "
    paired = template.replace(old, f"rubric: {chosen}".ljust(len(old)), 1)
    return paired, f"Its rubric is '{chosen}' ({newest.path}); change `rubric:` to use another."


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
    services = build_services()
    catalog = services.catalog_summary()  # what is listed: no scenario or rubric model
    entries = sorted(catalog.scenarios.values(), key=lambda e: e.scenario.id)
    if as_json:
        emit_json(
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
                        "drills": [d.id for d in e.scenario.drills],
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
        line = f"{s.id:<32} {s.language:<5} d{s.difficulty} {render.clock(s.time_limit):>5}"
        line += f"  {s.title}"
        typer.echo(render.safe(line))  # trainers' text: no control characters at a terminal
        if s.drills:  # what `practice SCENARIO --drill ID` accepts
            typer.echo(render.safe(f"{'':<32} drills: {', '.join(d.id for d in s.drills)}"))
    for path in catalog.broken:
        line = f"{'(broken)':<32} {path.name}: run `roleplay validate {shlex.quote(str(path))}`"
        typer.echo(render.safe(line.replace("\n", " ")))  # a name from a trainer's repo
    if not entries and not catalog.broken:  # said nothing at all, and exited 0
        folder = services.workspace.scenarios
        problems = _not_folders([folder])
        for problem in problems:
            typer.echo(render.safe(str(problem)))
        if not any(p.path == "(workspace)" for p in problems):  # no folder to write one in
            typer.echo(
                render.safe(
                    f"No scenarios in {folder}: write one with `roleplay new scenario NAME`"
                )
            )
