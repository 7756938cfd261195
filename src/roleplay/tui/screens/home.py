"""Home / Today: the day's queue, streak and goal, the last scores, the offline banner.

The app's first frame: it can be drawn before the services exist (they are built after it),
so it shows "loading" until they are, then the offline banner if no LLM is configured and the
day's queue; a failed start is said here, and Refresh tries again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from roleplay.errors import RoleplayError
from roleplay.tui.failures import ReportsFailures, describe
from roleplay.tui.later import while_open
from roleplay.tui.widgets import KeysFooter, OfflineBanner, PlainTable, TitleBar, plain

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp


ASSIGNED_COLUMNS = (("Assigned", 36), ("State", 28), ("Set by", 12), ("Note", 34))
DRILL_WIDTH = 44
QUEUE_COLUMNS = (("Skill", 24), ("Why", 10), ("Drill", DRILL_WIDTH), ("Minutes", 7))
WHY = {  # the Why column, and the legend under the queue that explains it
    # Due also when the level estimate is below the pass level (domain/queue.py), which the
    # scorecard's "comes back" day does not show: "brings it back today" alone read false
    # beside a scorecard that said tomorrow.
    "due": ("due", "due: back today by the schedule, or still below the pass level"),
    "new": ("new skill", "new skill: not practised yet"),
    "ahead": ("ahead", "ahead: not due yet, practised early to meet your daily goal"),
}


class HomeScreen(ReportsFailures, Screen[None]):
    CSS_PATH = None  # its rules are the app's (app.tcss): the other screens' load with them
    AUTO_FOCUS = "#queue"  # the assignments table takes focus itself when it has rows
    BINDINGS = [
        Binding("enter", "start_selected", "Practise", id="home.start"),
        Binding("r", "refresh", "Refresh", id="home.refresh"),
    ]

    _columns_for = DRILL_WIDTH  # the Drill column's width now
    _last: tuple[Any, list[Any], str | None] | None = None  # what _show showed last

    @property
    def rapp(self) -> RoleplayApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        if self.rapp.services_ready and self.rapp.services.offline:
            yield OfflineBanner()
        with Horizontal(id="home-top"):
            yield Static("Loading today's queue…", id="streak")
            yield Static("", id="goal")
        # What a trainer asked for comes first (hidden when nothing is assigned).
        title = Static("[b]Assigned to you[/b]", classes="section", id="assigned-title")
        assigned = PlainTable(id="assigned", cursor_type="row", zebra_stripes=True)
        title.display = assigned.display = False  # hidden (and not focused) until there are some
        yield title
        yield assigned
        yield Static("[b]Today[/b]", classes="section")
        yield PlainTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Static("", id="why-legend")
        with Vertical(id="home-bottom"):
            yield Static("[b]Last scores[/b]", classes="section")
            yield Static("", id="last-scores")
        yield KeysFooter()

    def on_mount(self) -> None:
        # Widths fixed up front: a table sized from its header alone read "disco  new  Cold".
        self._queue_columns()
        assigned = self.query_one("#assigned", DataTable)
        for label, width in ASSIGNED_COLUMNS:
            assigned.add_column(label, width=width)
        self._show_assigned([], None)
        self.rapp.sessions_changed.subscribe(self, lambda _id: self.action_refresh())
        self.rapp.settings_applied.subscribe(self, lambda _none: self._services_built(None))
        if self.rapp.services_ready:
            self._load()
        else:
            self.rapp.services_built.subscribe(self, self._services_built)

    @while_open
    def _services_built(self, problem: BaseException | None) -> None:
        if problem is not None:
            title, message, hint = describe(problem)
            self.query_one("#streak", Static).update(
                plain(f"{title}: {message}\n{hint}\nPress r to try again.", style="bold")
            )
            return
        # At start, or with the saved settings: an LLM set up (or removed) since the last
        # services shows (or hides) the banner, and the goal line is drawn again by _load.
        offline, banners = self.rapp.services.offline, self.query(OfflineBanner)
        if offline and not banners:
            self.mount(OfflineBanner(), after=self.query_one(TitleBar))
        elif not offline:
            banners.remove()
        self._load()

    @while_open
    def action_refresh(self) -> None:
        if self.rapp.services_ready:
            self._load()
        elif self.rapp.build_problem is not None:  # the start failed: try again
            self.query_one("#streak", Static).update("Loading today's queue…")
            self.rapp.build_services()

    @work(thread=True, exit_on_error=False, exclusive=True, group="home")
    def _load(self) -> None:
        services = self.rapp.services
        today: Any = None
        problem = None
        try:
            from roleplay.services.daily import today as build_today

            today = build_today(services.habit(), services.catalog())
        except Exception as exc:  # noqa: BLE001 - shown to the rep, the app keeps running
            problem = f"Today's queue is unavailable: {exc}"
        recent = []
        for record in list(services.store.records())[:5]:
            recent.append((record, services.store.overall(record.id)))
        assigned: list[Any] = []
        assigned_problem = None
        try:
            assigned = services.assignments().mine()
        except RoleplayError as exc:  # an unreachable team index must not hide the queue
            assigned_problem = f"Assignments are unavailable: {exc}"
        self.app.call_from_thread(self._show, today, recent, problem)
        self.app.call_from_thread(self._show_assigned, assigned, assigned_problem)

    @while_open
    def _show_assigned(self, items: list[Any], problem: str | None) -> None:
        table = self.query_one("#assigned", DataTable)
        table.clear()
        self._assigned = [p for p in items if p.status != "withdrawn"]
        if self._assigned:  # loaded when there are some (not for the first frame)
            from roleplay.presentation.assignments import marked_row
        for p in self._assigned:
            # Worded as `roleplay today` words it; Text, not markup: the mark is in brackets
            # and a trainer's note may hold some too ("[ask about price]").
            target, state, author, note = marked_row(p)
            overdue = "bold red" if p.status == "overdue" else ""
            # height=None: the row grows to show a long note whole, wrapped in its column.
            table.add_row(
                plain(target), plain(state, style=overdue), plain(author), plain(note), height=None
            )
        if problem:
            table.add_row(problem[:110], "", "", "")
        shown = bool(self._assigned or problem)
        table.display = shown
        self.query_one("#assigned-title", Static).display = shown
        if self._assigned and self.focused is None:
            table.focus()

    def _drill_width(self) -> int:
        """The Drill column's width: its own where the screen has room; narrower on an
        80-column terminal, where it pushed Minutes off the screen."""
        rest = sum(w for label, w in QUEUE_COLUMNS if label != "Drill")
        room = self.size.width - rest - 2 * len(QUEUE_COLUMNS) - 2  # cell padding, scrollbar
        return max(20, min(DRILL_WIDTH, room)) if self.size.width else DRILL_WIDTH

    def _queue_columns(self) -> None:
        table = self.query_one("#queue", DataTable)
        table.clear(columns=True)
        self._columns_for = self._drill_width()
        for label, width in QUEUE_COLUMNS:
            table.add_column(label, width=self._columns_for if label == "Drill" else width)

    def on_resize(self) -> None:
        if self._drill_width() != self._columns_for:
            self._queue_columns()
            if self._last is not None:
                self._show(*self._last)

    @while_open
    def _show(self, today: Any, recent: list[Any], problem: str | None) -> None:
        from roleplay.presentation.format import clock, skill_name

        self._last = (today, recent, problem)
        table = self.query_one("#queue", DataTable)
        table.clear()
        width = self._columns_for
        self._items: list[Any] = []
        if today is not None:
            streak = today.streak
            days = "day" if streak.current == 1 else "days"
            self.query_one("#streak", Static).update(
                f"Streak: [b]{streak.current}[/b] {days}"
                + (" · practised today" if streak.practised_today else "")
                + f" · best {streak.best}"
            )
            goal = today.goal
            parts = []
            if goal.drills:
                parts.append(f"{goal.drills_done}/{goal.drills} drills")
            if goal.minutes:
                parts.append(f"{goal.minutes_done:.0f}/{goal.minutes} minutes")
            self.query_one("#goal", Static).update("Goal: " + (", ".join(parts) or "not set"))
            for item in (*today.plan, *today.more):
                why = WHY.get(item.kind, (item.kind, ""))[0]
                drill = item.drill_title or item.scenario_title
                drill = drill if len(drill) <= width else drill[: width - 1] + "…"
                table.add_row(skill_name(item.skill), why, drill, f"{item.minutes:.0f}")
                self._items.append(item)
            kinds = [k for k in WHY if any(i.kind == k for i in self._items)]
            self.query_one("#why-legend", Static).update(
                "[dim]" + " · ".join(WHY[k][1] for k in kinds) + "[/dim]"
                if kinds
                # Below the table, whole: in the Skill column it read "Nothing due: pick any sc".
                else "Nothing due: pick any scenario in the Library (F2)."
                if not self._items
                else ""
            )
        else:
            self.query_one("#streak", Static).update(plain(problem or ""))  # as said
        lines = [
            f"{r.started_at:%Y-%m-%d %H:%M}  {(r.scenario.title or r.scenario.id)[:40]:<40} "
            f"{'-' if score is None else f'{score:.1f}':>4}  {clock(_duration(r))}"
            for r, score in recent
        ]
        self.query_one("#last-scores", Static).update(  # a title is text, never markup
            plain("\n".join(lines) or "No sessions yet: start one from the queue or the Library.")
        )
        # The data can land while the app is still starting (the microphone check runs then):
        # ask for a full layout and repaint once more after this frame, so it cannot be lost.
        self.call_after_refresh(self.refresh, layout=True, repaint=True)

    @on(DataTable.RowSelected, "#queue")
    def _selected(self) -> None:
        self.action_start_selected()

    @on(DataTable.RowSelected, "#assigned")
    def _assigned_selected(self) -> None:
        row = self.query_one("#assigned", DataTable).cursor_row
        items = getattr(self, "_assigned", [])
        if 0 <= row < len(items):
            a = items[row].assignment
            self.rapp.start_practice(a.scenario, drill=a.drill)

    def action_start_selected(self) -> None:
        if self.focused is self.query_one("#assigned", DataTable):
            self._assigned_selected()
            return
        items = getattr(self, "_items", [])
        row = self.query_one("#queue", DataTable).cursor_row
        if 0 <= row < len(items):
            item = items[row]
            self.rapp.start_practice(item.scenario, drill=item.drill, seed=item.seed)


def _duration(r: Any) -> float | None:
    return (r.ended_at - r.started_at).total_seconds() if r.ended_at else None
