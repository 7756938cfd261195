"""RoleplayApp: receives the services, or a function that builds them (what bare `roleplay`
does: the first frame is drawn before settings, catalog and index are touched, and the
services are built in a worker after it). Tests pass services built on fixture workspaces with
offline adapters and a manual clock.

Nothing here imports more than Textual and the Home screen at start: every other screen and
service loads when first used."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal

from roleplay.tui.background import BackgroundThreads
from roleplay.tui.failures import FailureDialog, ReportsFailures, describe
from roleplay.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from pathlib import Path

    from textual.notifications import SeverityLevel
    from textual.worker import Worker

    from roleplay.composition import Services
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import Transcript, Turn
    from roleplay.services.end_of_call import NothingSaid
    from roleplay.services.engine import Conversation
    from roleplay.services.ports import SpeechToText
    from roleplay.services.ports.clock import Clock
    from roleplay.services.voice_call import VoiceCall
    from roleplay.tui.screens.practice import PracticeScreen, VoiceMessage
    from roleplay.tui.screens.quit_call import ScoringChoice


log = logging.getLogger(__name__)

NO_MICROPHONE = "No microphone found: practice by typing."
TYPE_INSTEAD = "Practice by typing meanwhile."
READY_TO_TALK = "Ready to talk: the speech model is loaded."


class RoleplayApp(ReportsFailures, App[None]):
    TITLE = "roleplay"
    SUB_TITLE = "practise sales conversations"
    CSS_PATH = "app.tcss"
    MODES = {
        "home": HomeScreen,
        # Every screen but the first loads when first opened (the first frame waits for none).
        "library": lambda: _screen("library", "LibraryScreen"),
        "history": lambda: _screen("history", "HistoryScreen"),
        "progress": lambda: _screen("progress", "ProgressScreen"),
        "settings": lambda: _screen("settings", "SettingsScreen"),
        "team": lambda: _screen("team", "TeamScreen"),
    }
    DEFAULT_MODE = "home"
    # How long the exit waits for work still running in the app's threads (a list still
    # reading, a scorecard being saved) before it closes the services anyway.
    EXIT_WAIT_SECONDS = 5.0
    BINDINGS = [
        Binding("f1", "switch_mode('home')", "Today", id="nav.home"),
        Binding("f2", "switch_mode('library')", "Library", id="nav.library"),
        Binding("f3", "switch_mode('history')", "History", id="nav.history"),
        Binding("f4", "switch_mode('progress')", "Progress", id="nav.progress"),
        Binding("f5", "switch_mode('settings')", "Settings", id="nav.settings"),
        Binding("f6", "switch_mode('team')", "Team", id="nav.team"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(
        self,
        services: Services | Callable[[], Services],
        *,
        audio_in: Path | None = None,
        realtime: bool = True,
        voice: bool = True,
    ) -> None:
        """`services`: ready, or a function that builds them after the first frame (errors
        it raises are shown and can be retried); `audio_in`: a recording stands in for the
        microphone (demos, tests); `realtime` paces it as if spoken; `voice=False`: typing
        only, no microphone check."""
        super().__init__()
        self._services: Services | None = None
        self._builder: Callable[[], Services] | None = None
        # Services the app built (at start, on new settings): closed when it exits. Ones
        # replaced by new settings stay open till then (a worker may still use them); ready
        # services passed in are their caller's to close.
        self._built_here: list[Services] = []
        self._threads: BackgroundThreads | None = None  # the thread workers' executor
        self._exiting = False  # services built from now on are closed at once
        if callable(services):
            self._builder = services
            # The rep's theme from the first frame on (not the default, then theirs once the
            # services are built): read from the config file alone, before any frame.
            if (theme := saved_theme()) in self.available_themes:
                self.theme = theme
        else:
            self._services = services
        self.build_problem: BaseException | None = None  # the last build failed (shown)
        self._pending_mode: str | None = None  # a screen asked for while the services build
        self._keys: dict[str, str] = {}  # the rep's remapped keys that work (tui/keys.py)
        self.voice_enabled = voice
        self.audio_in = audio_in
        self.realtime = realtime
        self.microphone: bool | None = None  # None: not checked yet
        self.ready_to_talk = False  # the speech model is loaded
        self._stt: SpeechToText | None = None
        # The call on screen and the mode it was started in: one call at a time (a burst of
        # Enter on Today, or Library while a call runs, started hidden calls that stayed
        # unfinished forever).
        self._call: tuple[str, PracticeScreen] | None = None
        # Sessions being scored (a call just ended, or one scored from History) and the
        # worker scoring each: Ctrl+Q meanwhile says so instead of quitting without a word.
        self._scoring: dict[str, Worker[None]] = {}
        # One event for "the sessions changed" (a call was scored, a commitment saved):
        # Today, History and Progress subscribe and reload, so no screen shows stale data.
        self.sessions_changed: Signal[str] = Signal(self, "sessions-changed")
        # Published once the services are built (None) or their build failed (the error).
        self.services_built: Signal[BaseException | None] = Signal(self, "services-built")
        # Published when saved settings are in use (new services): what a screen drew from
        # the settings (Today's goal, the offline banner) is drawn again.
        self.settings_applied: Signal[None] = Signal(self, "settings-applied")

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A notification shown as written (`markup` is ignored): its text comes from errors,
        files and servers ("set base_url under [llm]"), and screens pass markup=True."""
        from roleplay.domain.text import printable  # and never a control character

        super().notify(
            printable(message),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    @property
    def services(self) -> Services:
        """The services (raises before they are built: check `services_ready` first)."""
        if self._services is None:
            raise RuntimeError("roleplay is still starting: the services are not built yet")
        return self._services

    @services.setter
    def services(self, services: Services) -> None:
        self._services = services

    @property
    def services_ready(self) -> bool:
        return self._services is not None

    def on_mount(self) -> None:
        if self._services is None:
            self.call_after_refresh(self.build_services)  # the first frame waits for none
        else:
            self._started()

    def on_load(self) -> None:
        """Before anything runs: thread workers run where the exit can wait for them."""
        self._threads = BackgroundThreads.install()

    async def on_unmount(self) -> None:
        """The app ends: once the work still running in its threads is done (a screen's list
        still reading holds an index connection until it is), the index connections of the
        services it built close. The screen waits EXIT_WAIT_SECONDS at most; work still
        running then (a call being scored) closes them when it is done."""
        if self._call is not None:
            # A reply still on its way (quit keeping the call to score later) stops now: a
            # slow or hung LLM server held the exit until its timeout.
            self._call[1].call.hang_up()
        if self._call is not None and self._call[1].voice is not None:
            # A spoken call still listening (quit keeping it to score later): its loop runs
            # until hung up, and the exit waited on its thread for good. Hung up, it saves
            # the turn in hand and stops; it is scored later (`roleplay score ID`).
            self._call[1].voice.hang_up()
        left = 0 if self._threads is None else await self._threads.settle(self.EXIT_WAIT_SECONDS)
        self._exiting = True
        built, self._built_here = self._built_here, []

        def close() -> None:
            while built:
                built.pop().close()

        if left and self._threads is not None:
            # Still running (a slow LLM judge scoring a call the rep quit): the services it
            # uses close when it is done. Closed under it, its scorecard was saved but the
            # index and the schedule were not told (IndexClosed) until the next catch-up, and
            # a judge on the closed LLM client fell back to the offline judge. The process's
            # exit waits for these threads anyway.
            log.info("leaving with %d background task(s) still running", left)
            self._threads.after_running(close)
        else:
            close()

    def build_services(self) -> None:
        """Build the services in a worker (again, after a failure: Home's Refresh)."""
        if self._services is None:
            self.build_problem = None
            self._build_services()

    @work(thread=True, exit_on_error=False, exclusive=True, group="services")
    def _build_services(self) -> None:
        assert self._builder is not None
        try:
            services = self._builder()
        except Exception as exc:
            self.call_from_thread(self._build_failed, exc)
            raise  # the worker fails: the failure dialog shows it (ReportsFailures)
        self.call_from_thread(self._built, services)

    def _build_failed(self, error: BaseException) -> None:
        self.build_problem = error
        self._pending_mode = None
        self.services_built.publish(error)

    def _built(self, services: Services) -> None:
        if self._exiting:  # built after the exit stopped waiting: never used
            services.close()
            return
        self._built_here.append(services)
        if not self.is_running:  # the rep quit meanwhile: closed with the app, never shown
            return
        self._services = services
        self._started()
        self.services_built.publish(None)
        if self._pending_mode is not None:
            mode, self._pending_mode = self._pending_mode, None
            self.switch_mode(mode)

    def _started(self) -> None:
        """The services are there: the rep's theme and keys, then the microphone and the
        speech model (after the frame that shows them)."""
        self._apply_ui_settings()
        if self.voice_enabled:
            self.call_after_refresh(self._prepare_voice)
        else:
            self.microphone = False

    async def action_switch_mode(self, mode: str) -> None:
        """Every screen but Home needs the services: one asked for while they are being
        built opens as soon as they are."""
        if self._services is None and mode != "home":
            if self.build_problem is not None:
                self.notify(
                    "roleplay could not start: fix what Today says, then press r there.",
                    severity="error",
                )
                return
            self._pending_mode = mode
            self.notify("Opening it as soon as roleplay has started…", timeout=3)
            return
        # The rep's latest choice wins: F3 then F1 while starting left Today for History
        # once the services were built.
        self._pending_mode = None
        self.switch_mode(mode)

    @work(thread=True, exit_on_error=False, exclusive=True, group="voice-prep")
    def _prepare_voice(self) -> None:
        """After the first frame: is there a microphone, and load the speech model once, so
        the first call starts listening at once."""
        from roleplay.composition import speech_to_text
        from roleplay.services.ports import SpeechUnavailable

        if self.audio_in is None:
            from roleplay.composition import microphone_problem

            # A child process with a timeout: a hung sound system must not freeze the app.
            problem = microphone_problem(self.services.settings)
            self.microphone = problem is None
        else:
            problem, self.microphone = None, True
        if not self.microphone:
            plain = problem is None or problem.startswith("no ")  # simply no sound card
            # The problem says what is wrong; what the rep does instead is said once, here.
            message = f"No microphone: {problem}. {TYPE_INSTEAD}" if not plain else NO_MICROPHONE
            self.call_from_thread(self.notify, message, timeout=6 if plain else 20)
            return
        stt = speech_to_text(self.services.settings)
        try:
            stt.load(lambda message: self.call_from_thread(self.notify, message, timeout=4))
        except SpeechUnavailable as exc:
            self.microphone = False
            self.call_from_thread(
                self.notify,
                f"{exc} {TYPE_INSTEAD}",
                title="Speech is not available",
                severity="warning",
                timeout=15,
            )
            return
        self._stt = stt
        self.call_from_thread(self._ready_to_talk)

    def _ready_to_talk(self) -> None:
        """The rep sees it: a call started from now on listens at once."""
        self.ready_to_talk = True
        self.notify(READY_TO_TALK, timeout=4)

    def _apply_ui_settings(self) -> None:
        ui = self.services.settings.ui
        if ui.theme in self.available_themes:
            self.theme = ui.theme
        else:  # said, as a wrong key is: the app would otherwise just look unchanged
            from roleplay.tui.keys import theme_problem

            self.notify(
                theme_problem(ui.theme, list(self.available_themes), self.theme),
                title="The theme in the config file is not used",
                severity="warning",
                timeout=20,
                markup=False,
            )
        if ui.keys:  # until they are checked, the keys in use stay (the defaults at start)
            self._check_keys(dict(ui.keys))
        elif self._keys:  # all remapping removed in Settings
            self._use_keys({}, [])

    @work(thread=True, exit_on_error=False, exclusive=True, group="keys")
    def _check_keys(self, keys: dict[str, str]) -> None:
        """The rep's keys, checked against every screen's bindings (tui/keys.py), off the UI
        thread: learning them imports every screen (~0.4 s on a busy machine)."""
        from roleplay.places import config_file
        from roleplay.tui.keys import check, scopes

        checked = check(keys, scopes(type(self)), str(config_file()))
        self.call_from_thread(self._use_keys, checked.keymap, checked.problems)

    def _use_keys(self, keymap: dict[str, str], problems: list[str]) -> None:
        """Only entries that work reach Textual; each other one is said, and its action keeps
        its default key."""
        self._keys = keymap
        self.set_keymap(keymap)
        if problems:
            self.notify(
                "\n".join(problems),
                title="Some keys in the config file are not used",
                severity="warning",
                timeout=30,
                markup=False,  # "[ui]" and the rep's text are text, not markup
            )

    async def action_quit(self) -> None:
        """Ctrl+Q. With a call open, the rep chooses first (tui/screens/quit_call.py): end
        and score it, quit to score it later, or keep talking. With a call being scored:
        wait for its scorecard, or quit (it is saved either way)."""
        open_call = self._call is not None and not self._call[1].ended
        if not open_call and self.scoring_now() is None:
            self.exit()
            return
        from roleplay.tui.screens.quit_call import QuitDuringCall, QuitWhileScoring

        if isinstance(self.screen, QuitWhileScoring):
            self.screen.action_choose("quit")  # pressed again, by habit: quits
            return
        if isinstance(self.screen, QuitDuringCall):
            self.screen.action_choose("keep")  # pressed again, by habit: quit, keeping it
            return
        offline = self.services_ready and self.services.offline
        if self._call is None or not open_call:  # the call has ended and is being scored
            self.push_screen(
                QuitWhileScoring(offline), lambda choice: self._scoring_choice(choice or "wait")
            )
            return
        screen = self._call[1]
        self.push_screen(
            QuitDuringCall(len(screen.call.turns), offline),
            lambda choice: self._quit_chosen(choice or "stay"),
        )

    def scoring_now(self) -> str | None:
        """The session being scored (the latest, if several), or None."""
        running = [sid for sid, worker in self._scoring.items() if not worker.is_finished]
        return running[-1] if running else None

    def _scoring_choice(self, choice: ScoringChoice) -> None:
        sid = self.scoring_now()
        if choice != "quit":
            return  # the scorecard opens when it is ready (_show_scorecard)
        if sid is None:  # scored meanwhile: its scorecard is saved (and shown)
            self.exit()
            return
        from rich.text import Text

        from roleplay.tui.screens.quit_call import scoring_words

        # The exit waits for the scoring (on_unmount, then the threads at the process's end).
        self.exit(message=Text(scoring_words(sid)))

    def _quit_chosen(self, choice: str) -> None:
        if self._call is None or self._call[1].ended:  # ended meanwhile (its time ran out)
            if choice == "keep":
                self.exit()
            return
        mode, screen = self._call
        if choice == "keep":
            from rich.text import Text

            from roleplay.tui.screens.quit_call import unfinished_words

            call = screen.call
            # Printed as text (an id is never markup), after the app has left the terminal.
            self.exit(message=Text(unfinished_words(call.record.id, len(call.turns))))
            return
        # Back to the call (from another screen, or from under a dialog of its own).
        if mode != self.current_mode:
            self.switch_mode(mode)
        if choice == "score":
            from textual.screen import ModalScreen

            while self.screen is not screen and isinstance(self.screen, ModalScreen):
                self.pop_screen()  # its question (end? retry?) is answered by this choice
            screen.end_now()

    # --- every action in the command palette ---------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self._services is None:  # still starting: the palette has Textual's own commands
            return
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and (binding.id or "").startswith("nav."):
                # The id is in the title: the palette searches titles, and `ui.keys` takes ids.
                yield SystemCommand(
                    f"Go to {binding.description} ({binding.id})",
                    f"Open the {binding.description} screen · key {self._key_of(binding)}",
                    lambda a=binding.action: self.call_later(self.run_action, a),
                )
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                action = binding.action
                yield SystemCommand(
                    binding.description + (f" ({binding.id})" if binding.id else ""),
                    f"{screen.__class__.__name__.removesuffix('Screen')} · key "
                    + self._key_of(binding),
                    lambda a=action, s=screen: self.call_later(s.run_action, a),
                )
        for sf in self.services.catalog().scenarios.values():
            yield SystemCommand(
                f"Practise: {sf.scenario.title}",
                f"Start {sf.scenario.id}",
                lambda i=sf.scenario.id: self.start_practice(i),
            )

    def customer_name(self, scenario_id: str) -> str:
        """The customer's first name, as the live call showed it ("Customer" if unknown)."""
        found = self.services.catalog().scenarios.get(scenario_id)
        return found.scenario.persona.name.split()[0] if found else "Customer"

    def _key_of(self, binding: Binding) -> str:
        """The key a binding has now: the user's remapping (ui.keys) wins over the default."""
        return self._keys.get(binding.id or "", binding.key)

    # --- flows the screens call -------------------------------------------------------------

    def start_practice(
        self, scenario: str, *, drill: str | None = None, seed: int | None = None
    ) -> None:
        from roleplay.services.catalog import UnknownScenario
        from roleplay.tui.screens.practice import PracticeScreen

        if self._call is not None and not self._call[1].ended:
            mode, open_screen = self._call
            if mode != self.current_mode or not open_screen.is_current:
                self.notify("A call is still open: end it (Esc) before starting another.")
                self.switch_mode(mode)
            return
        voice = bool(self.microphone)
        try:
            call = self.services.practice.begin(
                scenario,
                self.services.profile(),
                seed=seed,
                drill=drill,
                mode="voice" if voice else "text",
            )
        except (UnknownScenario, ValueError) as exc:
            self.notify(str(exc), title="Cannot start", severity="error", timeout=10)
            return
        screen = PracticeScreen(call, reminders=self._reminders(call))
        if voice:
            screen.voice = self._voice_call(call, screen)
        self._call = (self.current_mode, screen)
        self.push_screen(screen)

    def _reminders(self, call: Conversation) -> list[str]:
        """The rep's open commitments about what this call trains, for its brief."""
        from roleplay.presentation.format import reminder

        record = call.record
        skills = list(record.drill.skills) if record.drill else list(call.run.scenario.skills)
        try:
            found = self.services.habit(record.rep).reminders(skills, call.run.scenario.id)
        except Exception as exc:  # noqa: BLE001 - the call matters more than the reminder
            self.notify(f"Commitments not shown: {exc}", severity="warning")
            return []
        return [reminder(*r) for r in found]

    def _voice_call(self, call: Conversation, screen: PracticeScreen) -> VoiceCall:
        from roleplay.composition import audio_timeline, speech_to_text, voice_call
        from roleplay.tui.screens.practice import VoiceMessage

        services = self.services
        return voice_call(
            services,
            call,
            lambda event: _post(screen, VoiceMessage(event)),
            audio_in=self.audio_in,
            realtime=self.realtime,
            speaker="device" if self.realtime and self.audio_in is None else "none",
            stt=self._stt or speech_to_text(services.settings),
            timeline=None if self.realtime else audio_timeline(services),
            fallback=None if services.offline else services.offline_customer,
        )

    def finish_practice(self, call: Conversation) -> None:
        """Score in a worker (the judge may be an LLM), then show the scorecard."""
        self._scoring[call.record.id] = self._finish_practice(call)

    @work(thread=True, exit_on_error=False, exclusive=True, group="scoring")
    def _finish_practice(self, call: Conversation) -> None:
        ending = self.services.end_of_call()
        unsaid = ending.nothing_said(call)
        if unsaid is not None:  # ended before the rep said a word: not practice, not scored
            self.call_from_thread(self._nothing_said, unsaid)
            self.call_from_thread(self.sessions_changed.publish, call.record.id)
            return
        result = ending.finish(call)  # scored and scheduled
        if result.schedule_problem:  # the scorecard matters more than the schedule
            message = f"Schedule not updated: {result.schedule_problem}"
            self.call_from_thread(self.notify, message, severity="warning")
        suggestion = result.suggestion.text if result.suggestion else None
        self.call_from_thread(
            self._show_scorecard,
            result.transcript,
            result.scorecard,
            result.comes_back,
            suggestion,
            result.stays_today,
        )
        self.call_from_thread(self.sessions_changed.publish, call.record.id)

    def _nothing_said(self, unsaid: NothingSaid) -> None:
        from roleplay.presentation.format import nothing_said
        from roleplay.tui.screens.practice import PracticeScreen
        from roleplay.tui.screens.quit_call import QuitWhileScoring

        if not self.is_running:
            return
        if isinstance(self.screen, QuitWhileScoring):
            self.screen.action_choose("wait")
        if isinstance(self.screen, PracticeScreen):
            self.pop_screen()  # back where the call was started from
        kept = str(self.services.store.folder(unsaid.session_id)) if unsaid.kept else None
        self.notify(nothing_said(kept), title="Not scored", timeout=12)

    def score_session(self, session_id: str) -> None:
        """Score a saved session that has no scorecard (a call quit to score later, or cut
        off by a crash), as `roleplay score ID` does: the judge is named first, the
        scorecard opens when it is ready, and a failure leaves the session as it was."""
        from roleplay.tui.screens.quit_call import judge_words

        if self.scoring_now() == session_id:
            self.notify("This call is being scored: its scorecard opens when it is ready.")
            return
        offline = self.services.offline
        self.notify(
            f"Scoring session {session_id} {judge_words(offline)}…", title="Scoring", timeout=8
        )
        self._scoring[session_id] = self._score_session(session_id, offline)

    @work(thread=True, exit_on_error=False, group="score-session")
    def _score_session(self, session_id: str, offline: bool) -> None:
        from roleplay.errors import RoleplayError

        services = self.services
        if services.store.scorecard(session_id) is not None:
            self.call_from_thread(
                self.notify,
                f"Session {session_id} is scored already: Enter opens its scorecard.",
            )
            return
        try:
            result = services.end_of_call().rescore(session_id)
        except (RoleplayError, OSError) as exc:  # the judge, the rubric, the files, the disk
            said = str(exc).strip().rstrip(".")
            self.call_from_thread(
                self.notify,
                f"{said}. The call is saved as it was: nothing is lost.",
                title="Not scored",
                severity="error",
                timeout=30,
            )
            return
        card = result.scorecard
        if card.approximate and not offline:  # the LLM could not be reached: said plainly
            self.call_from_thread(
                self.notify,
                "The LLM judge could not be reached: the offline judge scored this call "
                "(approximate). The scorecard's note says how to score it again.",
                title="Scored offline",
                severity="warning",
                timeout=15,
            )
        if result.schedule_problem:
            message = f"Schedule not updated: {result.schedule_problem}"
            self.call_from_thread(self.notify, message, severity="warning")
        suggestion = result.suggestion.text if result.suggestion else None
        self.call_from_thread(
            self._show_scorecard,
            result.transcript,
            card,
            result.comes_back,
            suggestion,
            result.stays_today,
        )
        self.call_from_thread(self.sessions_changed.publish, session_id)

    def show_failure(self, error: BaseException, where: str = "") -> None:
        """A failed worker (or any failure handed here) as a dialog; the app keeps running.
        The traceback goes to roleplay.log (secrets are redacted there), never to the screen."""
        log.error("%s failed: %s", where or "a task", error, exc_info=error)
        title, message, hint = describe(error)
        self.push_screen(FailureDialog(title, message, hint))

    def _show_scorecard(
        self,
        transcript: Transcript,
        card: Scorecard,
        comes_back: dict[str, date],
        suggestion: str | None,
        stays_today: frozenset[str] = frozenset(),
    ) -> None:
        from roleplay.tui.screens.practice import PracticeScreen
        from roleplay.tui.screens.quit_call import QuitWhileScoring
        from roleplay.tui.screens.scorecard import ScorecardScreen, TranscriptScreen

        if not self.is_running:  # quit while it was scored: the scorecard is saved
            return
        if isinstance(self.screen, QuitWhileScoring):  # the rep has waited for it: here it is
            self.screen.action_choose("wait")
        scorecard = ScorecardScreen(transcript, card, comes_back, suggestion, stays_today)
        sid = transcript.record.id
        if isinstance(self.screen, PracticeScreen) or (
            isinstance(self.screen, TranscriptScreen) and self.screen.session_id == sid
        ):
            self.switch_screen(scorecard)  # one step: the call (or its transcript) replaced
        else:
            self.push_screen(scorecard)

    def open_session(self, session_id: str) -> None:
        from roleplay.services.ports import SessionNotFound
        from roleplay.tui.screens.scorecard import ScorecardScreen, TranscriptScreen

        try:
            transcript = self.services.store.load(session_id)
        except SessionNotFound as exc:
            self.notify(str(exc.args[0]), severity="error")
            return
        card = self.services.store.scorecard(session_id)
        if card is None:  # it can be scored from there (s)
            self.push_screen(TranscriptScreen(transcript, can_score=True))
        else:
            self.push_screen(ScorecardScreen(transcript, card))

    def open_review(self, session_id: str) -> None:
        self._open_review(session_id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="review-open")
    def _open_review(self, session_id: str) -> None:
        from roleplay.services.ports import SessionNotFound
        from roleplay.tui.screens.review import ReviewScreen

        try:
            view = self.services.reviews.open(session_id)
        except (SessionNotFound, ValueError) as exc:
            self.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.call_from_thread(self._push_if_running, ReviewScreen(view))

    def _push_if_running(self, screen: Screen[Any]) -> None:
        if self.is_running:  # a screen opened by a worker after the rep quit: not opened
            self.push_screen(screen)

    def replay(self, call: Conversation, turn: Turn) -> None:
        self.play_turn(self.services.store.load(call.record.id), turn)

    def play_turn(self, transcript: Transcript, turn: Turn) -> None:
        audio = getattr(turn, "audio", None)
        if not audio:
            self.notify("This turn has no audio (typed session).", severity="warning")
            return
        self._play(self.services.store.folder(transcript.record.id) / audio)

    @work(thread=True, exit_on_error=False, exclusive=True, group="playback")
    def _play(self, path: Any) -> None:
        result = self.services.play_audio(path)
        if not result.played:
            self.call_from_thread(
                self.notify,
                f"Not played: {result.reason}. The file is {result.path}",
                severity="warning",
                timeout=10,
            )

    def reload_settings(self) -> None:
        """The saved settings take effect: the services are built again in a worker, as at
        start (the index, the catalog and an LLM client take a while), so the screens keep
        answering; until they are built the old ones serve."""
        self.notify("Applying the new settings…", timeout=3)
        services = self.services
        self._reload_services(services.workspace.root, services.practice.clock)

    @work(thread=True, exit_on_error=False, exclusive=True, group="services")
    def _reload_services(self, root: Path, clock: Clock) -> None:
        from textual.worker import get_current_worker

        from roleplay.composition import build

        services = build(root, clock=clock)  # a failure: the dialog says it, the old ones serve
        if not get_current_worker().is_cancelled:  # saved again meanwhile: that build wins
            self.call_from_thread(self._reloaded, services)
        else:
            services.close()  # never used

    def _reloaded(self, services: Services) -> None:
        if self._exiting:
            services.close()
            return
        self._built_here.append(services)
        if not self.is_running:  # quitting: closed with the app
            return
        self.services = services
        self._apply_ui_settings()
        self.settings_applied.publish(None)
        self.notify("The new settings are in use.", timeout=3)


def _post(screen: PracticeScreen, message: VoiceMessage) -> None:
    screen.post_message(message)  # thread-safe; returns whether it was queued


def _screen(module: str, name: str) -> Screen[None]:
    """A screen of roleplay.tui.screens, imported when first opened."""
    import importlib

    found = importlib.import_module(f"roleplay.tui.screens.{module}")
    screen: Screen[None] = getattr(found, name)()
    return screen


def saved_theme() -> str | None:
    """The theme in the config file, or None (no file, no theme, or a broken file: the build
    of the services says what is wrong with it). tomllib only: the settings models load with
    the services, after the first frame."""
    import tomllib

    from roleplay.places import config_file

    try:
        data = tomllib.loads(config_file().read_text("utf-8-sig"))  # a BOM, as load_settings
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    ui = data.get("ui")
    theme = ui.get("theme") if isinstance(ui, dict) else None
    return theme if isinstance(theme, str) else None


def run_app(services: Services | Callable[[], Services]) -> None:
    """`services`, or a function that builds them after the first frame."""
    RoleplayApp(services).run()
