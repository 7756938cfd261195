"""Practice: persona and brief, the live transcript, state line, timer, keys to talk or type,
replay the customer's last line, and end the call. No hints and no lecturing during the call.

The engine runs in thread workers (it blocks on the customer model); each sentence comes back
through `call_from_thread` as soon as it exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static

from roleplay.errors import disk_problem
from roleplay.presentation.format import clock
from roleplay.services.engine import CallState, Conversation
from roleplay.services.ports import (
    CustomerEvent,
    CustomerUnavailable,
    Sentence,
    SpeechUnavailable,
)
from roleplay.services.recovery import CustomerRecovery, Recovery
from roleplay.services.voice_events import (
    BargeIn,
    CallEnded,
    CustomerSentence,
    CustomerTurn,
    MicLevel,
    Notice,
    PartialTranscript,
    RepTurn,
    StateChanged,
    VoiceEvent,
)
from roleplay.tui.failures import FailureDialog, ReportsFailures
from roleplay.tui.later import while_open
from roleplay.tui.widgets import (
    SMALL_HEIGHT,
    KeysFooter,
    OfflineBanner,
    PersonaCard,
    TitleBar,
    plain,
    shown,
)

if TYPE_CHECKING:
    from roleplay.services.voice_call import VoiceCall
    from roleplay.tui.app import RoleplayApp

VOICE_STATES = {
    "loading": "loading the speech model…",
    "listening": "listening",
    "rep-speaking": "listening (you are speaking)",
    "thinking": "transcribing · customer thinking",
    "customer-speaking": "customer speaking",
    "ended": "call ended",
}


class TurnLine(Static):
    DEFAULT_CSS = """
    TurnLine { padding: 0 1; margin-bottom: 1; height: auto; }
    TurnLine.rep { color: $text; background: $primary 15%; }
    TurnLine.customer { color: $text; }
    TurnLine.partial { color: $text-muted; text-style: italic; }
    """


class FailureChoice(ModalScreen[str]):
    """The customer model failed mid-call. Every turn so far is saved. Esc ends the call, as
    the footer under the dialog says (it did nothing: the dialog took the key)."""

    BINDINGS = [Binding("escape", "dismiss('end')", "End call", show=False)]

    def __init__(self, message: str, can_go_offline: bool) -> None:
        super().__init__()
        self._message = message
        self._offline = can_go_offline

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("The customer could not answer", classes="title")
            yield Static(plain(self._message), id="failure-message")  # a server's text
            yield Static("Everything said so far is saved.", classes="muted")
            with Horizontal(classes="buttons"):
                yield Button("Retry", id="retry", variant="primary")
                if self._offline:
                    yield Button("Continue offline", id="offline")
                yield Button("End call", id="end", variant="error")

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "end")


class ConfirmEnd(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "dismiss(False)", "Keep talking", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("End the call now?", classes="title")
            with Horizontal(classes="buttons"):
                yield Button("End call", id="yes", variant="error")
                yield Button("Keep talking", id="no", variant="primary")

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class VoiceMessage(Message):
    """A voice-call event, posted from the call's threads. Mic levels and partial transcripts
    replace older ones still waiting, so a stream of them never floods the UI."""

    def __init__(self, event: VoiceEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, VoiceMessage)
            and type(message.event) is type(self.event)
            and isinstance(self.event, MicLevel | PartialTranscript)
        )


class PracticeScreen(ReportsFailures, Screen[None]):
    BINDINGS = [
        Binding("ctrl+t", "toggle_talk", "Talk", id="practice.talk", priority=True),
        Binding("tab", "type", "Type", id="practice.type", show=False),
        Binding("ctrl+r", "replay", "Replay", id="practice.replay", priority=True),
        Binding("escape", "end_call", "End call", id="practice.end", priority=True),
    ]

    def __init__(
        self,
        call: Conversation,
        *,
        voice: VoiceCall | None = None,
        reminders: Sequence[str] = (),
    ) -> None:
        """`reminders`: the rep's open commitments about the skills this call trains."""
        super().__init__()
        self.call = call
        self.voice = voice
        self.reminders = tuple(reminders)
        self._brief_lines = 3  # as app.tcss has it
        self._customer_name = call.run.scenario.persona.name.split()[0]
        self._live: TurnLine | None = None
        self._live_text = ""
        self._state = "starting"
        self._ended = False
        self._replying = False  # the customer's reply is being streamed (a worker)
        self._end_after_reply = False  # the rep ended the call meanwhile

    @property
    def ended(self) -> bool:
        """The call has ended (it is being scored or was): another call may start."""
        return self._ended

    @property
    def rapp(self) -> RoleplayApp:
        return self.app  # type: ignore[return-value]

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        s = self.call.run.scenario
        yield TitleBar()
        if self.rapp.services.offline:
            yield OfflineBanner()
        with Horizontal(id="practice-top"):
            yield PersonaCard(s, id="persona-card")
            with Vertical(id="status-box"):
                yield Static("", id="timer")
                yield Static("", id="state")
                yield Static("", id="meter")
        for line in self.reminders:
            yield Static(shown(line), classes="reminder")
        with VerticalScroll(id="practice-brief"):
            yield Static(shown(s.brief))
        yield VerticalScroll(id="turns")
        yield Static("", id="partial")
        yield Input(placeholder="Type what you would say, Enter to send", id="say")
        yield KeysFooter()

    DEFAULT_CSS = """
    PracticeScreen.-small #say { border: none; height: 1; padding: 0 1; }
    """

    def on_resize(self) -> None:
        # A small terminal (40x10, 60x16) had no row left for the call's lines, and the
        # screen scrolled the offline banner away: there the persona card and brief (what
        # can wait) give way; below 16 rows the timer and state too.
        small = self.size.height < SMALL_HEIGHT
        self.set_class(small, "-small")
        self.query_one("#persona-card").display = not small
        self.query_one("#practice-brief").display = not small
        for reminder in self.query(".reminder"):
            reminder.display = not small
        self.query_one("#practice-top").display = self.size.height >= 16
        # 3 lines (the stylesheet's) fit 80x24; a taller terminal shows the whole brief (it
        # still scrolls). Changed only when it must: a re-layout moves the transcript.
        lines = 3 if self.size.height < 32 else 10
        if lines != self._brief_lines:
            self._brief_lines = lines
            self.query_one("#practice-brief").styles.max_height = lines
            turns = self.query_one("#turns", VerticalScroll)
            self.call_after_refresh(turns.scroll_end, animate=False)

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)
        if self.voice is not None:
            self.query_one("#say", Input).display = False
            self._set_state("loading the speech model…")
            self._run_voice()
            return
        self.query_one("#say", Input).focus()
        self._set_state("customer speaking")
        self._reply(lambda: self.call.start())

    # --- a spoken call -------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="call")
    def _run_voice(self) -> None:
        voice = self.voice
        assert voice is not None
        try:
            voice.prepare()
        except SpeechUnavailable as exc:
            self.app.call_from_thread(self._voice_failed, str(exc))
            return
        voice.run()  # the call's own threads post VoiceMessages; this returns when it ends

    @while_open
    def _voice_failed(self, message: str) -> None:
        self.notify(message, title="Speech is not available", severity="error", timeout=15)
        self.voice = None
        self.refresh_bindings()  # Talk leaves the footer
        self.query_one("#say", Input).display = True
        self.query_one("#say", Input).focus()
        self._set_state("typing instead")
        self._reply(lambda: self.call.start())

    @while_open
    def on_voice_message(self, message: VoiceMessage) -> None:
        event = message.event
        if isinstance(event, StateChanged):
            self._set_state(VOICE_STATES.get(event.state.value, event.state.value))
        elif isinstance(event, MicLevel):
            level = max(0, min(20, round((event.db + 60) / 3)))
            colour = "green" if event.speech else "dim"
            self.query_one("#meter", Static).update(
                f"mic [{colour}]{'▮' * level}{'▯' * (20 - level)}[/]"
            )
        elif isinstance(event, PartialTranscript):
            self.query_one("#partial", Static).update(f"[i]{shown(event.text)}[/i]")
        elif isinstance(event, RepTurn):
            self.query_one("#partial", Static).update("")
            self._add("rep", event.turn.text)
        elif isinstance(event, CustomerSentence):
            self._customer_sentence(event.text)
        elif isinstance(event, CustomerTurn):
            self._live = None
        elif isinstance(event, BargeIn):
            self.notify("You spoke over the customer: they stopped.", timeout=3)
        elif isinstance(event, Notice):
            self.notify(event.message, timeout=6)
        elif isinstance(event, CallEnded):
            self._finish()

    # --- the conversation ------------------------------------------------------------------

    @on(Input.Submitted, "#say")
    def _said(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or self.call.state is not CallState.AWAITING_REP:
            return
        event.input.value = ""
        line = self._add("rep", text)
        self._set_state("customer thinking")
        self._reply(lambda: self.call.rep_says(text), said=(text, line))

    def _reply(
        self,
        events: Callable[[], Iterator[CustomerEvent]],
        said: tuple[str, TurnLine] | None = None,
    ) -> None:
        """The customer speaks (in a worker): until they are done, ending the call waits.
        `said`: the rep's line this answers, and where it is shown."""
        self._replying = True
        self._run(events, said)

    @work(thread=True, exit_on_error=False, exclusive=True, group="call")
    def _run(
        self,
        events: Callable[[], Iterator[CustomerEvent]],
        said: tuple[str, TurnLine] | None = None,
    ) -> None:
        try:
            for event in events():
                if isinstance(event, Sentence):
                    self.app.call_from_thread(self._customer_sentence, event.text)
        except CustomerUnavailable as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except OSError as exc:  # a full disk, a read-only recordings folder
            self.app.call_from_thread(self._not_saved, exc, said)
            return
        self.app.call_from_thread(self._reply_done)

    @while_open
    def _customer_sentence(self, text: str) -> None:
        self._set_state("customer speaking")
        if self._live is None:
            self._live_text = text
            self._live = self._add("customer", text)
        else:
            self._live_text = f"{self._live_text} {text}"
            self._live.update(f"[b]{shown(self._customer_name)}:[/b] {shown(self._live_text)}")
            # The line grew: keep its end in view (a long reply was cut at 80x24).
            turns = self.query_one("#turns", VerticalScroll)
            self.call_after_refresh(turns.scroll_end, animate=False)

    @while_open
    def _reply_done(self) -> None:
        self._live = None
        self._replying = False
        if self.call.state is CallState.ENDED or self._end_after_reply:
            self._finish()
        else:
            self._set_state(
                "your turn: type, or press ctrl+t to talk" if self.voice else "your turn"
            )

    @while_open
    def _failed(self, message: str) -> None:
        self._live = None
        self._replying = False
        if self._end_after_reply:  # the rep already ended the call: what was said is saved
            self._finish()
            return
        self._set_state("customer unavailable")
        services = self.rapp.services
        fallback = None if services.offline else services.offline_customer
        recovery = CustomerRecovery(self.call, fallback)  # the policy every call shares

        def chosen(choice: str | None) -> None:
            offered = {c.value: c for c in recovery.choices()}
            events = recovery.apply(offered.get(choice or "", Recovery.END), self.notify)
            if events is None:
                self._finish()
                return
            self._set_state("customer thinking")
            self._reply(lambda: events)

        self.app.push_screen(FailureChoice(message, recovery.can_go_offline), chosen)

    @while_open
    def _not_saved(self, error: OSError, said: tuple[str, TurnLine] | None) -> None:
        """The call could not be written. It froze here ("customer speaking", or "ending the
        call once the customer is done…" for good) and every other call led back to it: now
        the rep is told what failed and what to do, and is never left on a dead call."""
        self._live = None
        self._replying = False
        what, hint = disk_problem(error) or (str(error) or type(error).__name__, "")
        hint = f" ({hint})" if hint else ""
        if self.call.state is CallState.NOT_STARTED:  # its folder could not be made
            self._ended = True
            self.query_one("#say", Input).disabled = True
            self._set_state("not started")
            if self.is_current:
                self.dismiss()
            self.app.push_screen(
                FailureDialog(
                    "The call could not start",
                    f"{what}.",
                    f"Nothing was saved. Fix that{hint}, then start the call again.",
                )
            )
            return
        if self.call.state is CallState.AWAITING_REP and said is not None:
            text, line = said  # the rep's line was not saved: it is theirs to send again
            line.remove()
            box = self.query_one("#say", Input)
            box.value = text
            self._end_after_reply = False  # ended meanwhile: the rep chooses again, told why
            box.disabled = False
            box.focus()
            self._set_state("your last line was not saved")
            self.app.push_screen(
                FailureDialog(
                    "Your line was not saved",
                    f"{what}.",
                    f"Everything said before it is saved. Fix that{hint}, then press Enter to "
                    "send it again, or Esc to end the call.",
                )
            )
            return
        self._ended = True  # the customer's line could not be saved: the call stops here
        self.query_one("#say", Input).disabled = True
        self._set_state("call stopped: not saved")
        self.app.push_screen(
            FailureDialog(
                "The call stopped",
                f"{what}.",
                f"Everything said before this line is saved. Fix that{hint}; the call is in "
                f"History, where s scores it (or `roleplay score {self.call.record.id}`).",
            )
        )

    # --- keys -----------------------------------------------------------------------------

    def action_type(self) -> None:
        self.query_one("#say", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Typing only (no microphone, or speech failed): the footer offered "^t Talk", which
        # only said "type instead". It is hidden, so the keys shown are the ones that work.
        return not (action == "toggle_talk" and self.voice is None)

    def action_toggle_talk(self) -> None:
        if self.voice is None:
            self.notify("No microphone in this session: type instead.", severity="warning")
        else:
            self.voice.press()

    def action_replay(self) -> None:
        last = next((t for t in reversed(self.call.turns) if t.speaker == "customer"), None)
        if last is None:
            return
        self.rapp.replay(self.call, last)

    def action_end_call(self) -> None:
        if self._ended or self._end_after_reply:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.end_now()

        self.app.push_screen(ConfirmEnd(), confirmed)

    def end_now(self) -> None:
        """The rep ends the call (Esc, or Ctrl+Q's "End and score"): it is scored and its
        scorecard opens. A customer's reply in flight stops at once (a slow or hung LLM
        server was waited for until its 30 s timeout); what of it was said is saved."""
        self.call.hang_up()
        if self.voice is not None:
            self.voice.hang_up()  # the call ends and posts CallEnded
        else:
            self._finish()

    # --- helpers --------------------------------------------------------------------------

    def _finish(self) -> None:
        if self._ended:
            return
        self.query_one("#say", Input).disabled = True
        if self._replying:
            # Ended while the customer was still answering: scored at once, the call lost
            # their line (the transcript was read before it was saved) and the line then
            # landed on a closed screen. It is scored once their reply, hung up, has stopped
            # and what of it was said is saved.
            self._end_after_reply = True
            self._set_state("ending the call…")
            return
        self._ended = True
        self._set_state("scoring the call…")
        self.rapp.finish_practice(self.call)

    def _add(self, speaker: str, text: str) -> TurnLine:
        who = "You" if speaker == "rep" else self._customer_name
        # What the rep typed or said and what the model replied are text, never markup: a
        # "[/]" failed the app mid-call, "[Music]" or "[ask about price]" vanished.
        line = TurnLine(f"[b]{shown(who)}:[/b] {shown(text)}", classes=speaker)
        turns = self.query_one("#turns", VerticalScroll)
        turns.mount(line)
        turns.scroll_end(animate=False)
        return line

    def _set_state(self, state: str) -> None:
        self._state = state
        self.query_one("#state", Static).update(f"[b]{state}[/b]")

    def _tick(self) -> None:
        left = self.call.time_left()
        limit = self.call.time_limit
        warn = " [red]time is up: your next line closes the call[/]" if left <= 0 else ""
        self.query_one("#timer", Static).update(
            f"{clock(self.call.elapsed())} / {clock(limit)}{warn}"
        )
