"""Scorecard: levels, evidence quotes that jump to their turn, tips, KPIs, pass/fail, when each
skill comes back; and the transcript view those quotes open."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from roleplay.domain.kpis import said_over
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import Transcript, Turn
from roleplay.presentation.format import clock, comes_back, tip_example
from roleplay.tui.failures import ReportsFailures
from roleplay.tui.later import while_open
from roleplay.tui.screens.practice import TurnLine
from roleplay.tui.widgets import KeysFooter, TitleBar, kpi_text, level_bar, shown

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp


class ScorecardScreen(ReportsFailures, Screen[None]):
    BINDINGS = [
        Binding("t", "transcript", "Transcript", id="scorecard.transcript"),
        Binding("escape", "close", "Done", id="scorecard.close"),
        # While the commitment box has the focus, these still scroll the scorecard.
        Binding("up", "scroll_card('up')", "Scroll up", show=False, id="scorecard.up"),
        Binding("down", "scroll_card('down')", "Scroll down", show=False, id="scorecard.down"),
        Binding("pageup", "scroll_card('page_up')", "Page up", show=False, id="scorecard.pgup"),
        Binding(
            "pagedown", "scroll_card('page_down')", "Page down", show=False, id="scorecard.pgdn"
        ),
    ]

    def __init__(
        self,
        transcript: Transcript,
        card: Scorecard,
        comes_back: dict[str, date] | None = None,
        suggestion: str | None = None,
        stays_today: frozenset[str] = frozenset(),
    ) -> None:
        """`stays_today`: skills of `comes_back` that Today keeps due (still below the pass
        level) whatever their day."""
        super().__init__()
        self.transcript = transcript
        self.card = card
        self.comes_back = comes_back or {}
        self.suggestion = suggestion
        self.stays_today = stays_today

    @property
    def rapp(self) -> RoleplayApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        c = self.card
        yield TitleBar()
        if c.overall is None:
            verdict = "not scored"
        else:
            verdict = (
                f"[b]{c.overall:.1f}[/b] / 5 · "
                + ("[green b]PASS[/]" if c.passed else "[yellow b]NOT YET[/]")
                + f" (pass at {c.pass_threshold:.1f})"
            )
        judge = "offline judge, approximate" if c.approximate else f"judge {c.judge}"
        yield Static(f"{verdict}   [dim]{judge}[/dim]", id="verdict")
        with Horizontal(id="scorecard-body"):
            yield OptionList(*self._options(), id="criteria")
            with VerticalScroll(id="scorecard-side"):
                names = {x.id: x.name for x in c.criteria}
                if c.strengths:
                    yield Static(
                        "[b]Strengths[/b]\n" + "\n".join(shown(names[i]) for i in c.strengths)
                    )
                if c.priorities:
                    yield Static(
                        "[b]Priorities[/b]\n" + "\n".join(shown(names[i]) for i in c.priorities)
                    )
                yield Static(kpi_text(c.kpis), id="kpis")
                if self.comes_back:  # as Today says it (presentation/format.py)
                    lines = comes_back(self.comes_back, self.stays_today)
                    yield Static(
                        "[b]Comes back[/b]\n" + "\n".join(map(shown, lines)), id="comes-back"
                    )
                for chk in c.commitments:
                    kept = {True: "kept", False: "not kept", None: "not tested"}[chk.kept]
                    yield Static(
                        f"[b]Your commitment[/b] “{shown(chk.commitment)}”: {kept}. "
                        + shown(chk.reason)
                    )
                for note in c.notes:
                    yield Static(f"[dim]{shown(note)}[/dim]")
        if self.transcript.record.mode == "transcript":
            yield from self._drill_offer()
        if self.suggestion is not None:
            with Vertical(id="commit-box"):
                yield Static("[b]One thing for next time[/b] (edit it, or skip):")
                with Horizontal():
                    yield Input(self.suggestion, id="commitment")
                    yield Button("Commit", id="commit", variant="primary")
                    yield Button("Skip", id="skip")
        yield KeysFooter()

    def _drill_offer(self) -> ComposeResult:
        """A real call's weakest moments and the offer to drill them, as `score --save` makes
        it on the command line; nothing is written until the rep says so."""
        from roleplay.domain.call_drill import weakest_moments

        moments = weakest_moments(self.transcript, self.card)
        if not moments:
            return
        lines = [
            f"{shown(m.name)} (level {m.level}): customer at {clock(m.opening.start)} "
            f"“{shown(m.opening.text[:80])}”"
            for m in moments
        ]
        with Vertical(id="drill-offer"):
            yield Static("[b]Weakest moments of this call[/b]\n" + "\n".join(lines))
            with Horizontal():
                yield Button("Make drills from them", id="make-drills", variant="primary")
                yield Button("Not now", id="no-drills")

    @on(Button.Pressed, "#no-drills")
    def _no_drills(self) -> None:
        self.query_one("#drill-offer").remove()

    @on(Button.Pressed, "#make-drills")
    def _make_drills_pressed(self) -> None:
        self.query_one("#make-drills", Button).disabled = True
        self._make_drills()

    @on(Button.Pressed, "#replace-drills")
    def _replace_drills_pressed(self) -> None:
        self.query_one("#replace-drills", Button).disabled = True
        self._make_drills(force=True)

    @on(Button.Pressed, "#keep-drills")
    def _keep_drills(self) -> None:
        self.query_one("#drill-offer").remove()
        self.notify("Drills kept as they are; they stay in the Library (F2) and your queue.")

    @work(thread=True, exit_on_error=False, group="call-drills")
    def _make_drills(self, force: bool = False) -> None:
        from roleplay.services.call_drills import CallDrillError, DrillFilesExist
        from roleplay.services.catalog import UnknownScenario

        try:
            made = self.rapp.services.make_drills(self.transcript.record.id, force=force)
        except DrillFilesExist as exc:  # the CLI's message names --force, which the app has not
            self.app.call_from_thread(self._ask_to_replace, exc.paths)
            return
        except (CallDrillError, UnknownScenario) as exc:
            self.app.call_from_thread(self._drills_failed, str(exc))
            return
        names = ", ".join(f"{d.drill} ({d.skill}, {d.path.name})" for d in made)
        kept = [d.replaced.name for d in made if d.replaced is not None]
        if kept:
            names += f". The old file{'s are' if len(kept) > 1 else ' is'} kept as " + ", ".join(
                kept
            )
        self.app.call_from_thread(self._drills_made, names)

    @while_open
    def _ask_to_replace(self, paths: list[Path]) -> None:
        """Drill files from this call are there (a trainer may have edited them): say which,
        and ask before replacing them, as `call-drills --make --force` does on the command
        line (each old file kept beside it as NAME.yaml.bak)."""
        offers = self.query("#drill-offer")
        if not offers:  # "Not now" was pressed meanwhile: nothing to ask
            return
        offer = offers.first()
        offer.remove_children()  # the children as they are now; what is mounted next stays
        files = "\n".join(f"  {shown(str(p))}" for p in paths)
        offer.mount(
            Static(
                "[b]Drills from this call were made before[/b]; roleplay left them alone "
                f"(a trainer may have edited them):\n{files}\n"
                "Keep them and practise them as they are, or replace them with new ones "
                "(each old file is kept beside it as NAME.yaml.bak)."
            ),
            Horizontal(
                Button("Replace them (keep a .bak copy)", id="replace-drills", variant="warning"),
                Button("Keep them", id="keep-drills"),
            ),
        )

    @while_open
    def _drills_failed(self, message: str) -> None:
        self.notify(message, severity="error")
        for button in self.query("#make-drills, #replace-drills").results(Button):
            button.disabled = False  # the rep may fix the cause and try again

    @while_open
    def _drills_made(self, names: str) -> None:
        self.query("#drill-offer").remove()
        self.rapp.sessions_changed.publish(self.transcript.record.id)
        self.notify(f"Drills made and validated: {names}. They join your queue for the skill.")

    def _options(self) -> list[Option | None]:
        """Every text here is the rep's, the judge's or the rubric's: escaped, never markup
        (a quote of the rep saying "[/]" failed the scorecard)."""
        options: list[Option | None] = []
        for c in self.card.criteria:
            head = f"{shown(c.name)}  {level_bar(c.level)}  [dim]weight {c.weight:g}[/dim]"
            if c.spread is not None:
                head += f"  [dim]samples {','.join(map(str, c.samples))}[/dim]"
            if c.unsupported:
                head += "  [red]unsupported[/]"
            options.append(Option(head + f"\n[dim]{shown(c.rationale)}[/dim]", disabled=True))
            for n, e in enumerate(c.evidence):
                options.append(
                    Option(
                        f"  [green]+[/] “{shown(e.quote)}” "
                        f"[dim](turn {e.turn}, {clock(e.time)})[/dim]",
                        id=f"{c.id}:{n}:{e.turn}",
                    )
                )
            for n, e in enumerate(c.counter_evidence):
                options.append(
                    Option(
                        f"  [red]−[/] “{shown(e.quote)}” [dim](turn {e.turn})[/dim]",
                        id=f"{c.id}:x{n}:{e.turn}",
                    )
                )
            example = tip_example(c.tip, c.example)
            tip = c.tip + (f" e.g. “{example}”" if example else "")
            options.append(Option(f"  [b]Next time:[/b] {shown(tip)}", disabled=True))
            options.append(None)
        return options

    @on(OptionList.OptionSelected, "#criteria")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            turn = int(event.option.id.rsplit(":", 1)[1])
            self.app.push_screen(TranscriptScreen(self.transcript, highlight=turn))

    def action_scroll_card(self, where: str) -> None:
        """Scroll the criteria (the focused commitment box keeps the keys it needs)."""
        criteria = self.query_one("#criteria", OptionList)
        {
            "up": criteria.scroll_up,
            "down": criteria.scroll_down,
            "page_up": criteria.scroll_page_up,
            "page_down": criteria.scroll_page_down,
        }[where](animate=False)

    def action_transcript(self) -> None:
        self.app.push_screen(TranscriptScreen(self.transcript))

    def action_close(self) -> None:
        self.dismiss()

    @on(Button.Pressed, "#commit")
    def _commit(self) -> None:
        text = self.query_one("#commitment", Input).value.strip()
        self._save_commitment(text or None)

    @on(Input.Submitted, "#commitment")
    def _commit_enter(self) -> None:
        self._commit()

    @on(Button.Pressed, "#skip")
    def _skip(self) -> None:
        self.query_one("#commit-box").remove()

    @work(thread=True, exit_on_error=False, group="commit")
    def _save_commitment(self, text: str | None) -> None:
        try:
            saved = self.rapp.services.habit(self.transcript.record.rep).commit(
                self.transcript.record.id, text
            )
        except ValueError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._committed, saved.text)

    @while_open
    def _committed(self, text: str) -> None:
        self.query_one("#commit-box").remove()
        self.rapp.sessions_changed.publish(self.transcript.record.id)
        end = "" if text.rstrip().endswith((".", "!", "?", "…")) else "."  # never ".."
        self.notify(f"Committed: {text}{end} Your next session on this skill will remind you.")


class TranscriptScreen(Screen[None]):
    """A session's turns; an evidence quote opens it at its turn. A session without a
    scorecard (opened from History) can be scored from here: `s`, as `roleplay score ID`."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="transcript.close"),
        Binding("p", "play", "Play turn audio", id="transcript.play"),
        Binding("s", "score", "Score this call", id="transcript.score"),
        Binding("up", "move(-1)", "Previous turn", show=False, id="transcript.up"),
        Binding("down", "move(1)", "Next turn", show=False, id="transcript.down"),
    ]

    def __init__(
        self, transcript: Transcript, highlight: int | None = None, *, can_score: bool = False
    ) -> None:
        """`can_score`: the session has no scorecard yet, and `s` scores it."""
        super().__init__()
        self.transcript = transcript
        self.current = highlight if highlight is not None else 0
        self.can_score = can_score

    @property
    def session_id(self) -> str:
        return self.transcript.record.id

    @property
    def rapp(self) -> RoleplayApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        r = self.transcript.record
        yield TitleBar()
        yield Static(
            f"[b]{shown(r.scenario.title or r.scenario.id)}[/b] · {shown(r.rep)} · "
            f"{r.started_at:%Y-%m-%d %H:%M}",
            id="transcript-title",
        )
        if self.can_score:
            from roleplay.tui.screens.quit_call import judge_words

            yield Static(
                "Not scored yet. Press s to score this call "
                f"{judge_words(self.rapp.services.offline)}; its scorecard opens here.",
                id="transcript-unscored",
                classes="muted",
            )
        customer = self.rapp.customer_name(r.scenario.id)  # as the live call said it
        with VerticalScroll(id="transcript-turns"):
            for t in self.transcript.turns:
                who = "You" if t.speaker == "rep" else customer
                yield TurnLine(
                    turn_text(t, who, bool(getattr(t, "audio", None)), rep="you"),
                    classes=t.speaker,
                    id=f"turn-{t.index}",
                )
        yield KeysFooter()

    def on_mount(self) -> None:
        self._show_current()

    def _show_current(self) -> None:
        highlight(self, f"#turn-{self.current}", top=True)

    def action_move(self, step: int) -> None:
        self.current = max(0, min(len(self.transcript.turns) - 1, self.current + step))
        self._show_current()

    def action_play(self) -> None:
        turn = self.transcript.turns[self.current] if self.transcript.turns else None
        if turn is not None:
            self.rapp.play_turn(self.transcript, turn)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.can_score or action != "score"  # a scored session has no such key

    def action_score(self) -> None:
        if self.can_score:
            self.rapp.score_session(self.session_id)

    def action_close(self) -> None:
        self.dismiss()


def turn_text(t: Turn, who: str, audio: bool, rep: str = "the rep") -> str:
    """One turn as a transcript shows it (markup; people's words escaped). A "Right." said
    inside the other's sentence is indented under it and says whom it was said over."""
    over = said_over(t, rep=rep)
    stamp, name = f"[dim]{clock(t.start)}[/dim]", shown(who)
    if over:
        head = f"    {stamp} [b]{name}[/b] [dim](over {shown(over)})[/dim]:"
    else:
        head = f"{stamp} [b]{name}:[/b]"
    sound = " [dim]♪[/dim]" if audio else ""
    return f"{head} {shown(t.text)}{sound}"


def highlight(screen: Screen[Any], selector: str, top: bool = False) -> None:
    """Mark the transcript's current turn, and scroll it into view."""
    for line in screen.query(TurnLine):
        line.remove_class("highlight")
    found = screen.query(selector)
    if found:
        found.first().add_class("highlight")
        found.first().scroll_visible(animate=False, top=top)
