"""One session as a document to share: JSON (data), Markdown (text), HTML (one self-contained
file: inline CSS and SVG charts, no script, nothing fetched).

Every text of the session is redacted before it is escaped for its format (a secret escaped as
`sk\\_...` or `&lt;` would no longer match), so a secret (API key, database password) can never
land in one, even if it was typed into a call. Markdown and HTML also lose control characters.

`write_document` puts an export where the user asked, and nowhere it could do harm: never over an
existing file without `force`, never into a session folder, `-` for standard output.
"""

from __future__ import annotations

import errno
import json
import os
import re
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from roleplay import __version__
from roleplay.atomic import write_atomic
from roleplay.domain import text as txt
from roleplay.domain.call_origin import real_call as real_call  # `show` imports it from there
from roleplay.domain.highlight import Span, spans
from roleplay.domain.kpis import numbers, said_over
from roleplay.errors import RoleplayError

if TYPE_CHECKING:  # `show` words a real call with `real_call` and loads none of these
    from roleplay.domain.history import SessionView
    from roleplay.domain.scorecard import CriterionScore
    from roleplay.domain.session import Turn
    from roleplay.services.ports import Charts, Templates

Format = Literal["html", "md", "json"]
MIN_SECRET = txt.MIN_SECRET
T = TypeVar("T")


def redact(text: str, secrets: Sequence[str]) -> str:
    """Every known secret and every credential-shaped part of a URL replaced by ***."""
    return txt.redact(text, list(secrets))


def export(
    view: SessionView,
    fmt: Format,
    secrets: Sequence[str] = (),
    *,
    charts: Charts,
    templates: Templates,
) -> str:
    from roleplay.services.redaction import redact_all

    view = redact_all(view, secrets)  # before any escaping (see the module's docstring)
    if fmt == "json":
        text = json.dumps(redact_all(document(view), secrets), indent=2, ensure_ascii=False)
        text = txt.json_terminal_safe(text)
    elif fmt == "md":
        text = markdown(view)
    else:
        # Markup is escaped by the template; control characters are not (ESC, BEL of an OSC 52
        # in a rep's line would reach a terminal that shows the page: -o -, `cat call.html`).
        text = txt.printable(html(view, charts, templates))
    return redact(text, secrets)  # and once more over the whole: belt and braces


def document(view: SessionView) -> dict[str, Any]:
    human = view.human_levels()
    return {
        "format": 1,
        "exported_by": f"roleplay {__version__}",
        "session": view.record.model_dump(mode="json"),
        "turns": [
            {**t.model_dump(mode="json"), "audio": view.audio.get(t.index)} for t in view.turns
        ],
        "scorecard": view.scorecard.model_dump(mode="json") if view.scorecard else None,
        "human_levels": {k: o.level for k, o in human.items()},
        # Every tracked KPI (domain/kpis.py) by its key, as reports and progress name it.
        "numbers": {kpi.key: value for kpi, value in numbers(view.scorecard.kpis)}
        if view.scorecard
        else {},
        "review": {
            "comments": [c.model_dump(mode="json") for c in view.comments],
            "overrides": [o.model_dump(mode="json") for o in view.overrides],
            "reviewed": [m.model_dump(mode="json") for m in view.reviewed],
            "marks": [m.model_dump(mode="json") for m in view.marks],
            "history": [
                {"at": e.at.isoformat(), "author": e.author, "what": e.what} for e in view.history()
            ],
        },
        "retention": view.retention.model_dump(mode="json"),
    }


# --- shared by Markdown and HTML -------------------------------------------------------------


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = max(0, round(seconds))
    return f"{s // 60}:{s % 60:02d}"


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC" if at else "-"


def _evidence(view: SessionView) -> dict[int, list[tuple[str, str]]]:
    """Turn index -> [(quote, criterion name)] from the scorecard's evidence."""
    out: dict[int, list[tuple[str, str]]] = {}
    for c in view.scorecard.criteria if view.scorecard else ():
        for e in c.evidence:
            if e.quote:
                out.setdefault(e.turn, []).append((e.quote, c.name))
    return out


