"""Commands for trainers and team leads: the index, reviews, exports, reports, retention."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from roleplay.cli import team_render
from roleplay.cli.app import (
    FullSummaries,
    JsonOpt,
    app,
    build_services,
    emit_json,
    fail,
    rep_option,
)
from roleplay.domain.history import SessionFilter
from roleplay.domain.periods import PeriodError, parse_age, parse_since
from roleplay.domain.roles import NotAllowed
from roleplay.services.export import OutputError, write_document
from roleplay.services.ports import BrokenRecording, IndexUnavailable, SessionNotFound
from roleplay.services.redaction import redact_all
from roleplay.services.review import ReviewError

if TYPE_CHECKING:
    from roleplay.composition import Services

review_app = typer.Typer(
    cls=FullSummaries,
    help="Review sessions across reps: list, show, comment, override, play.",
)
app.add_typer(review_app, name="review")

SessionArg = Annotated[str, typer.Argument(help="Session id, a unique prefix, or 'last'.")]
# A name is checked as the config file's is (one line), then against the index's reps.
RepOpt = Annotated[str | None, typer.Option(help="Only this rep.", callback=rep_option)]
AUTHOR_HELP = (
    "Your name (default: rep in config). On a shared team index you always write as your "
    "database login; another name is refused."
)


@contextmanager
def _errors() -> Iterator[None]:
    """Known failures become one clear line on stderr and exit code 2."""
    try:
        yield
    except (IndexUnavailable, ReviewError, BrokenRecording, NotAllowed) as exc:
        raise fail(str(exc)) from None
    except SessionNotFound as exc:
        raise fail(str(exc.args[0])) from None
    except PeriodError as exc:
        raise fail(str(exc)) from None


def _since(text: str | None, services: Services) -> datetime | None:
    return parse_since(text, services.practice.clock.now()) if text else None


class _Bar:
    """A progress bar on stderr, created once the total is known."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = typer.progressbar(length=total, label=self.label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def _write(
    text: str,
    output: Path | None,
    services: Services,
    force: bool = False,
    example: str = "session.html",
) -> None:
    """To stdout (no -o, or -o -), or to a new file only its owner can read."""
    if output is None or str(output) == "-":
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        write_document(
            text, output, recordings=services.workspace.recordings, force=force, example=example
        )
    except OutputError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Wrote {output}", err=True)


# --- the index ------------------------------------------------------------------------------


@app.command()
def reindex(as_json: JsonOpt = False) -> None:
    """Rebuild the index from the recordings folder (safe to run any time; idempotent)."""
    services = build_services()
    bar = _Bar("Indexing sessions")
    with _errors():
        try:
            done = services.indexer.rebuild(progress=bar)
        finally:
            bar.close()
    if as_json:
        emit_json(
            {
                "indexed": done.indexed,
                "removed": done.removed,
                "seconds": round(done.seconds, 3),
                "database": done.database,
                "problems": list(done.problems),
            }
        )
    else:
        typer.echo(
            f"Indexed {done.indexed} folder(s) from {services.workspace.recordings} into "
            f"{done.database} in {done.seconds:.1f} s"
            + (f"; removed {done.removed} that are gone" if done.removed else "")
        )
        for p in done.problems:
            typer.echo(f"  skipped: {p}")
    if done.problems:
        raise typer.Exit(1)


# --- review ---------------------------------------------------------------------------------


