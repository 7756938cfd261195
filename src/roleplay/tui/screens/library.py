"""Library: every scenario and drill, filterable; persona and brief of the highlighted one;
files that fail validation listed with all their problems."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Select, Static

from roleplay.domain.variation import draw
from roleplay.presentation.format import clock
from roleplay.services.catalog import Catalog
from roleplay.tui.failures import ReportsFailures
from roleplay.tui.later import while_open
from roleplay.tui.widgets import KeysFooter, PlainTable, TitleBar, shown

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp


@dataclass(frozen=True)
class Entry:
    scenario: str
    drill: str | None
    title: str
    skills: tuple[str, ...]
    difficulty: int
    language: str
    seconds: int


def entries(catalog: Catalog) -> list[Entry]:
    out: list[Entry] = []
    for sf in sorted(
        catalog.scenarios.values(), key=lambda e: (e.scenario.difficulty, e.scenario.title)
    ):
        s = sf.scenario
        out.append(
            Entry(s.id, None, s.title, tuple(s.skills), s.difficulty, s.language, s.time_limit)
        )
        for d in s.drills:
            out.append(
                Entry(
                    s.id,
                    d.id,
                    f"  ↳ drill: {d.title}",
                    tuple(d.skills),
                    s.difficulty,
                    s.language,
                    d.time_limit,
                )
            )
    return out


SMALL_COLUMNS = (("Diff", 4), ("Lang", 4), ("Time", 5))
SAMPLE_SEED = 1  # the Library shows one sample draw of each scenario's variations


class LibraryScreen(ReportsFailures, Screen[None]):
    # The list, not the first filter, has the focus: Enter (the footer's "Practise") opened
    # the skill filter's menu instead of starting the scenario under the cursor.
    AUTO_FOCUS = "#scenarios"
    BINDINGS = [
        Binding("enter", "practise", "Practise", id="library.start"),
        Binding("r", "reload", "Reload files", id="library.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._entries: list[Entry] = []
        self._shown: list[Entry] = []
        self._catalog: Catalog | None = None

    @property
    def rapp(self) -> RoleplayApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="filters"):
            yield Select[str]([], prompt="Any skill", id="skill")
            yield Select[int](
                [(f"Difficulty {n}", n) for n in range(1, 6)],
                prompt="Any difficulty",
                id="difficulty",
            )
            yield Select[str]([], prompt="Any language", id="language")
        with Horizontal(id="library-body"):
            yield PlainTable(id="scenarios", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="detail"):
                yield Static("", id="persona")
                yield Static("", id="brief")
        with Vertical(id="problems-box"):
            yield Static("", id="problems")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._columns(self._title_width())
        self.action_reload()

    def _columns(self, title_width: int) -> None:
        """Every column has a fixed width: the small ones their own, the title what is left.
        (An auto-sized title column kept the widest width it had ever seen, so the table's
        look depended on whether the rows or the screen's size came first.)"""
        table = self.query_one("#scenarios", DataTable)
        table.clear(columns=True)
        table.add_column("Scenario", key="title", width=title_width)
        for label, width in SMALL_COLUMNS:  # fixed: a long title must not push Time off
            table.add_column(label, width=width)

    def on_resize(self) -> None:
        if self._entries:
            self._filter()

    def action_reload(self) -> None:
        self._load()

    def _no_scenarios(self) -> str:
        """Said when the workspace has none at all (it said "No scenario matches these filters"
        with every filter at Any)."""
        folder = self.rapp.services.workspace.scenarios
        why = ""
        if not folder.is_dir():
            why = " (it is not a folder)" if folder.exists() else " (missing)"
        return (
            f"No scenarios in {shown(str(folder))}{why}.\nA trainer writes them: "
            "[b]roleplay new scenario NAME[/b] in a terminal, then press r here. Or start "
            "roleplay in a folder that has scenarios/."
        )

    @work(thread=True, exit_on_error=False, exclusive=True, group="library")
    def _load(self) -> None:
        catalog = self.rapp.services.catalog()
        self.app.call_from_thread(self._show, catalog)

    @while_open
    def _show(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._entries = entries(catalog)
        skills = sorted({s for e in self._entries for s in e.skills})
        langs = sorted({e.language for e in self._entries})
        self.query_one("#skill", Select).set_options([(s, s) for s in skills])
        self.query_one("#language", Select).set_options([(lang, lang) for lang in langs])
        self._filter()
        box = self.query_one("#problems", Static)
        if catalog.problems:
            files = len(catalog.broken)
            lines = [f"[b red]{files} file(s) cannot be used:[/]"]
            lines += [f"[red]{shown(str(p))}[/]" for p in catalog.problems]  # file text: not markup
            box.update("\n".join(lines))
            self.query_one("#problems-box").display = True
        else:
            self.query_one("#problems-box").display = False

    @on(Select.Changed)
    def _filter(self) -> None:
        skill = self.query_one("#skill", Select).value
        difficulty = self.query_one("#difficulty", Select).value
        language = self.query_one("#language", Select).value
        self._shown = [
            e
            for e in self._entries
            if (skill is Select.NULL or skill in e.skills)
            and (difficulty is Select.NULL or e.difficulty == difficulty)
            and (language is Select.NULL or e.language == language)
        ]
        table = self.query_one("#scenarios", DataTable)
        width = self._title_width()
        self._columns(width)
        for e in self._shown:
            title = e.title if len(e.title) <= width else e.title[: width - 1] + "…"
            table.add_row(title, str(e.difficulty), e.language, clock(e.seconds))
        self._describe(0)

    def _title_width(self) -> int:
        """What is left for the title once the small columns (and cell padding) are in."""
        table = self.query_one("#scenarios", DataTable)
        if not table.size.width:
            return 40
        small = sum(w for _, w in SMALL_COLUMNS) + 2 * (len(SMALL_COLUMNS) + 1)
        return max(12, table.size.width - small - 2)  # 2: the vertical scrollbar

    @on(DataTable.RowHighlighted, "#scenarios")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        persona = self.query_one("#persona", Static)
        brief = self.query_one("#brief", Static)
        if not (0 <= row < len(self._shown)) or self._catalog is None:
            persona.update(
                "No scenario matches these filters." if self._entries else self._no_scenarios()
            )
            brief.update("")
            return
        e = self._shown[row]
        source = self._catalog.scenarios[e.scenario].scenario
        s = draw(source, SAMPLE_SEED).scenario  # placeholders filled, as a call would see them
        p = s.persona
        persona.update(
            f"[b]{shown(p.name)}[/b]\n{shown(p.role)}, {shown(p.company)}\n"
            f"[dim]{shown(p.personality)}[/dim]"
        )
        text = shown(s.brief)
        if e.drill:
            drill = next(d for d in s.drills if d.id == e.drill)
            text = f"[b]Drill:[/b] {shown(drill.brief or drill.title)}\n\n{text}"
        varies = [
            f"{shown(dim)}: {', '.join(shown(o.id) for o in options)}"
            for dim, options in sorted(source.variations.items())
        ]
        brief.update(
            f"\n[b]Your brief[/b] [dim](one sample call)[/dim]\n{text}\n\n"
            f"[dim]Skills: {shown(', '.join(e.skills))}[/dim]"
            + (
                "\n\n[b]Changes every call[/b]\n[dim]" + "\n".join(varies) + "[/dim]"
                if varies
                else ""
            )
        )

    @on(DataTable.RowSelected, "#scenarios")
    def _selected(self) -> None:
        self.action_practise()

    def action_practise(self) -> None:
        row = self.query_one("#scenarios", DataTable).cursor_row
        if 0 <= row < len(self._shown):
            e = self._shown[row]
            self.rapp.start_practice(e.scenario, drill=e.drill)