def _status(view: SessionView) -> str:
    r = view.record
    if r.ended_at is None:
        return "unfinished"
    return r.outcome or "ended"


def _verdict(view: SessionView) -> str:
    card = view.scorecard
    if card is None:
        return "not scored"
    if card.overall is None:
        return "no criterion could be scored"
    return f"{card.overall:.1f} / 5 · {'PASS' if card.passed else 'NOT YET'}"


def _purge_notes(view: SessionView) -> list[str]:
    r = view.retention
    notes = []
    if r.transcript_purged_at:
        notes.append(
            "The transcript and the evidence quotes were deleted on "
            f"{_when(r.transcript_purged_at)} by the retention policy; the scores remain."
        )
    if r.audio_purged_at:
        notes.append(f"The audio was deleted on {_when(r.audio_purged_at)}.")
    return notes


# --- Markdown ------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Escape what Markdown would otherwise read as formatting or HTML; drop control
    characters (a terminal showing the file would obey them)."""
    text = txt.printable(text)
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def _md_spans(parts: list[Span]) -> str:
    """A turn with its evidence in bold. The space between a quote and the words around it
    stays, outside the `**` (Markdown reads `** text**` as no emphasis at all)."""
    out = []
    for p in parts:
        inner = _md(p.text)
        lead = " " if p.text[:1].isspace() else ""
        trail = " " if p.text[-1:].isspace() and inner else ""
        out.append(lead + (f"**{inner}**" if p.labels and inner else inner) + trail)
    return re.sub(" {2,}", " ", "".join(out)).strip()


def markdown(view: SessionView) -> str:
    r = view.record
    card = view.scorecard
    human = view.human_levels()
    lines = [
        f"# {_md(r.scenario.title or r.scenario.id)}",
        "",
        f"- Session: `{r.id}`",
        f"- Rep: {_md(r.rep)}" + (f" · team {_md(r.team)}" if r.team else ""),
        *([f"- Kind: {_md(note)}"] if (note := real_call(r)) else []),
        f"- {'Scored' if note else 'Started'}: {_when(r.started_at)} · {_status(view)}",
        f"- Score: {_verdict(view)}"
        + (
            f" · judge: {_md(card.judge)}{' (approximate)' if card.approximate else ''}"
            if card
            else ""
        ),
        "- Reviewed: "
        + (", ".join(f"{_md(m.author)} ({_when(m.at)})" for m in view.reviewed) or "not yet"),
    ]
    lines += [f"\n> {n}" for n in _purge_notes(view)]
    if card:
        lines += [
            "",
            "## Scorecard",
            "",
            "| Criterion | Judge | Reviewer | Evidence |",
            "|---|---|---|---|",
        ]
        for c in card.criteria:
            o = human.get(c.id)
            reviewer = f"{o.level} ({_md(o.reason)} — {_md(o.author)})" if o else ""
            quotes = "; ".join(f"“{_md(e.quote)}” (turn {e.turn})" for e in c.evidence if e.quote)
            level = "-" if c.level is None else str(c.level)
            lines.append(f"| {_md(c.name)} | {level} | {reviewer} | {quotes} |")
        lines += ["", "## Numbers", ""]
        lines += [f"- {kpi.label}: {kpi.text(value)}" for kpi, value in numbers(card.kpis)]
    general = view.comments_on(None)
    if general:
        lines += ["", "## Comments", ""]
        lines += [f"- **{_md(c.author)}** ({_when(c.at)}): {_md(c.text)}" for c in general]
    lines += ["", "## Transcript", ""]
    evidence = _evidence(view)
    for t in view.turns:
        text = _md_spans(spans(t.text, evidence.get(t.index, [])))
        under = "↳ " if said_over(t) else ""  # "Right." inside the other's sentence
        lines.append(f"{under}**[{_clock(t.start)}] {_who(t)} (turn {t.index}):** {text}")
        lines += [f"> 💬 {_md(c.author)}: {_md(c.text)}" for c in view.comments_on(t.index)]
        lines.append("")
    if not view.turns:
        lines.append("_No transcript._")
    if view.history():
        lines += ["", "## Review history", ""]
        lines += [f"- {_when(e.at)} · {_md(e.author)}: {_md(e.what)}" for e in view.history()]
    lines += ["", f"_Exported by roleplay {__version__}._", ""]
    return txt.printable("\n".join(lines))


def _who(t: Turn) -> str:
    """Who said a turn: Rep (over the customer) for a "Right." inside the other's sentence."""
    over = said_over(t)
    who = "Rep" if t.speaker == "rep" else "Customer"
    return f"{who} (over {over})" if over else who


