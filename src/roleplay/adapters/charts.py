"""Charts as inline SVG, drawn with matplotlib (imported only when a chart is drawn): the
`Charts` port of HTML exports and reports.

Why matplotlib rather than hand-written SVG: date axes, tick placement, legends and scaling are
what it does well and what hand-made charts get wrong. Text stays text in the SVG
(svg.fonttype=none): it is small, searchable, and readable by screen readers. Each chart gets its
own id salt so several charts can sit in one HTML page without clashing ids.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from roleplay.domain.kpis import Kpis
from roleplay.domain.session import Turn
from roleplay.domain.trends import Series
from roleplay.errors import optional_import

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

REP = "#2f6fdf"
CUSTOMER = "#9aa3ad"
HUMAN = "#e08a00"
FEW_POINTS = 3  # fewer points than this per line are shown as dots with their values
PALETTE = ["#2f6fdf", "#e08a00", "#2a9d5c", "#c0392b", "#8e44ad", "#16a0b5", "#7f8c8d", "#d35400"]


def _need_matplotlib() -> None:
    """matplotlib is an optional part (`roleplay[reports]`): say how to add it."""
    optional_import("matplotlib.figure", "reports", "charts in HTML exports and reports")


def _figure(
    width: float, height: float, layout: Literal["constrained"] | None = "constrained"
) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=96, layout=layout)
    return fig


def _svg(fig: Figure, salt: str, title: str) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Title": title})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: it is inlined in HTML
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _style(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="both", color="#e6e8eb", linewidth=0.8)
    ax.set_axisbelow(True)


def levels(rows: Sequence[tuple[str, int | None, int | None]], salt: str = "levels") -> str:
    """Horizontal bars: the judge's level per criterion, the reviewer's beside it if any."""
    _need_matplotlib()
    fig = _figure(7, 0.45 * max(len(rows), 2) + 0.8)
    ax = fig.add_subplot()
    names = [r[0] for r in rows][::-1]
    judge = [r[1] or 0 for r in rows][::-1]
    human = [r[2] for r in rows][::-1]
    y = list(range(len(rows)))
    ax.barh([v + 0.17 for v in y], judge, height=0.34, color=REP, label="judge")
    if any(h is not None for h in human):
        ax.barh(
            [v - 0.17 for v in y],
            [h or 0 for h in human],
            height=0.34,
            color=HUMAN,
            label="reviewer",
        )
        ax.legend(loc="lower right", frameon=False)
    ax.set_yticks(y, names)
    ax.set_xlim(0, 5)
    ax.set_xticks(range(6))
    ax.set_xlabel("level (1-5)")
    _style(ax)
    return _svg(fig, salt, "Level per criterion")


def kpis(k: Kpis, turns: Sequence[Turn], salt: str = "kpis") -> str:
    _need_matplotlib()
    """Who talked how much, the questions asked, and the words of each turn in order."""
    from matplotlib.ticker import MaxNLocator

    fig = _figure(7, 2.6)
    grid = fig.add_gridspec(1, 3, width_ratios=[1, 1, 2.2])
    share, questions, timeline = (fig.add_subplot(grid[0, i]) for i in range(3))
    rep_share = k.talk_ratio_words or 0.0
    share.bar(["rep", "customer"], [rep_share * 100, (1 - rep_share) * 100], color=[REP, CUSTOMER])
    share.set_ylim(0, 100)
    share.set_title("talk share (% of words)", fontsize=9)
    questions.bar(["open", "closed"], [k.questions_open, k.questions_closed], color=[REP, CUSTOMER])
    questions.set_title("questions asked", fontsize=9)
    questions.yaxis.set_major_locator(MaxNLocator(integer=True))
    words = [len(t.text.split()) for t in turns]
    colours = [REP if t.speaker == "rep" else CUSTOMER for t in turns]
    timeline.bar([t.index for t in turns], words, color=colours)
    timeline.set_title("words per turn (blue: rep)", fontsize=9)
    timeline.set_xlabel("turn")
    for ax in (share, questions, timeline):
        _style(ax)
        ax.tick_params(labelsize=8)
    return _svg(fig, salt, "Talk share, questions and words per turn")


def trend(
    series: Sequence[Series],
    *,
    title: str,
    ylabel: str,
    ylim: tuple[float, float] | None = None,
    xlim: tuple[date, date] | None = None,
    salt: str,
) -> str:
    """One line per series over time (dates on the x axis, the whole period when given, so
    charts of one report line up)."""
    _need_matplotlib()
    with _TREND_LOCK:
        return _trend(series, title=title, ylabel=ylabel, ylim=ylim, xlim=xlim, salt=salt)


# One figure for every trend chart of the process, emptied between charts: a new figure and
# axes, and their ticks, made afresh per chart were a third of a team report's drawing time.
# A lock, because a report may be drawn in a worker thread of the app.
_TREND_LOCK = threading.Lock()
_TREND_AXES: list[Axes] = []


def _trend_axes() -> Axes:
    if not _TREND_AXES:
        # Fixed margins (room for the legend on the right): the constrained layout measured
        # every label and took about half of a team report's drawing time.
        fig = _figure(7.5, 3.0, layout=None)
        fig.subplots_adjust(left=0.09, right=0.76, top=0.89, bottom=0.13)
        ax = fig.add_subplot()
        _style(ax)
        _TREND_AXES.append(ax)
    ax = _TREND_AXES[0]
    for artist in [*ax.lines, *ax.texts]:  # the previous chart's lines, values and notes
        artist.remove()
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()
    return ax


def _trend(
    series: Sequence[Series],
    *,
    title: str,
    ylabel: str,
    ylim: tuple[float, float] | None,
    xlim: tuple[date, date] | None,
    salt: str,
) -> str:
    from matplotlib.ticker import AutoLocator, MaxNLocator

    ax = _trend_axes()
    fig = ax.get_figure()
    assert fig is not None
    most = max((len(s.points) for s in series), default=0)
    few = most < FEW_POINTS  # a dot or two is not a trend: no lines, values written beside
    for i, s in enumerate(series):
        days = [_day(p[0]) for p in s.points]
        values = [p[1] for p in s.points]
        style: dict[str, Any] = {"color": PALETTE[i % len(PALETTE)], "linewidth": 1.8}
        if few:
            style["linestyle"] = "none"
        ax.plot(days, values, marker="o", markersize=7 if few else 4, label=s.name, **style)
        if few and len(series) <= 4:
            for d, v in zip(days, values, strict=True):
                ax.annotate(
                    f"{v:.3g}",
                    (d, v),
                    xytext=(6, 4),
                    textcoords="offset points",
                    fontsize=8,
                    color=style["color"],
                )
    if few and series:
        ax.text(
            0.99,
            0.02,
            f"{most} point(s) per line: too few to show a trend",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=8,
            color="#555555",
        )
    days_shown = xlim or _span(series)
    if days_shown:
        pad = max(timedelta(days=1), (days_shown[1] - days_shown[0]) / 40)
        first, last = days_shown[0] - pad, days_shown[1] + pad
        ax.set_xlim(_day(first), _day(last))
        ticks = date_ticks(first, last)
        ax.set_xticks([_day(d) for d in ticks], [label for _d, label in ticks.items()])
    else:  # nothing to show
        ax.set_xlim(0, 1)
        ax.set_xticks([])
    if ylim:
        ax.set_ylim(*ylim)
        ax.yaxis.set_major_locator(AutoLocator())
    else:
        # Every KPI is a count, a share or a rate: from 0, with room above the highest value
        # (all zeros would otherwise get a filler axis of 0 to 0.05).
        top = max((p[1] for s in series for p in s.points), default=0.0)
        ax.set_ylim(0, top * 1.15 if top > 0 else 1)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=top >= 4))
    ax.set_ylabel(ylabel)
    # y given: the title stays where it is, instead of being measured against every other
    # artist of the axes on each draw (nothing sits above the axes here).
    ax.set_title(title, fontsize=10, loc="left", y=1.0)
    if series:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    return _svg(fig, salt, title)  # type: ignore[arg-type]


def _span(series: Sequence[Series]) -> tuple[date, date] | None:
    days = [p[0] for s in series for p in s.points]
    return (min(days), max(days)) if days else None


MONTH_STEPS = (1, 2, 3, 4, 6, 12)
DAY_STEPS = (1, 2, 3, 7, 14)
MAX_TICKS = 8


def date_ticks(first: date, last: date) -> dict[date, str]:
    """Tick days and their labels between two days: the first of every month or every few
    months over a long period (the year at January and at the first tick), days over a short
    one (Mondays when weekly). Worked out here, instead of by matplotlib's AutoDateLocator:
    it could not place ticks on a one-day axis (a warning) and re-chose them on every draw."""
    if (last - first).days > 62:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        step = next((n for n in MONTH_STEPS if months / n <= MAX_TICKS), 12)
        out: dict[date, str] = {}
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            day = date(year, month, 1)
            if (month - 1) % step == 0 and first <= day <= last:
                out[day] = f"{day:%Y}" if month == 1 else f"{day:%b}"
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if out:
            start = min(out)
            if start.month != 1:
                out[start] = f"{start:%b}\n{start:%Y}"
        return out
    days = (last - first).days + 1
    step = next((n for n in DAY_STEPS if days / n <= MAX_TICKS), 28)
    ticks = [
        first + timedelta(days=i)
        for i in range(days)
        if ((first + timedelta(days=i)).weekday() == 0 if step >= 7 else i % step == 0)
    ]
    ticks = ticks[::2] if step == 14 else ticks  # every other Monday
    return {d: f"{d:%b} {d.day}" for d in ticks}


def _day(day: date) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]


class MatplotlibCharts:
    """The `Charts` port (services/ports.py): the functions above."""

    levels = staticmethod(levels)
    kpis = staticmethod(kpis)
    trend = staticmethod(trend)
