"""Review one session: transcript with comments pinned to turns, the judge's levels with the
reviewers' overrides beside them (never over them), mark reviewed, play a turn, export."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Select, Static

from roleplay.domain.history import SessionView
from roleplay.tui.failures import ReportsFailures
from roleplay.tui.later import while_open
from roleplay.tui.screens.practice import TurnLine
from roleplay.tui.screens.scorecard import highlight, turn_text
from roleplay.tui.widgets import KeysFooter, TitleBar, level_bar, plain, shown

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp


class CommentDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", show=False)]

    def __init__(self, turn: int) -> None:
        super().__init__()
        self.turn = turn

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Comment on turn {self.turn}", classes="title")
            yield Input(placeholder="What the rep should hear about this moment", id="text")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#text")
    def _save(self) -> None:
        self.dismiss(self.query_one("#text", Input).value)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class OverrideDialog(ModalScreen[tuple[str, int, str] | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", show=False)]

    def __init__(self, criteria: list[tuple[Text, str]]) -> None:
        super().__init__()
        self.criteria = criteria

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Your level for a criterion (the judge's stays beside it)", classes="title")
            yield Select(self.criteria, prompt="Criterion", id="criterion")
            yield Select([(str(n), n) for n in range(1, 6)], prompt="Level", id="level")
            yield Input(placeholder="Reason: what in the call justifies it", id="reason")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        criterion = self.query_one("#criterion", Select).value
        level = self.query_one("#level", Select).value
        if criterion is Select.NULL or level is Select.NULL:
            self.notify("Pick a criterion and a level.", severity="warning")
            return
        self.dismiss((str(criterion), int(str(level)), self.query_one("#reason", Input).value))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class ReviewScreen(ReportsFailures, Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back", id="review.close"),
        Binding("c", "comment", "Comment on turn", id="review.comment"),
        Binding("o", "override", "Override a level", id="review.override"),
        Binding("m", "mark", "Mark reviewed", id="review.mark"),
        Binding("p", "play", "Play turn", id="review.play"),
        Binding("e", "export", "Export HTML", id="review.export"),
        Binding("up", "move(-1)", "Previous turn", show=False, id="review.up"),
        Binding("down", "move(1)", "Next turn", show=False, id="review.down"),
    ]

    def __init__(self, view: SessionView) -> None:
        super().__init__()
        self.view = view
        self.current = 0

    @property
    def rapp(self) -> RoleplayApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="review-title")
        with Horizontal(id="review-body"):
            yield VerticalScroll(id="review-turns")
            yield VerticalScroll(id="review-side")
        yield KeysFooter()

    async def on_mount(self) -> None:
        await self._render_view()

    async def _render_view(self) -> None:
        v = self.view
        r = v.record
        mark = v.reviewed[-1] if v.reviewed else None
        state = f"reviewed by {mark.author}" if mark else "not reviewed yet"
        self.query_one("#review-title", Static).update(
            # Titles, names, comments and turns are people's text, never markup.
            f"[b]{shown(r.scenario.title or r.scenario.id)}[/b] · {shown(r.rep)}"
            + (f" ({shown(r.team)})" if r.team else "")
            + f" · {r.started_at:%Y-%m-%d %H:%M} · {shown(state)}"
        )
        turns = self.query_one("#review-turns", VerticalScroll)
        await turns.remove_children()
        by_turn: dict[int | None, list[str]] = {}
        for note in v.comments:
            by_turn.setdefault(note.turn, []).append(
                f"[yellow]✎ {shown(note.author)}:[/] {shown(note.text)}"
            )
        lines = []
        for t in v.turns:
            who = "Rep" if t.speaker == "rep" else "Customer"
            text = turn_text(t, who, t.index in v.audio)
            for pinned in by_turn.get(t.index, []):
                text += f"\n  {pinned}"
            lines.append(TurnLine(text, classes=t.speaker, id=f"rturn-{t.index}"))
        await turns.mount_all(lines)
        side = self.query_one("#review-side", VerticalScroll)
        await side.remove_children()
        items: list[Static] = []
        card = v.scorecard
        if card is None:
            items.append(Static("No scorecard yet."))
        else:
            overall = "-" if card.overall is None else f"{card.overall:.1f}"
            items.append(Static(f"[b]Judge: {overall}/5[/b] [dim]({shown(card.judge)})[/dim]"))
            for c in card.criteria:
                human = [o for o in v.overrides if o.criterion == c.id]
                line = f"{shown(c.name)}\n  judge {level_bar(c.level)}"
                if human:
                    o = human[-1]
                    line += f"\n  {shown(o.author)} {level_bar(o.level)}: {shown(o.reason)}"
                items.append(Static(line))
        general = by_turn.get(None, [])
        if general:
            items.append(Static("[b]On the whole call[/b]\n" + "\n".join(general)))
        await side.mount_all(items)
        self.call_after_refresh(self._show_current)

    def _show_current(self) -> None:
        highlight(self, f"#rturn-{self.current}")

    def action_move(self, step: int) -> None:
        self.current = max(0, min(len(self.view.turns) - 1, self.current + step))
        self._show_current()

    def action_close(self) -> None:
        self.dismiss()

    def action_comment(self) -> None:
        def save(text: str | None) -> None:
            if text:
                self._act(
                    lambda: self.rapp.services.reviews.comment(
                        self.view.id, text, turn=self.current
                    ),
                    "Comment saved.",
                )

        self.app.push_screen(CommentDialog(self.current), save)

    def action_override(self) -> None:
        if self.view.scorecard is None:
            self.notify("Score the session first.", severity="warning")
            return
        criteria = [(plain(c.name), c.id) for c in self.view.scorecard.criteria]  # not markup

        def save(choice: tuple[str, int, str] | None) -> None:
            if choice:
                criterion, level, reason = choice
                self._act(
                    lambda: self.rapp.services.reviews.override(
                        self.view.id, criterion, level, reason
                    ),
                    "Override saved.",
                )

        self.app.push_screen(OverrideDialog(criteria), save)

    def action_mark(self) -> None:
        self._act(
            lambda: self.rapp.services.reviews.mark_reviewed(self.view.id), "Marked reviewed."
        )

    def action_play(self) -> None:
        if self.current not in self.view.audio:
            self.notify("This turn has no audio.", severity="warning")
            return
        self._play(self.current)

    @work(thread=True, exit_on_error=False, exclusive=True, group="review-play")
    def _play(self, turn: int) -> None:
        result = self.rapp.services.reviews.play(self.view.id, turn)
        if not result.played:
            self.app.call_from_thread(
                self.notify,
                f"Not played: {result.reason}. The file is {result.path}",
                severity="warning",
                timeout=10,
            )

    @work(thread=True, exit_on_error=False, exclusive=True, group="review-export")
    def action_export(self) -> None:
        from roleplay.config import data_dir

        html = self.rapp.services.reviews.export(self.view.id, "html")
        path = data_dir() / "exports" / f"{self.view.id}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, "utf-8")
        self.app.call_from_thread(self.notify, f"Exported to {path}")

    @work(thread=True, exit_on_error=False, exclusive=True, group="review-change")
    def _act(self, change: Callable[[], object], done: str) -> None:
        try:
            change()
            view = self.rapp.services.reviews.open(self.view.id)
        except ValueError as exc:  # ReviewError and validation errors: say what was wrong
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(self._changed, view, done)

    @while_open
    def _changed(self, view: SessionView, done: str) -> None:
        self.view = view
        self.call_later(self._render_view)
        self.notify(done)