@review_app.command("list")
def review_list(
    rep: RepOpt = None,
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    scenario: Annotated[str | None, typer.Option(help="Only this scenario id.")] = None,
    skill: Annotated[str | None, typer.Option(help="Only sessions scoring this skill.")] = None,
    since: Annotated[str | None, typer.Option(help="From: an age (30d, 2w) or a date.")] = None,
    until: Annotated[str | None, typer.Option(help="Before: an age or a date.")] = None,
    min_score: Annotated[float | None, typer.Option(help="Overall score at least.")] = None,
    max_score: Annotated[float | None, typer.Option(help="Overall score at most.")] = None,
    unreviewed: Annotated[bool, typer.Option(help="Only sessions not yet reviewed.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List sessions across reps, newest first."""
    services = build_services()
    with _errors():
        if rep is not None:  # a misspelt name: said, with the close ones (not an empty list)
            services.assignments().check_rep(rep)
        if team is not None:
            services.assignments().check_team(team)
        where = SessionFilter(
            rep=rep,
            team=team,
            scenario=scenario,
            skill=skill,
            since=_since(since, services),
            until=_since(until, services),
            min_score=min_score,
            max_score=max_score,
            reviewed=False if unreviewed else None,
        )
        rows = services.reviews.find(where, limit=limit)
    if as_json:
        emit_json([team_render.summary_json(r) for r in rows])
    else:
        typer.echo(team_render.session_list(rows))


@review_app.command("show")
def review_show(session: SessionArg, as_json: JsonOpt = False) -> None:
    """A session's transcript with its scorecard, reviewers' levels and comments."""
    services = build_services()
    with _errors():
        if as_json:
            typer.echo(services.reviews.export(session, "json"))
            return
        # Redacted before rendering too: a wrapped line splits a long key where the redaction
        # of the rendered text no longer finds it.
        view = redact_all(services.reviews.open(session), services.secrets())
        typer.echo(services.reviews.redact(team_render.review(view)))


@review_app.command("comment")
def review_comment(
    session: SessionArg,
    text: Annotated[str, typer.Argument(help="The comment.")],
    turn: Annotated[
        int | None, typer.Option(help="Pin it to this turn (see `review show`).")
    ] = None,
    author: Annotated[str | None, typer.Option(help=AUTHOR_HELP)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Leave a comment on a session, pinned to a turn or on the whole call."""
    services = build_services()
    with _errors():
        comment = services.reviews.comment(session, text, turn=turn, author=author)
    _saved(services, comment.model_dump(mode="json"), as_json, "Comment saved.")


@review_app.command("override")
def review_override(
    session: SessionArg,
    criterion: Annotated[str, typer.Argument(help="Criterion id (see `review show`).")],
    level: Annotated[int, typer.Argument(help="Your level, 1-5.")],
    reason: Annotated[str, typer.Option(help="Why: what in the call justifies this level.")],
    author: Annotated[str | None, typer.Option(help=AUTHOR_HELP)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Set a reviewer's level for a criterion, beside the judge's (which is kept)."""
    services = build_services()
    with _errors():
        override = services.reviews.override(session, criterion, level, reason, author=author)
    _saved(
        services,
        override.model_dump(mode="json"),
        as_json,
        f"Level {level} for {criterion} saved beside the judge's.",
    )


@review_app.command("done")
def review_done(
    session: SessionArg,
    undo: Annotated[bool, typer.Option("--undo", help="Mark it not reviewed again.")] = False,
    author: Annotated[str | None, typer.Option(help=AUTHOR_HELP)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Mark a session reviewed."""
    services = build_services()
    with _errors():
        mark = services.reviews.mark_reviewed(session, reviewed=not undo, author=author)
    _saved(
        services,
        {
            "reviewed": mark.model_dump(mode="json") if mark.reviewed else None,
            "mark": mark.model_dump(mode="json"),
        },
        as_json,
        "Marked reviewed." if mark.reviewed else "Marked not reviewed (your mark is withdrawn).",
    )


def _saved(services: Services, data: dict[str, Any], as_json: bool, message: str) -> None:
    pending = services.indexer.problem
    if as_json:
        emit_json({**data, "indexed": pending is None})
        return
    typer.echo(message)
    note = services.indexer.note()  # what is wrong with the index, as it is (read-only...)
    if note is not None:
        typer.echo(note, err=True)


@review_app.command("play")
def review_play(
    session: SessionArg,
    turn: Annotated[int, typer.Argument(help="Turn number (see `review show`).")],
    as_json: JsonOpt = False,
) -> None:
    """Play one turn's audio (or print where the file is when there is no speaker)."""
    services = build_services()
    with _errors():
        playback = services.reviews.play(session, turn)
    if as_json:
        emit_json(
            {"path": str(playback.path), "played": playback.played, "reason": playback.reason}
        )
    elif playback.played:
        typer.echo(f"Played {playback.path}")
    else:
        typer.echo(f"{playback.path}\n(not played: {playback.reason})")


# --- export and report ------------------------------------------------------------------------


class ExportFormat(StrEnum):
    html = "html"
    md = "md"
    json = "json"


class ReportFormat(StrEnum):
    html = "html"
    csv = "csv"
    json = "json"


OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this new file; - or none: standard output."),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace the --output file when it already exists.")
]


@app.command()
def export(
    session: SessionArg,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.html,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """One session as a document: HTML (one self-contained file), Markdown or JSON."""
    services = build_services()
    with _errors():
        text = services.reviews.export(session, fmt.value)
    _write(text, output, services, force, example=f"session.{fmt.value}")


@app.command()
def report(
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    rep: RepOpt = None,
    since: Annotated[str, typer.Option(help="From: an age (30d, 12w) or a date.")] = "30d",
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.html,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this new file. Default: on a terminal, roleplay-report-DATE.FORMAT "
            "here and a summary on screen; piped, standard output. - : standard output.",
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """The team's practice, real calls and business outcomes over time, with the team view
    and honest statistics: written to a file (HTML plots, CSV/JSON data), summed up here."""
    services = build_services()
    with _errors():
        if rep is not None:  # a misspelt name: said, with the close ones (not an empty report)
            services.assignments().check_rep(rep)
        if team is not None:
            services.assignments().check_team(team)
        start = _since(since, services)
        assert start is not None
        built = services.reports.build(
            since=start, team=team, rep=rep, detail=fmt != ReportFormat.html
        )
        text = services.reports.render(built, fmt.value)
    terminal = sys.stdout.isatty()
    if (output is not None and str(output) == "-") or (output is None and not terminal):
        _write(text, None, services, force)  # piped or asked for: the document itself
        return
    # Never ~100 KB of SVG into a terminal: a file, and a few lines saying what is in it.
    path = output or _report_path(services, fmt.value)
    _write(text, path, services, force, example=f"roleplay-report.{fmt.value}")
    if terminal:
        typer.echo(services.reports.summary(built))
        typer.echo(f"Report: {path} ({len(text.encode()) // 1024 + 1} KB)")


def _report_path(services: Services, fmt: str) -> Path:
    """A new file in the current folder: roleplay-report-2026-01-31.html, then -2, -3..."""
    day = services.practice.clock.now().date().isoformat()
    path = Path(f"roleplay-report-{day}.{fmt}")
    n = 2
    while path.exists():
        path = Path(f"roleplay-report-{day}-{n}.{fmt}")
        n += 1
    return path


# --- retention --------------------------------------------------------------------------------


@app.command()
def purge(
    older_than: Annotated[str, typer.Option(help="Sessions started longer ago: 90d, 12w...")],
    audio_only: Annotated[
        bool, typer.Option("--audio-only", help="Delete the audio, keep the transcripts.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Delete old audio (and transcripts), keeping every score. Shows what goes first."""
    services = build_services()
    with _errors():
        plan = services.purger.plan(parse_age(older_than), audio_only=audio_only)
    for problem in plan.problems:
        typer.echo(f"skipped: {problem}", err=True)
    what = "audio" if audio_only else "audio and transcripts"
    listing = [
        {
            "session": i.session,
            "rep": i.rep,
            "started_at": i.started_at.isoformat(),
            "files": [str(p) for p, _ in i.files],
            "bytes": i.bytes,
        }
        for i in plan.items
    ]
    if not plan.items:
        if as_json:
            emit_json({"purged": 0, "sessions": []})
        else:
            typer.echo(f"Nothing to delete: no {what} older than {older_than}.")
        return
    if not as_json or not yes:
        out: Callable[..., None] = (lambda m: typer.echo(m, err=True)) if as_json else typer.echo
        out(
            f"Will delete the {what} of {len(plan.items)} session(s) started before "
            f"{plan.cutoff:%Y-%m-%d %H:%M} UTC: {plan.files} file(s), {_size(plan.bytes)}. "
            "Scores, scorecards and reviews stay."
        )
        for i in plan.items:
            out(f"  {i.session}  {i.rep}  {len(i.files)} file(s), {_size(i.bytes)}")
    if not yes and not typer.confirm("Delete them?", default=False, err=True):
        raise fail("nothing deleted", code=1)
    bar = _Bar("Purging")
    with _errors():
        try:
            count = services.purger.purge(plan, progress=bar)
        finally:
            bar.close()
    if as_json:
        emit_json({"purged": count, "sessions": listing})
    else:
        typer.echo(f"Deleted the {what} of {count} session(s).")


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"
