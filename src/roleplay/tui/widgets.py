"""Small widgets shared by the screens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.markup import escape
from textual.reactive import Reactive
from textual.widgets import DataTable, Footer, Static

from roleplay.domain.text import printable
from roleplay.presentation.workspace import short_path
from roleplay.tui.later import while_open

if TYPE_CHECKING:  # the first frame (Home) loads no domain models: they build pydantic ones
    from textual.app import ComposeResult
    from textual.screen import Screen

    from roleplay.domain.kpis import Kpis
    from roleplay.domain.scenario import Scenario

OFFLINE_SHORT = "Offline: scripted customer, rule-based judge."
# Footer's reactive that lets its compose show the keys (Textual's private name; see KeysFooter)
READY = "_bindings_ready"
SMALL_HEIGHT = 24  # rows; below it screens drop what can wait (the call's lines cannot)
OFFLINE_TEXT = (
    "Offline: scripted customer, rule-based judge (no LLM configured). "
    "Connect one: OPENAI_API_KEY, or an LLM base URL in Settings (F5)."
)


class OfflineBanner(Static):
    """Says plainly when roleplay runs without an LLM."""

    DEFAULT_CSS = """
    OfflineBanner { background: $warning 30%; color: $text; padding: 0 1; height: auto; }
    """

    def __init__(self) -> None:
        super().__init__(OFFLINE_TEXT, id="offline-banner")

    def on_resize(self) -> None:
        # Wrapped to 5 lines at 40 columns it pushed the call's lines off a small terminal
        # (and scrolled itself away): there, the one line that says what runs.
        self.update(OFFLINE_TEXT if self.screen.size.height >= SMALL_HEIGHT else OFFLINE_SHORT)


class KeysFooter(Footer):
    """Textual's Footer (the keys of the screen), laid out again only when the keys it shows
    change. Textual's lays itself out again after every change of the screen's keys, and a
    screen that opens announces three (it is shown, its first widget takes focus, the focus
    once more after a refresh) with the same keys: the first frame built the footer's 9 keys
    three times, about a fifth of the app's work up to that frame. The layout reads the
    screen's keys when it runs, so keys that do change are shown as Textual shows them.

    Public names only, but one: Footer's `_bindings_ready` (its compose shows nothing until
    it is set). A Textual without it (pyproject allows textual>=1.0) gets Footer's own
    behaviour, slower but the same keys; the keys' widgets are found by what they have (a
    `compact` reactive), not by Textual's private FooterKey class."""

    _queued = False  # a layout is asked for and has not run yet
    _shown: object = None  # what the last layout showed

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if not isinstance(getattr(Footer, READY, None), Reactive):  # not the Footer it knows
            super().bindings_changed(screen)
            return
        setattr(self, READY, True)
        if not screen.app.app_focus or self._queued:
            return
        if self.is_attached and screen is self.screen:
            self._queued = True
            self.call_after_refresh(self._recompose_if_changed)

    def compose(self) -> ComposeResult:
        # Each key that takes the footer's style (all but the command palette's, which keeps
        # its own) starts as Textual's FooterKey starts (compact), then is given the footer's
        # (not compact): two style passes per key, ~40M instructions of the first frame.
        # Given the footer's at once, a key is styled once, as it is drawn.
        for widget in super().compose():
            compact = getattr(type(widget), "compact", None)
            if isinstance(compact, Reactive) and not widget.has_class("-command-palette"):
                widget.set_reactive(compact, self.compact)
            yield widget

    async def _recompose_if_changed(self) -> None:
        self._queued = False  # a change from now on asks again
        if not self.is_attached:
            return
        active = self.screen.active_bindings.values()
        keys = [(b, enabled, tip, self.app.get_key_display(b)) for _, b, enabled, tip in active]
        if keys != self._shown:
            self._shown = keys
            await self.recompose()


