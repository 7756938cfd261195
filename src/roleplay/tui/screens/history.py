"""History: every session in a table, sortable by any column and filterable; open one to see
its transcript and scorecard, and play a turn's audio from there. A session without a score
(a call quit to score later, or cut off) is scored from here (`s`, shown when one is
selected), as `roleplay score ID` does: before, only the command line could."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input

from roleplay.presentation.format import clock, duration, status
from roleplay.tui.failures import ReportsFailures
from roleplay.tui.later import while_open
from roleplay.tui.widgets import KeysFooter, PlainTable, TitleBar

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp


def cut(text: str, width: int) -> str:
    """`text` in `width` characters, an ellipsis where it was cut."""
    return text if len(text) <= width else text[: max(0, width - 1)].rstrip() + "…"


@dataclass(frozen=True)
class Row:
    id: str
    date: str
    scenario: str
    rep: str
    score: float | None
    seconds: float | None
    status: str
    reviewed: str = ""

    def cells(self) -> tuple[str, ...]:
        score = "-" if self.score is None else f"{self.score:.1f}"
        return (
            self.date,
            self.scenario,
            self.rep,
            score,
            clock(self.seconds),
            self.status,
            self.reviewed,
        )

    def matches(self, text: str) -> bool:
        return text.casefold() in " ".join(self.cells()).casefold()


COLUMNS = ("Date", "Scenario", "Rep", "Score", "Time", "Status", "Review")
# What a narrower terminal keeps, widest first: the scenario's title is cut to fit and Review,
# Rep and Time give way, so Score and Status stay in view (a long title pushed them off the
# right edge at 100 columns and less, with no sign that they were there).
LAYOUTS = (
    COLUMNS,
    ("Date", "Scenario", "Score", "Time", "Status"),
    ("Date", "Scenario", "Score", "Status"),
)
MIN_TITLE = 20  # a title narrower than this is too cut to read: a column gives way first
SORT_KEYS = {  # column -> sort key (missing values last)
    "Date": lambda r: r.date,
    "Scenario": lambda r: r.scenario.casefold(),
    "Rep": lambda r: r.rep.casefold(),
    "Score": lambda r: (r.score is None, r.score or 0),
    "Time": lambda r: (r.seconds is None, r.seconds or 0),
    "Status": lambda r: r.status,
    "Review": lambda r: r.reviewed,
}


class HistoryScreen(ReportsFailures, Screen[None]):
    BINDINGS = [
        Binding("enter", "open", "Open", id="history.open"),
        Binding("v", "review", "Review", id="history.review"),
        Binding("s", "score", "Score this call", id="history.score"),
        Binding("slash", "search", "Filter", id="history.filter"),
        Binding("r", "reload", "Reload", id="history.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._columns: tuple[tuple[str, ...], int] = (COLUMNS, 0)  # as shown, and the title's width
        self._rows: list[Row] = []
        self._shown: list[Row] = []
        self._sort = ("Date", True)  # newest first

    @property
    def rapp(self) -> RoleplayApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Input(placeholder="Filter: scenario, rep, date, status…", id="filter")
        yield PlainTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        self._columns = self._layout()
        self.rapp.sessions_changed.subscribe(self, lambda _id: self.action_reload())
        self.action_reload()
        table.focus()

    def on_resize(self) -> None:
        if self._layout() != self._columns:
            self._refill()

    def _layout(self) -> tuple[tuple[str, ...], int]:
        """The columns shown at this width, and the scenario title's width."""
        widths = {name: len(name) for name in COLUMNS}
        for row in self._rows:
            for name, cell in zip(COLUMNS, row.cells(), strict=True):
                widths[name] = max(widths[name], len(cell))
        room = self.size.width - 2  # the table's scrollbar
        for columns in LAYOUTS:
            # Each column has a cell's padding either side.
            title = room - sum(widths[c] + 2 for c in columns if c != "Scenario") - 2
            if title >= min(MIN_TITLE, widths["Scenario"]):
                break
        return columns, max(min(title, widths["Scenario"]), len("Scenario"))

    @while_open
    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="history")
    def _load(self) -> None:
        """Every rep's sessions from the team index; this machine's files when it is down."""
        from roleplay.domain.call import OUTSIDE_CALL
        from roleplay.domain.history import SessionFilter
        from roleplay.services.ports import IndexUnavailable

        def named(scenario: str, title: str | None) -> str:
            """A scored real call says so: its title alone is a file name ("call.wav")."""
            return f"Real call: {title or ''}" if scenario == OUTSIDE_CALL else title or scenario

        services = self.rapp.services
        rows = []
        try:
            for s in services.reviews.find(SessionFilter(), limit=2000):
                seconds = (s.ended_at - s.started_at).total_seconds() if s.ended_at else None
                state = "unfinished" if s.ended_at is None else (s.outcome or "ended")
                note = ("✓" if s.reviewed else "") + (f" {s.comments}✎" if s.comments else "")
                rows.append(
                    Row(
                        s.id,
                        f"{s.started_at:%Y-%m-%d %H:%M}",
                        named(s.scenario, s.scenario_title),
                        s.rep,
                        s.overall,
                        seconds,
                        state,
                        note.strip(),
                    )
                )
        except IndexUnavailable as exc:
            self.app.call_from_thread(
                self.notify,
                f"Team index unavailable ({exc}); showing this machine's sessions.",
                severity="warning",
            )
            for r in services.store.records():
                overall = services.store.overall(r.id)
                rows.append(
                    Row(
                        r.id,
                        f"{r.started_at:%Y-%m-%d %H:%M}",
                        named(r.scenario.id, r.scenario.title),
                        r.rep,
                        overall,
                        duration(r),
                        status(r),
                    )
                )
        self.app.call_from_thread(self._show, rows)

    @while_open
    def _show(self, rows: list[Row]) -> None:
        self._rows = rows
        self._refill()

    def _refill(self) -> None:
        text = self.query_one("#filter", Input).value.strip()
        column, reverse = self._sort
        shown = [r for r in self._rows if not text or r.matches(text)]
        key: Any = SORT_KEYS[column]
        self._shown = sorted(shown, key=key, reverse=reverse)
        table = self.query_one("#sessions", DataTable)
        self._columns = (columns, title) = self._layout()
        table.clear(columns=True)
        for name in columns:
            table.add_column(name, key=name, width=title if name == "Scenario" else None)
        for r in self._shown:
            cells = dict(zip(COLUMNS, r.cells(), strict=True))
            cells["Scenario"] = cut(cells["Scenario"], title)
            table.add_row(*(cells[name] for name in columns), key=r.id)
        if not self._shown:
            table.add_row(
                "No sessions" + (" match" if text else " yet"), *[""] * (len(columns) - 1)
            )
        self.refresh_bindings()

    @on(Input.Changed, "#filter")
    def _filtered(self) -> None:
        self._refill()

    @on(Input.Submitted, "#filter")
    def _done_filtering(self) -> None:
        self.query_one("#sessions", DataTable).focus()

    @on(DataTable.HeaderSelected, "#sessions")
    def _sorted(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        current, reverse = self._sort
        self._sort = (column, not reverse if column == current else column in {"Date", "Score"})
        self._refill()

    def action_search(self) -> None:
        self.query_one("#filter", Input).focus()

    @on(DataTable.RowSelected, "#sessions")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self.query_one("#sessions", DataTable).cursor_row
        if 0 <= row < len(self._shown):
            self.rapp.open_session(self._shown[row].id)

    def _selected_row(self) -> Row | None:
        if not self.is_mounted:
            return None
        row = self.query_one("#sessions", DataTable).cursor_row
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "score":
            return True
        row = self._selected_row()
        return row is not None and row.score is None  # offered for a session not scored

    @on(DataTable.RowHighlighted, "#sessions")
    def _highlighted(self) -> None:
        self.refresh_bindings()  # "Score this call" follows the selected session

    def action_score(self) -> None:
        row = self._selected_row()
        if row is not None and row.score is None:
            self.rapp.score_session(row.id)

    def action_review(self) -> None:
        row = self.query_one("#sessions", DataTable).cursor_row
        if 0 <= row < len(self._shown):
            self.rapp.open_review(self._shown[row].id)
