"""A spoken practice call in a plain terminal (the app shows the same events on screen).

On a terminal the line being spoken is shown as it is transcribed, with a small level meter;
with `--plain` (or when output is not a terminal: logs, CI) only finished lines are printed,
without control characters. Enter ends your turn now (push-to-talk: starts and ends it);
`/end` and Enter, or Ctrl-C, hang up.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from roleplay.cli import render
from roleplay.cli.app import fail
from roleplay.cli.text_call import OUTCOMES
from roleplay.services.voice_events import (
    BargeIn,
    CustomerSentence,
    MicLevel,
    Notice,
    PartialTranscript,
    RepTurn,
    StateChanged,
    VoiceEvent,
    VoiceState,
)

if TYPE_CHECKING:
    from roleplay.composition import Services
    from roleplay.services.engine import Conversation
    from roleplay.services.ports import Customer
    from roleplay.services.voice_call import Timeline, VoiceCall

HELP = (
    "Speak when you are ready: your turn ends when you pause. Enter ends it at once; "
    "/end and Enter (or Ctrl-C) hangs up."
)
HELP_PTT = "Press Enter to start talking and Enter again when you are done; /end hangs up."
NO_MICROPHONE = (  # within 80 columns: a terminal would break it inside "--audio-in FILE"
    "No microphone found: practising by typing (--audio-in FILE can stand in)."
)


def _no_audio(problem: str) -> str:
    return f"No microphone: {problem}. Practising by typing."


PIPED = "Reading your lines from standard input (not a terminal): practising by typing."
_LABELS = {
    VoiceState.LOADING: "loading",
    VoiceState.LISTENING: "listening",
    VoiceState.REP_SPEAKING: "you",
    VoiceState.THINKING: "...",
    VoiceState.CUSTOMER_SPEAKING: "customer",
    VoiceState.ENDED: "ended",
}


@dataclass(frozen=True)
class VoiceOptions:
    audio_in: Path | None = None
    realtime: bool = True  # a file is paced as if spoken
    plain: bool = False  # finished lines only, no live status line
    stt_model: str | None = None


def choose_mode(
    services: Services,
    text: bool,
    audio_in: Path | None,
    options: VoiceOptions,
    write: Callable[[str], None],
) -> VoiceOptions | None:
    """Voice unless typing was asked for, there is no microphone, or the input is piped in
    (each said in one line)."""
    if text:
        return None
    if audio_in is not None:
        from roleplay.composition import check_audio_file
        from roleplay.services.ports import AudioUnavailable

        try:
            check_audio_file(audio_in)  # a bad file is named before the call starts
        except AudioUnavailable as exc:
            raise fail(str(exc)) from None
    else:
        from roleplay.composition import microphone_problem

        # Checked in a child process with a timeout: a hung sound system means typing.
        problem = microphone_problem(services.settings)
        if problem is not None:
            write(NO_MICROPHONE if problem.startswith("no ") else render.wrap(_no_audio(problem)))
            return None
        if not sys.stdin.isatty():  # lines piped in by a script: it means to type them
            write(PIPED)
            return None
    return options


def run_voice_call(
    services: Services,
    call: Conversation,
    options: VoiceOptions,
    write: Callable[[str], None],
    *,
    offline: bool,
    fallback: Callable[[], Customer] | None = None,
    commitments: Sequence[str] = (),
    timeline: Timeline | None = None,
) -> None:
    """Drive a spoken call to its end; every turn is saved as it ends."""
    from roleplay.composition import has_speaker, speech_to_text, voice_call
    from roleplay.services.ports import SpeechUnavailable

    s = call.run.scenario
    settings = services.settings.voice
    live = not options.plain and sys.stdout.isatty()
    display = _Display(write, s.persona.name.split()[0], live)
    speaker: Literal["device", "none"] = (
        "device" if options.realtime and has_speaker(services.settings) else "none"
    )
    voice = voice_call(
        services,
        call,
        display.show,
        audio_in=options.audio_in,
        realtime=options.realtime,
        speaker=speaker,
        stt=speech_to_text(services.settings, options.stt_model, live=True),
        timeline=timeline,
        fallback=fallback,
    )
    parts = voice.parts
    write(render.briefing(s, call.time_limit))
    for line in commitments:
        write("\n" + line)
    if offline:
        write("\n" + render.OFFLINE_BANNER)
    try:
        voice.prepare()
    except SpeechUnavailable as exc:
        raise fail(str(exc)) from None
    source = parts.source.description
    listening = f"Listening to: {source}. " + (HELP_PTT if settings.push_to_talk else HELP)
    write("\n" + render.wrap(listening) + "\n")  # /end and the source's path stay whole
    _keys(voice)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C hangs up; every turn is saved
        voice.run()
    display.newline()
    write("\n" + OUTCOMES.get(call.outcome or "rep-ended", "The call ended."))


def _keys(voice: VoiceCall) -> None:
    """Enter = the talk key; `/end` hangs up. Reads stdin only when it is a terminal."""
    if not sys.stdin or not sys.stdin.isatty():
        return

    def read() -> None:
        for line in sys.stdin:
            if line.strip().lower() in {"/end", "/quit", "/hangup", "/bye"}:
                voice.hang_up()
                return
            voice.press()

    threading.Thread(target=read, name="keys", daemon=True).start()


class _Display:
    """Prints what the call reports; on a terminal, a live line for the rep's words."""

    def __init__(self, write: Callable[[str], None], name: str, live: bool) -> None:
        self._write = write
        self._name = name
        self._live = live
        self._lock = threading.Lock()
        self._status = ""
        self._level = ""
        self._partial = ""
        self._state = VoiceState.LOADING
        self._prefix = f"{name}: "

    def show(self, event: VoiceEvent) -> None:
        with self._lock:
            if isinstance(event, CustomerSentence):
                self._line(render.wrap(event.text, " " * len(self._prefix), first=self._prefix))
                self._prefix = " " * len(f"{self._name}: ")
            elif isinstance(event, RepTurn):
                self._partial = ""
                self._line(render.wrap(event.turn.text, "     ", first="You: "))
                self._prefix = f"{self._name}: "
            elif isinstance(event, BargeIn):
                self._line(f"  (you cut in; {self._name} stopped)")
            elif isinstance(event, Notice):
                self._line(f"  {event.message}")
            elif isinstance(event, StateChanged):
                self._state = event.state
                if event.state is VoiceState.LISTENING:
                    self._prefix = f"{self._name}: "
                self._refresh()
            elif isinstance(event, PartialTranscript):
                self._partial = event.text
                self._refresh()
            elif isinstance(event, MicLevel):
                bars = " ▁▂▃▄▅▆▇█"
                self._level = bars[max(0, min(8, int((event.db + 60) / 7.5)))]
                self._refresh()

    def newline(self) -> None:
        with self._lock:
            self._clear()

    def _line(self, text: str) -> None:
        self._clear()
        self._write(text)
        self._refresh()

    def _refresh(self) -> None:
        if not self._live:
            return
        label = _LABELS[self._state]
        status = f"[{self._level or ' '} {label}] {self._partial}"[-78:]
        self._clear()
        sys.stdout.write(status)
        sys.stdout.flush()
        self._status = status

    def _clear(self) -> None:
        if self._live and self._status:
            sys.stdout.write("\r" + " " * len(self._status) + "\r")
            sys.stdout.flush()
            self._status = ""


def fast_timeline(services: Services) -> Timeline:
    """A recording read faster than real time runs the call on the audio's clock, so turn
    times, talk ratio and pace come out as if it had been spoken."""
    from roleplay.composition import audio_timeline

    return audio_timeline(services)