def plain(text: str, style: str = "") -> Text:
    """People's text (a title, a name, a line, a note, an error) as a Text to show as it is:
    never read as markup, and without control characters (Textual writes an ESC to the
    terminal as it is: "\x1b]52;c;...\x1b\\" in a trainer's note would set the clipboard)."""
    return Text(printable(text), style=style)


def shown(text: str) -> str:
    """People's text to put inside a markup string: control characters gone, brackets
    escaped ("[/]" failed the app, "[ask about price]" vanished)."""
    return escape(printable(text))


class PlainTable(DataTable[Any]):
    """A DataTable whose text cells are shown as they are. DataTable reads a str cell as
    markup: a scenario title, a rep's name or a note holding "[/b]" failed the whole app,
    "[ask about price]" vanished and "[@click=app.quit]" made a cell an action. A cell that
    is styled on purpose is passed as a rich Text."""

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        as_text = [plain(c) if isinstance(c, str) else c for c in cells]
        return super().add_row(*as_text, **kwargs)


class PersonaCard(Static):
    DEFAULT_CSS = """
    PersonaCard { border-left: thick $accent; background: $accent 10%; padding: 0 1;
                  height: auto; }
    """

    def __init__(self, scenario: Scenario, **kwargs: object) -> None:
        p = scenario.persona
        text = (
            f"[b]{shown(p.name)}[/b], {shown(p.role)} at {shown(p.company)}\n"
            f"[dim]Difficulty {scenario.difficulty}/5 · skills: "
            f"{shown(', '.join(scenario.skills))}[/dim]"
        )
        super().__init__(text, **kwargs)  # type: ignore[arg-type]


def level_bar(level: int | None) -> str:
    if level is None:
        return "[dim]not scored[/dim]"
    colour = "red" if level <= 2 else "yellow" if level == 3 else "green"
    return f"[{colour}]{'█' * level}{'░' * (5 - level)}[/] {level}/5"


def kpi_text(k: Kpis) -> str:
    """The hard numbers, one per line."""
    from roleplay.domain.kpis import describe

    lines = ["[b]Numbers[/b]"] + [f"{label.capitalize()}: {value}" for label, value in describe(k)]
    return "\n".join(lines)


class TitleBar(Static):
    """The top line. (Textual's Header keeps a title watcher after its screen is gone, which
    fails when a call's screens are switched quickly; a static line has nothing to watch.)"""

    DEFAULT_CSS = """
    TitleBar { dock: top; height: 1; background: $panel; color: $text; padding: 0 1;
               text-align: center; }
    """

    def __init__(self, subtitle: str = "practise sales conversations") -> None:
        super().__init__(f"[b]roleplay[/b] [dim]— {subtitle}[/dim]")
        self._subtitle = subtitle

    def on_mount(self) -> None:
        self._fit()
        if not getattr(self.app, "services_ready", True):  # the workspace is known later
            self.app.services_built.subscribe(self, lambda _problem: self._fit())  # type: ignore[attr-defined]

    def on_resize(self) -> None:
        self._fit()

    @while_open
    def _fit(self) -> None:
        """Which workspace's sessions these are (they differ by folder; `roleplay doctor`
        says more). A narrow terminal drops the subtitle, then the path's head."""
        if not getattr(self.app, "services_ready", False):
            return  # still starting (or another app)
        services = self.app.services  # type: ignore[attr-defined]
        where = short_path(services.workspace.root)
        room = (self.size.width or self.app.size.width) - 2
        full = f"roleplay — {self._subtitle} · workspace {where}"
        if len(full) <= room:
            self.update(
                f"[b]roleplay[/b] [dim]— {shown(self._subtitle)} · workspace[/dim] " + shown(where)
            )
            return
        head = "roleplay · workspace "
        if len(head) + len(where) > room:
            where = "…" + where[-max(8, room - len(head) - 1) :]
        self.update(f"[b]roleplay[/b] [dim]· workspace[/dim] {shown(where)}")


def plural(n: int, word: str) -> str:
    """'1 session', '2 sessions'."""
    return f"{n} {word}{'' if n == 1 else 's'}"
