"""Team: per rep this week and over the last twelve weeks: sessions, minutes, streak,
assignments done and overdue, skills trending up or down, and who has not practised for a week.
The numbers are in the table; the plot under it shows the team's sessions per week."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from roleplay.errors import RoleplayError
from roleplay.tui.failures import ReportsFailures
from roleplay.tui.later import while_open
from roleplay.tui.widgets import KeysFooter, PlainTable, TitleBar, plain, shown

if TYPE_CHECKING:
    from roleplay.services.team_view import TeamView
    from roleplay.tui.app import RoleplayApp

WEEKS = 12
COLUMNS = (
    ("Rep", 12),
    ("Week", 4),
    ("Min", 4),
    ("12 wk", 5),
    ("Streak", 6),
    ("Last", 10),
    ("Done/late", 9),
    ("Skills up", 24),
    ("Skills down", 24),
)


class TeamScreen(ReportsFailures, Screen[None]):
    BINDINGS = [Binding("r", "reload", "Refresh", id="team.refresh")]

    @property
    def rapp(self) -> RoleplayApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Loading the team…", id="team-summary")
        with Vertical(id="team-body"):
            yield PlainTable(id="team-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="team-idle")
            yield PlotextPlot(id="team-plot")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#team-table", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.rapp.sessions_changed.subscribe(self, lambda _id: self.action_reload())
        self.action_reload()

    @while_open
    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="team")
    def _load(self) -> None:
        services = self.rapp.services
        now = services.practice.clock.now()
        try:
            built = services.reports.build(since=now - timedelta(weeks=WEEKS), detail=False)
        except RoleplayError as exc:
            self.app.call_from_thread(self._problem, f"The team view is unavailable: {exc}")
            return
        view = built.team_sections.view if built.team_sections else None
        self.app.call_from_thread(self._show, view)

    @while_open
    def _problem(self, text: str) -> None:
        self.query_one("#team-summary", Static).update(plain(text))  # an error says what it says

    @while_open
    def _show(self, view: TeamView | None) -> None:
        table = self.query_one("#team-table", DataTable)
        table.clear()
        if view is None or not view.reps:
            self._problem("No sessions in the last twelve weeks.")
            return
        active = sum(1 for r in view.reps if r.week_sessions)
        self.query_one("#team-summary", Static).update(
            f"This week (from {view.week_start}): [b]{active}[/b] of {len(view.reps)} rep(s) "
            f"practised · {sum(r.week_sessions for r in view.reps)} session(s), "
            f"{sum(r.week_minutes for r in view.reps):.0f} minute(s)"
        )
        for r in view.reps:
            # Text, not markup: a rep's name is theirs to choose ("[/]" failed the screen).
            late = plain(str(r.assignments_overdue), style="b red" if r.assignments_overdue else "")
            table.add_row(
                plain(r.rep, style="b" if r.idle else ""),
                str(r.week_sessions),
                f"{r.week_minutes:.0f}",
                str(r.sessions),
                str(r.streak),
                r.last_practice.isoformat() if r.last_practice else "never",
                Text.assemble(f"{r.assignments_done}/", late),
                ", ".join(r.skills_up),
                ", ".join(r.skills_down),
            )
        self.query_one("#team-idle", Static).update(
            f"[b]Not practised for 7 days or more:[/b] {shown(', '.join(view.idle))}"
            if view.idle
            else "Everyone practised in the last 7 days."
        )
        self._plot(view.weekly, view.week_start)

    def _plot(self, weekly: dict[str, dict[date, int]], this_week: date) -> None:
        plot = self.query_one("#team-plot", PlotextPlot)
        plt: Any = plot.plt
        plt.clear_data()
        plt.clear_figure()
        weeks = [this_week - timedelta(weeks=w) for w in range(WEEKS - 1, -1, -1)]
        totals = [sum(per.get(w, 0) for per in weekly.values()) for w in weeks]
        # Categories, not dates: plotext would draw date bars as one block.
        plt.bar([w.strftime("%d/%m") for w in weeks], totals, width=0.6)
        plt.title("Team sessions per week (week of)")
        plot.refresh()