# --- HTML ------------------------------------------------------------------------------------


def html(view: SessionView, charts: Charts, templates: Templates) -> str:
    card = view.scorecard
    human = view.human_levels()
    evidence = _evidence(view)
    criteria: list[dict[str, Any]] = []
    for c in card.criteria if card else ():
        criteria.append({"c": c, "human": human.get(c.id), "quotes": _quotes(c)})
    level_rows = [
        (c.name, c.level, human[c.id].level if c.id in human else None)
        for c in (card.criteria if card else ())
    ]
    return templates.render(
        "session.html.j2",
        view=view,
        record=view.record,
        card=card,
        criteria=criteria,
        turns=[
            {
                "t": t,
                "who": _who(t),
                "clock": _clock(t.start),
                "spans": spans(t.text, evidence.get(t.index, [])),
                "comments": view.comments_on(t.index),
            }
            for t in view.turns
        ],
        general=view.comments_on(None),
        status=_status(view),
        verdict=_verdict(view),
        notes=_purge_notes(view),
        started=_when(view.record.started_at),
        real_call=real_call(view.record),
        when=_when,
        numbers=[(kpi.label, kpi.text(value)) for kpi, value in numbers(card.kpis)] if card else [],
        level_chart=charts.levels(level_rows) if level_rows else None,
        kpi_chart=charts.kpis(card.kpis, view.turns) if card else None,
        version=__version__,
    )


def _quotes(c: CriterionScore) -> list[dict[str, Any]]:
    return [{"quote": e.quote, "turn": e.turn} for e in c.evidence]


# --- writing an export or a report to a file ------------------------------------------------


class OutputError(RoleplayError, ValueError):
    """An export or report cannot be written where asked; the message says what to do."""


def write_document(
    text: str, output: Path, *, recordings: Path, force: bool = False, example: str = "session.html"
) -> None:
    """Write `text` to `output`, readable by its owner only (exports hold people's words).

    Refuses, with one line saying what to do: a folder, a missing folder, a place inside the
    recordings folder (the sessions' own files), and an existing file unless `force`. `example`
    is the file name suggested when `output` is a folder (it follows the format asked for)."""
    shown = str(output)
    if output.is_dir():
        raise OutputError(f"{shown} is a folder; name a file in it, e.g. {output / example}")
    parent = output.parent
    if not parent.is_dir():
        raise OutputError(f"the folder {parent} does not exist; create it or write elsewhere")
    if _inside(parent.resolve(), recordings.resolve()):
        raise OutputError(
            f"{shown} is inside the recordings folder {recordings}, which holds the sessions "
            "themselves; write the export somewhere else"
        )
    if (output.exists() or output.is_symlink()) and not force:
        raise OutputError(f"{shown} already exists; add --force to replace it")
    try:
        if force:
            write_atomic(output, text)
        else:
            _write_new(output, text)
    except FileExistsError:
        raise OutputError(f"{shown} already exists; add --force to replace it") from None
    except OSError as exc:
        raise OutputError(
            f"cannot write {shown} ({exc.strerror or exc}); choose another place"
        ) from None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _write_new(output: Path, text: str) -> None:
    """Write a file that must not exist yet, whole or not at all. The text goes to a hidden
    file beside it first, which is then linked in under its name (a link is never made over
    an existing file): a process killed half-way (kill -9, a full disk, a power cut) left a
    half-written export that the next try refused as existing. Where the file system has no
    hard links (FAT, some network shares) it is created exclusively and written in place."""
    raw = text.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:  # mkstemp makes it 0600: exports hold people's words
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, output)
            return
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
    finally:
        Path(tmp).unlink(missing_ok=True)
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
    except BaseException:
        output.unlink(missing_ok=True)  # no half-written export left behind
        raise


_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}
