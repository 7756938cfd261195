"""Text and JSON for the daily habit: today's queue, progress plots, commitments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from roleplay.cli.render import clock, wrap
from roleplay.domain.plain_commitment import PlainCommitment
from roleplay.domain.plain_commitment import commitment_json as plain_json
from roleplay.domain.practice_days import Goal, Streak
from roleplay.domain.text import printable
from roleplay.presentation.format import reminder as reminder  # the CLI's brief shows it too
from roleplay.presentation.format import skill_name as skill_name
from roleplay.services.daily import Progress, QueueItem, Today

if TYPE_CHECKING:  # `today` reads plain views (no pydantic): the models are types here
    from roleplay.domain.commitment import Commitment
    from roleplay.domain.habit_views import PlainOpen
    from roleplay.services.habit import OpenCommitment

BARS = "▁▂▃▄▅▆▇█"
QUOTES = "\"'\u201c\u201d"
LEVEL_ROWS = (5, 4, 3, 2, 1)
SPARK_POINTS = 24  # a sparkline's width: the latest points of a series that `progress` draws


def short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"  # no %-d: it is not portable


def when(day: date, today: date) -> str:
    if day <= today:
        return "due today" if day == today else f"overdue since {short_day(day)}"
    if day == today + timedelta(days=1):
        return "tomorrow"
    if day < today + timedelta(days=7):
        return f"{day:%A}"
    return short_day(day)


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def memory(stability_days: float) -> str:
    """FSRS stability in words: how long until the chance it holds dips under 90%."""
    if stability_days < 1:
        return "it is not holding yet: the chance dips under 90% within a day."
    days = round(stability_days)
    return (
        f"it holds for about {days} day{'s' if days != 1 else ''} before the chance dips under 90%."
    )


def sparkline(values: Sequence[float], lo: float, hi: float) -> str:
    """One character per value, scaled from lo (▁) to hi (█)."""
    span = (hi - lo) or 1.0
    out = []
    for v in values:
        frac = min(1.0, max(0.0, (v - lo) / span))
        out.append(BARS[round(frac * (len(BARS) - 1))])
    return "".join(out)


def level_chart(levels: Sequence[int], width: int = 60) -> list[str]:
    """Rubric levels per session, oldest left: a five-row dot plot."""
    shown = list(levels)[-width:]
    rows = []
    for lvl in LEVEL_ROWS:
        cells = "".join("●" if v == lvl else ("│" if v > lvl else " ") for v in shown)
        rows.append(f"  {lvl} ┤{cells}")
    rows.append("    └" + "─" * len(shown))
    return rows


# --- today -------------------------------------------------------------------------------


def streak_line(s: Streak) -> str:
    if s.total_days == 0:
        return "Streak: none yet. Your first practice day starts it."
    best = f" (best {s.best})" if s.best > s.current else ""
    if s.practised_today:
        return f"Streak: {s.current} day{'s' if s.current != 1 else ''}{best}, today included ✓"
    if s.current == 0:
        return (
            f"Streak: a new one starts with today's practice ({s.total_days} practice days so "
            f"far{best.replace(' (', ', ').rstrip(')')})."
        )
    nudge = f"practise today to make it {s.current + 1}"
    if s.paused:
        nudge = f"paused for {s.missed} day{'s' if s.missed != 1 else ''}; " + nudge
    return f"Streak: {s.current} day{'s' if s.current != 1 else ''}{best} · {nudge}"


def goal_line(g: Goal) -> str:
    if not g.set:
        return "Daily goal: none set (daily_goal_drills / daily_goal_minutes in the config)"
    parts = []
    if g.drills:
        parts.append(f"{g.drills_done} of {g.drills} drill{'s' if g.drills != 1 else ''}")
    if g.minutes:
        parts.append(f"{g.minutes_done:g} of {g.minutes} minutes")
    return "Daily goal: " + " and ".join(parts) + (" · met ✓" if g.met else "")


def ago(day: date | None, today: date) -> str:
    if day is None:
        return ""
    n = (today - day).days
    return "today" if n <= 0 else "yesterday" if n == 1 else f"{n} days ago"


def item_lines(n: int, item: QueueItem, today: date) -> list[str]:
    last = f"level {item.last_level} {ago(item.last_practised, today)}"
    # FSRS counts whole days: within a day of practice the chance reads 100%, so say it only
    # once it has started to drop.
    chance = (
        f" · {pct(item.retrievability)} likely to hold"
        if item.retrievability is not None and item.retrievability < 0.995
        else ""
    )
    if item.kind == "new":
        status = "new skill"
    elif item.kind == "ahead":
        status = f"not due yet ({last}{chance}): practise ahead"
    else:
        status = f"{last}{chance}"
    what = (
        f"Drill \u201c{(item.drill_title or item.drill or '').strip(QUOTES)}\u201d "
        f"in {item.scenario_title}"
        if item.drill
        else f"Whole call: {item.scenario_title}"
    )
    lines = [
        f"{n:>3}. {skill_name(item.skill)} · {status}",
        wrap(f"{what} ({clock(item.minutes * 60)})", " " * 5),
    ]
    if item.also:
        lines.append(wrap("also practises: " + ", ".join(map(skill_name, item.also)), " " * 5))
    lines.append(f"     $ {item.command}")
    if item.commitment:
        lines.append(wrap(f"Your commitment: {item.commitment}", " " * 5))
    return lines


def today_text(t: Today) -> str:
    out = [
        f"Today, {t.day:%A} {t.day.day} {t.day:%B %Y} · {t.timezone} · {t.rep}",
        streak_line(t.streak),
        goal_line(t.goal),
        "",
    ]
    if t.plan:
        out.append("Your queue:")
        for n, item in enumerate(t.plan, 1):
            out += item_lines(n, item, t.day)
    elif t.more and t.goal.met:
        out.append("Goal met. Extra practice, if you like:")
        for n, item in enumerate(t.more[:2], 1):
            out += item_lines(n, item, t.day)
    elif not t.more:
        out.append("Nothing is due today.")
    if t.plan and t.more:
        out.append(
            wrap(
                f"Also due or new today: {', '.join(skill_name(i.skill) for i in t.more)} "
                "(`roleplay today --json` lists them all)."
            )
        )
    if t.plan and t.goal.drills_left > len(t.plan):
        out.append("Nothing else is due: any scenario you practise counts toward today's goal.")
    if t.untrainable:
        names = ", ".join(map(skill_name, t.untrainable))
        out.append(wrap(f"Due, but no scenario in this workspace trains it any more: {names}."))
    if t.upcoming:
        out.append(
            wrap(
                "Coming up: "
                + " · ".join(f"{skill_name(s)} {when(d, t.day)}" for s, d in t.upcoming)
            )
        )
    pending = [c for c in t.commitments if not any(i.skill == c.commitment.skill for i in t.plan)]
    for c in pending:
        out.append(wrap(f"Open commitment ({skill_name(c.commitment.skill)}): {c.commitment.text}"))
    out.append(f"Skills practised: {t.skills_known} of {t.skills_total}.")
    return printable("\n".join(out))  # scenario and drill titles are trainers' text


def streak_json(s: Streak) -> dict[str, Any]:
    return {
        "current": s.current,
        "best": s.best,
        "total_days": s.total_days,
        "practised_today": s.practised_today,
        "paused": s.paused,
        "missed": s.missed,
        "last_day": s.last_day.isoformat() if s.last_day else None,
    }


def item_json(i: QueueItem) -> dict[str, Any]:
    return {
        "skill": i.skill,
        "kind": i.kind,
        "retrievability": i.retrievability,
        "due": i.due.isoformat() if i.due else None,
        "last_level": i.last_level,
        "last_practised": i.last_practised.isoformat() if i.last_practised else None,
        "scenario": i.scenario,
        "scenario_title": i.scenario_title,
        "drill": i.drill,
        "drill_title": i.drill_title,
        "minutes": i.minutes,
        "seed": i.seed,
        "variation": i.variation,
        "also": list(i.also),
        "commitment": i.commitment,
        "command": i.command,
    }


def commitment_json(c: Commitment | PlainCommitment, made_in: str | None = None) -> dict[str, Any]:
    # A plain view (`today`) writes the model's JSON without pydantic.
    found = plain_json(c) if isinstance(c, PlainCommitment) else c.model_dump(mode="json")
    return {**found, **({"made_in": made_in} if made_in else {})}


def open_json(found: Sequence[OpenCommitment | PlainOpen]) -> list[dict[str, Any]]:
    return [commitment_json(o.commitment, o.made_in) for o in found]


def today_json(t: Today) -> dict[str, Any]:
    g = t.goal
    return {
        "rep": t.rep,
        "day": t.day.isoformat(),
        "timezone": t.timezone,
        "streak": streak_json(t.streak),
        "goal": {
            "drills": g.drills,
            "minutes": g.minutes,
            "drills_done": g.drills_done,
            "minutes_done": g.minutes_done,
            "met": g.met,
        },
        "queue": [item_json(i) for i in t.plan],
        "more": [item_json(i) for i in t.more],
        "upcoming": [{"skill": s, "due": d.isoformat()} for s, d in t.upcoming],
        "commitments": open_json(t.commitments),
        "untrainable": list(t.untrainable),
        "skills": {"practised": t.skills_known, "total": t.skills_total},
    }


# --- progress ----------------------------------------------------------------------------


def progress_text(p: Progress, detail: bool) -> str:
    out = [
        f"Progress · {p.rep} · {p.sessions} session{'s' if p.sessions != 1 else ''} on "
        f"{len(p.practice_days)} day{'s' if len(p.practice_days) != 1 else ''} · "
        f"streak {p.streak.current} (best {p.streak.best})",
        "",
    ]
    if not p.skills and not p.not_practised:
        out.append("No skills yet.")
    if p.skills:
        out.append("Skills: level per session, oldest first · chance it holds today · next")
        width = max(len(skill_name(s.skill)) for s in p.skills)
        for s in p.skills:
            spark = sparkline([x.level for x in s.levels][-24:], 1, 5)
            out.append(
                f"  {skill_name(s.skill):<{width}}  {spark:<24} {s.last_level}/5  "
                f"{pct(s.retrievability):>4}  {when(s.due, p.day)}"
            )
    if detail:
        for s in p.skills:
            out += ["", f"{skill_name(s.skill)}: rubric level per session"]
            out += level_chart([x.level for x in s.levels])
            daily = [d.retrievability for d in s.daily]
            out += [
                f"Chance it holds, day by day ({short_day(s.daily[0].day)} to today):"
                if s.daily
                else "",
                "  " + sparkline(daily, 0, 1) + f"  now {pct(s.retrievability)}",
                f"  {s.reviews} review{'s' if s.reviews != 1 else ''}, "
                f"{s.lapses} below level 3; " + memory(s.stability_days),
            ]
    if p.not_practised:
        out.append(wrap("Not practised yet: " + ", ".join(map(skill_name, p.not_practised))))
    if p.kpis:
        out += ["", "Numbers per session, oldest first:"]
        width = max(len(k.label) for k in p.kpis)
        from roleplay.domain.progress import kpi_rows  # progress's series: not for `today`

        declared = {key: shape for key, _label, _better, shape in kpi_rows()}
        for k in p.kpis:
            values = [x.value for x in k.points][-SPARK_POINTS:]
            lo, hi = min(values), max(values)
            last = values[-1]
            kpi = declared.get(k.key)
            shown = kpi.format(last) if kpi else f"{last:g}"  # the overall score is no KPI
            better = f"  ({k.better} is better)" if k.better else ""
            out.append(f"  {k.label:<{width}}  {sparkline(values, lo, hi):<24} {shown}{better}")
    c = p.commitments
    out.append("")
    if c.made == 0:
        out.append("Commitments: none yet (you are offered one at the end of each session).")
    else:
        running = []
        kept = 0
        for n, point in enumerate(c.points, 1):
            kept += point.kept
            running.append(kept / n)
        out.append(
            f"Commitments kept: {c.kept} of {c.judged} judged ({pct(c.rate)}), {c.made} made"
            + (f"  {sparkline(running, 0, 1)}" if running else "")
        )
    for o in p.open_commitments:
        out.append(wrap(f"Open ({skill_name(o.commitment.skill)}): {o.commitment.text}", "  "))
    out += real_calls_text(p)
    return printable("\n".join(out).rstrip())


def real_calls_text(p: Progress) -> list[str]:
    """Real calls beside practice: kept apart from the practice schedule, shown next to it."""
    r = p.real_calls
    if r is None or r.calls == 0:
        return []

    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.1f}"

    out = [
        "",
        f"Real calls: {r.calls} scored, overall {num(r.overall)} "
        f"(practice {num(r.practice_overall)})  "
        + sparkline([x.value for x in r.points][-24:], 1, 5),
    ]
    if r.skills:
        width = max(len(skill_name(s.skill)) for s in r.skills)
        for s in r.skills:
            # One format for both levels: "real calls 2.0/5, practice 2/5" read as two scales.
            level = s.practice_level
            practice = "not practised yet" if level is None else f"practice {level:.1f}/5"
            out.append(
                f"  {skill_name(s.skill):<{width}}  real calls {s.real_level:.1f}/5, {practice}"
            )
    return out


def progress_json(p: Progress) -> dict[str, Any]:
    return {
        "rep": p.rep,
        "day": p.day.isoformat(),
        "timezone": p.timezone,
        "streak": streak_json(p.streak),
        "sessions": p.sessions,
        "practice_days": [d.isoformat() for d in p.practice_days],
        "skills": [
            {
                "skill": s.skill,
                "reviews": s.reviews,
                "lapses": s.lapses,
                "last_level": s.last_level,
                "retrievability": s.retrievability,
                "stability_days": s.stability_days,
                "due": s.due.isoformat(),
                "levels": [
                    {
                        "session": x.session,
                        "day": x.day.isoformat(),
                        "level": x.level,
                        "retrievability_before": x.retrievability_before,
                    }
                    for x in s.levels
                ],
                "daily": [
                    {"day": d.day.isoformat(), "retrievability": d.retrievability} for d in s.daily
                ],
            }
            for s in p.skills
        ],
        "not_practised": list(p.not_practised),
        "kpis": [
            {
                "key": k.key,
                "label": k.label,
                "better": k.better,
                "points": [
                    {"session": x.session, "day": x.day.isoformat(), "value": x.value}
                    for x in k.points
                ],
            }
            for k in p.kpis
        ],
        "commitments": {
            "made": p.commitments.made,
            "judged": p.commitments.judged,
            "kept": p.commitments.kept,
            "rate": p.commitments.rate,
            "points": [
                {
                    "session": x.session,
                    "day": x.day.isoformat(),
                    "commitment": x.commitment,
                    "kept": x.kept,
                }
                for x in p.commitments.points
            ],
            "open": open_json(p.open_commitments),
        },
        "real_calls": None
        if p.real_calls is None
        else {
            "calls": p.real_calls.calls,
            "overall": p.real_calls.overall,
            "practice_overall": p.real_calls.practice_overall,
            "points": [
                {"session": x.session, "day": x.day.isoformat(), "overall": x.value}
                for x in p.real_calls.points
            ],
            "skills": [
                {"skill": s.skill, "real_level": s.real_level, "practice_level": s.practice_level}
                for s in p.real_calls.skills
            ],
        },
    }
