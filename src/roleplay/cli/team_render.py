"""Plain-text rendering for reviewers: session lists and a session opened for review.

Like render.py, every function returns text without control characters (untrusted text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from roleplay.cli.render import clock, wrap
from roleplay.domain.highlight import spans
from roleplay.domain.history import SessionSummary, SessionView
from roleplay.domain.kpis import said_over
from roleplay.domain.text import printable


def summary_json(s: SessionSummary) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(s).items()}


def session_list(rows: Sequence[SessionSummary]) -> str:
    if not rows:
        return "No sessions match. (`roleplay reindex` indexes the recordings folder.)"
    w = max(42, *(len(s.id) for s in rows))  # whole ids: they are what other commands take
    header = f"{'SESSION':<{w}} {'REP':<12} {'TEAM':<10} {'DATE':<10} {'SCORE':>5}  REVIEW"
    out = [header]
    for s in rows:
        score = "-" if s.overall is None else f"{s.overall:.1f}"
        marks = ("reviewed" if s.reviewed else "open") + (
            f", {s.comments} comment(s)" if s.comments else ""
        )
        if s.overrides:
            marks += f", {s.overrides} override(s)"
        if s.ended_at is None:
            marks += ", unfinished"
        out.append(
            f"{s.id:<{w}} {s.rep[:12]:<12} {(s.team or '-')[:10]:<10} "
            f"{s.started_at:%Y-%m-%d} {score:>5}  {marks}"
        )
    return printable("\n".join(out))


def review(view: SessionView) -> str:
    r = view.record
    card = view.scorecard
    out = [
        f"Session {r.id}",
        f"{r.scenario.title or r.scenario.id} · rep {r.rep}"
        + (f" · team {r.team}" if r.team else "")
        + f" · {r.started_at:%Y-%m-%d %H:%M} UTC",
    ]
    if view.reviewed:
        out.append(
            "Reviewed by " + ", ".join(f"{m.author} ({m.at:%Y-%m-%d})" for m in view.reviewed)
        )
    if view.retention.transcript_purged_at:
        out.append(
            f"Transcript deleted by retention on {view.retention.transcript_purged_at:%Y-%m-%d}"
        )
    if view.retention.audio_purged_at:
        out.append(f"Audio deleted by retention on {view.retention.audio_purged_at:%Y-%m-%d}")
    out.append("")
    evidence: dict[int, list[tuple[str, str]]] = {}
    if card:
        human = view.human_levels()
        overall = "not scored" if card.overall is None else f"{card.overall:.1f} / 5"
        out.append(
            f"Scorecard ({card.judge}{', approximate' if card.approximate else ''}): {overall}"
        )
        for c in card.criteria:
            level = "-" if c.level is None else f"{c.level}/5"
            line = f"  {c.id:<24} judge {level:<4}"
            o = human.get(c.id)
            if o:
                line += f"  reviewer {o.level}/5 ({o.author}: {o.reason})"
            out.append(line)
            for e in c.evidence:
                if e.quote:
                    evidence.setdefault(e.turn, []).append((e.quote, c.id))
        out.append("")
    for note in view.comments_on(None):
        out.append(wrap(f"{note.author}: {note.text}", "    ", first="  # "))
    audio = set(view.audio)
    for t in view.turns:
        who = "Rep" if t.speaker == "rep" else "Customer"
        over = said_over(t)  # "Right." inside the other's sentence: indented, said so
        who, pad = (f"{who} (over {over})", "    ") if over else (who, "")
        text = "".join(
            f"«{p.text}»" if p.labels else p.text for p in spans(t.text, evidence.get(t.index, []))
        )
        sound = " ♪" if t.index in audio else ""
        out.append(wrap(f"{t.index:>3} [{clock(t.start)}] {who}{sound}: {text}", "      " + pad))
        for note in view.comments_on(t.index):
            out.append(wrap(f"{note.author}: {note.text}", "        ", first="      # "))
    if not view.turns:
        out.append("(no transcript)")
    changes = view.history()
    if changes:
        out += ["", "Review history (overrides and marks are never changed, only added):"]
        out += [f"  {e.at:%Y-%m-%d %H:%M} UTC  {e.author}: {e.what}" for e in changes]
    out += [
        "",
        "«quoted» = evidence the judge cited · ♪ = audio: roleplay review play SESSION TURN",
    ]
    return printable("\n".join(out))
