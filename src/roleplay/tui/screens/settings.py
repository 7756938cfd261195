"""Settings: LLM endpoint and model, speech model, voice, audio devices, daily goal, theme.
Saved to the config file (comments kept); `doctor` checks run from here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Select, Static, Switch

from roleplay.config import ConfigError, config_file, save_settings
from roleplay.presentation.workspace import CHOOSE, describe, short_path
from roleplay.tui.failures import ReportsFailures
from roleplay.tui.later import while_open
from roleplay.tui.widgets import KeysFooter, TitleBar, plain, shown

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp

THEMES = ["textual-dark", "textual-light", "nord", "gruvbox", "solarized-light"]


def _text(value: object) -> str:
    return "" if value is None else str(value)


class SettingsScreen(ReportsFailures, Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings.save", priority=True),
        Binding("ctrl+d", "doctor", "Run doctor", id="settings.doctor", priority=True),
    ]

    @property
    def rapp(self) -> RoleplayApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        s = self.rapp.services.settings
        key_state = "set" if s.llm.api_key else "not set"
        yield TitleBar()
        with VerticalScroll(id="settings-form"):
            yield Static(f"[dim]Config file: {shown(short_path(config_file()))}[/dim]")
            yield Static(
                f"[dim]{shown(describe(self.rapp.services.workspace))}. {shown(CHOOSE)}[/dim]",
                id="workspace",
            )
            yield Static("[b]You[/b]", classes="section")
            with Grid(classes="form"):
                yield Label("Your name")
                yield Input(_text(s.rep), placeholder=s.rep_name, id="rep")
                yield Label("Daily goal: drills")
                yield Input(str(s.daily_goal_drills), type="integer", id="daily_goal_drills")
                yield Label("Daily goal: minutes")
                yield Input(str(s.daily_goal_minutes), type="integer", id="daily_goal_minutes")
                yield Label("Theme")
                yield Select(
                    [(t, t) for t in THEMES],
                    value=s.ui.theme if s.ui.theme in THEMES else "textual-dark",
                    allow_blank=False,
                    id="ui--theme",
                )
            yield Static("[b]LLM[/b] (empty base URL and no key: offline)", classes="section")
            with Grid(classes="form"):
                yield Label("Base URL")
                yield Input(
                    _text(s.llm.base_url),
                    placeholder="https://api.openai.com/v1",
                    id="llm--base_url",
                )
                yield Label("Model")
                yield Input(
                    _text(s.llm.model), placeholder="gpt-4o-mini / server default", id="llm--model"
                )
                yield Label("Judge model")
                yield Input(
                    _text(s.llm.judge_model), placeholder="same as model", id="llm--judge_model"
                )
                yield Label(f"API key ({key_state})")
                yield Input(
                    "",
                    password=True,
                    placeholder="leave empty to keep; OPENAI_API_KEY is better",
                    id="llm--api_key",
                )
            yield Static("[b]Voice[/b]", classes="section")
            with Grid(classes="form"):
                yield Label("Speech model")
                yield Input(s.voice.stt_model, id="voice--stt_model")
                yield Label("Microphone")
                yield Select([], prompt="default", id="voice--input_device")
                yield Label("Speaker")
                yield Select([], prompt="default", id="voice--output_device")
                yield Label("Silence that ends a turn (ms)")
                yield Input(str(s.voice.silence_ms), type="integer", id="voice--silence_ms")
                yield Label("Push to talk only")
                yield Switch(s.voice.push_to_talk, id="voice--push_to_talk")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Run doctor", id="doctor")
            yield Static("", id="doctor-result")
        yield KeysFooter()

    def on_mount(self) -> None:
        # The first field has the focus: with none, a keyboard user's keys went nowhere.
        self.query_one("#rep", Input).focus()
        self._devices()

    @work(thread=True, exit_on_error=False, group="devices")
    def _devices(self) -> None:
        try:
            found = self.rapp.services.audio_devices()
        except Exception as exc:  # noqa: BLE001 - no audio stack is a normal state here
            self.app.call_from_thread(self._no_devices, str(exc))
            return
        self.app.call_from_thread(self._show_devices, found)

    @while_open
    def _no_devices(self, why: str) -> None:
        self.query_one("#doctor-result", Static).update(f"[dim]Audio devices: {shown(why)}[/dim]")

    @while_open
    def _show_devices(self, found: list[Any]) -> None:
        s = self.rapp.services.settings.voice
        # A device's name as the sound system gives it, never markup ("USB [Audio]").
        inputs = [(plain(d.name), d.name) for d in found if getattr(d, "inputs", 0)]
        outputs = [(plain(d.name), d.name) for d in found if getattr(d, "outputs", 0)]
        mic = self.query_one("#voice--input_device", Select)
        spk = self.query_one("#voice--output_device", Select)
        mic.set_options(inputs)
        spk.set_options(outputs)
        if s.input_device in {name for _, name in inputs}:
            mic.value = s.input_device
        if s.output_device in {name for _, name in outputs}:
            spk.value = s.output_device
        if not inputs:
            self._no_devices("no microphone found; typing works everywhere")

    def changes(self) -> dict[str, object]:
        """What the form says, as config keys (empty fields remove the key: defaults)."""
        out: dict[str, object] = {}
        for widget in self.query("Input, Select, Switch"):
            key = (widget.id or "").replace("--", ".")  # ids cannot hold dots: llm--model
            if not key or key == "llm.api_key":
                continue
            if isinstance(widget, Switch):
                out[key] = widget.value
            elif isinstance(widget, Select):
                out[key] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, Input):
                value: object = widget.value.strip() or None
                if value is not None and widget.type == "integer":
                    value = int(str(value))
                out[key] = value
        key = self.query_one("#llm--api_key", Input).value.strip()
        if key:
            out["llm.api_key"] = key
        return out

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            path = save_settings(self.changes())
        except (ConfigError, ValueError) as exc:
            self.notify(f"Not saved: {exc}", severity="error", timeout=8)
            return
        self.rapp.reload_settings()
        self.query_one("#llm--api_key", Input).value = ""
        self.notify(f"Saved to {path}")

    @on(Button.Pressed, "#doctor")
    def action_doctor(self) -> None:
        result = self.query_one("#doctor-result", Static)
        result.update("Checking…")
        result.scroll_visible(animate=False)
        self._run_doctor()

    @work(thread=True, exit_on_error=False, exclusive=True, group="doctor")
    def _run_doctor(self) -> None:
        from roleplay.services.doctor import check_files, check_llm

        services = self.rapp.services
        checks = [
            *check_llm(services.llm),
            check_files(services.catalog(), services.workspace.scenarios),
        ]
        mark = {"ok": "[green]ok[/]", "problem": "[red]FAIL[/]", "info": "[yellow]note[/]"}
        # The checks' text is data ("set base_url under [llm]"), never markup.
        text = "\n".join(
            f"{mark[c.status]} {shown(c.name)}: {shown(c.detail)}"
            + (f" → {shown(c.fix)}" if c.fix else "")
            for c in checks
        )
        self.app.call_from_thread(self._doctor_done, text)

    @while_open
    def _doctor_done(self, text: str) -> None:
        result = self.query_one("#doctor-result", Static)
        result.update(text)
        # Below the fold it looked as if nothing happened: bring the result into view.
        self.call_after_refresh(result.scroll_visible, animate=False)
