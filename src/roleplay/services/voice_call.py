"""A spoken practice call: the rep talks, the customer answers out loud.

This module holds the call's loop (one thread that hears the listener's news and starts the
customer's replies); `listening` hears the rep, `speculation` starts a reply early,
`voice_reply` speaks one reply and says what was heard, `voice_timing` keeps a turn's times,
`recovery` decides what happens when the customer fails.

The conversation engine keeps the turns; this service gives it ears and a voice. The rep's
side comes from `RepListener` (voice activity, incremental transcription, end of turn). As
soon as the rep falls silent the customer's reply is started speculatively from the words so
far; if the rep goes on it is dropped unheard, if the final transcript says the same it is
committed, so most of the model's time to first token is spent while the silence is still
being measured. Each sentence is synthesised as it arrives and queued on the speaker, so the
first one plays while the model writes the rest. If the rep talks over the customer, playback
stops at once and the customer's turn is saved with what was heard, tagged `interrupted`.

Every turn keeps its audio (rep: as it is spoken; customer: what was played) and its
timings, in seconds since the session started: speech_start, speech_end, turn_end,
transcript_ready (rep); reply_requested, first_token, first_sentence, synthesised,
first_audio_out (customer).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from roleplay.services.delivery import Delivery
from roleplay.services.engine import CallState, Conversation
from roleplay.services.listening import (
    Heard,
    ListenSettings,
    Paused,
    RepListener,
    Resumed,
    SourceEnded,
    SpeechStarted,
    SpeechSustained,
    TurnEnded,
)
from roleplay.services.ports import (
    SAMPLE_RATE,
    AudioRecorder,
    AudioSource,
    AudioTrack,
    AudioUnavailable,
    Clip,
    CustomerEvent,
    CustomerUnavailable,
    Speaker,
    SpeechToText,
    TextToSpeech,
    VoiceActivity,
)
from roleplay.services.recovery import CustomerRecovery
from roleplay.services.speculation import Prefetch
from roleplay.services.voice_events import (
    BargeIn,
    CallEnded,
    Listener,
    Notice,
    StateChanged,
    VoiceEvent,
    VoiceState,
)
from roleplay.services.voice_reply import CustomerReply, CustomerVoice
from roleplay.services.voice_timing import SessionClock, Timeline, TurnTimings

if TYPE_CHECKING:
    from roleplay.domain.scenario import Voice
    from roleplay.services.ports import Customer

__all__ = ["Timeline", "VoiceCall", "VoiceParts"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceParts:
    source: AudioSource
    speaker: Speaker
    stt: SpeechToText
    tts: TextToSpeech
    vad: VoiceActivity
    recorder: AudioRecorder


class VoiceCall:
    def __init__(
        self,
        call: Conversation,
        parts: VoiceParts,
        settings: ListenSettings | None = None,
        notify: Listener | None = None,
        *,
        timeline: Timeline | None = None,
        fallback: Callable[[], Customer] | None = None,
        speculate: bool = True,
        voice: Voice | None = None,
    ) -> None:
        self.call = call
        self.parts = parts
        self.settings = settings or ListenSettings()
        self._notify_cb = notify or (lambda _e: None)
        self._recovery = CustomerRecovery(call, fallback)
        self._speculate = speculate
        self.voice = voice or call.run.scenario.persona.voice  # the customer's voice
        self._inbox: queue.SimpleQueue[Heard | CustomerReply | None] = queue.SimpleQueue()
        self._reply: CustomerReply | None = None
        self._prefetch: Prefetch | None = None  # the reply started while the rep is silent
        self._hung_up = threading.Event()
        self._counts = {"rep": 0, "customer": 0}
        self._ended_turn = 0
        self.state = VoiceState.LOADING
        self.listener = RepListener(
            parts.source,
            parts.vad,
            parts.stt,
            call.run.scenario.language,
            self.settings,
            heard=self._inbox.put,
            notify=self.notify,
            open_track=lambda: self._open_track("rep", SAMPLE_RATE),
            started=lambda monotonic: self.clock.anchor(monotonic),
        )
        self.clock = SessionClock(call, timeline, lambda: self.listener.position)
        self._out = CustomerVoice(
            parts.speaker,
            parts.tts,
            self.voice,
            call.run.scenario.language,
            open_track=self._customer_track,
        )

    # --- what the interface calls --------------------------------------------------------

    def prepare(self) -> None:
        """Load the speech model and check it understands the scenario's language (raises
        SpeechUnavailable with what to do). Slow the first time: call it off the UI thread.

        The speaker is opened first: a sound device's stream takes up to ~2 s to start
        through PulseAudio, which it does while the model loads, so the customer's opening
        line is heard at once (it waited ~1.3 s for the stream when it opened it)."""
        self._set_state(VoiceState.LOADING)
        try:
            self.parts.speaker.prepare()
        except AudioUnavailable as exc:  # the first clip meets it again and it is said then
            log.warning("the speaker could not be opened ahead of the call: %s", exc)
        self.parts.stt.load(lambda message: self.notify(Notice(message)))
        self.parts.stt.check_language(self.call.run.scenario.language)
        # After the model: its load briefly needs ~80 MiB more than it keeps, which would
        # otherwise come on top of the voice activity model's ~45 MiB (the call's peak).
        self.parts.vad.prepare()

    def press(self) -> None:
        """The talk key (push-to-talk: start/stop; otherwise: end my turn now)."""
        self.listener.press()

    def hang_up(self) -> None:
        self._hung_up.set()
        self._inbox.put(None)

    def run(self) -> None:
        """Hold the call until it ends: the customer ends it, the rep hangs up, or the
        audio source ends. Every turn is saved as it ends."""
        try:
            self._run()
        finally:
            self._close()

    @property
    def realtime(self) -> bool:
        return self.parts.source.realtime

    @property
    def offset(self) -> float:
        """Session seconds at the source's second 0."""
        return self.clock.offset

    def notify(self, event: VoiceEvent) -> None:
        try:
            self._notify_cb(event)
        except Exception:  # an interface bug must not take the call down with it
            log.exception("voice event handler failed on %r", event)

    # --- the call's loop -----------------------------------------------------------------

    def _run(self) -> None:
        if not self.realtime:
            self.listener.hold()  # a fast file waits for the opening line
        self._start_reply(lambda delivery: self.call.start(delivery=delivery))
        while self.call.state is CallState.NOT_STARTED and self._reply_running():
            time.sleep(0.002)  # the session folder exists once the call has started
        self.clock.started()
        self.listener.start()
        while not self._hung_up.is_set():
            try:
                item = self._inbox.get(timeout=0.5)  # wakes up for Ctrl-C and hang-ups
            except queue.Empty:
                continue
            if item is None:
                break
            if isinstance(item, CustomerReply):
                if self._finish_reply(item):
                    break
            elif isinstance(item, SpeechStarted):
                self._set_state(VoiceState.REP_SPEAKING)
            elif isinstance(item, SpeechSustained):
                self._barge_in()
            elif isinstance(item, Paused):
                if item.turn > self._ended_turn:
                    self._start_speculation(item.text)
            elif isinstance(item, Resumed):
                self._drop_speculation()
                self._set_state(VoiceState.REP_SPEAKING)
            elif isinstance(item, TurnEnded):
                self._rep_turn(item)
            elif isinstance(item, SourceEnded):
                if item.error:
                    self.notify(Notice(f"the audio input stopped: {item.error}"))
                self._wait_for_reply()
                break
            if self.call.state is CallState.ENDED and not self._reply_running():
                break

    def _rep_turn(self, ended: TurnEnded) -> None:
        self._ended_turn = ended.turn
        text = ended.text.result()
        transcribed = time.monotonic()
        if not text:  # a cough, a chair: no words, no turn
            if ended.audio is not None:
                ended.audio.discard()
            self._drop_speculation()
            self._set_state(VoiceState.LISTENING)
            self.listener.resume()
            return
        self._set_state(VoiceState.THINKING)
        self._wait_for_reply()  # a reply the rep talked over is closing
        if self.call.state is not CallState.AWAITING_REP:
            return
        self.clock.catch_up()
        timings = TurnTimings(self.clock)
        timings.rep_turn(ended, transcribed)
        rep = timings.rep()
        prefetch, self._prefetch = self._prefetch, None
        audio = ended.audio.path if ended.audio is not None else None

        def events(delivery: Delivery) -> Iterator[CustomerEvent]:
            return self.call.rep_says(
                text,
                start=rep["speech_start"],
                end=rep["speech_end"],
                # The engine decides, once, whether the early reply is the answer.
                speculation=prefetch.speculation if prefetch is not None else None,
                delivery=delivery,
                audio=audio,
                timings=rep,
            )

        self._start_reply(events, timings, prefetch)

    # --- speculation ----------------------------------------------------------------------

    def _start_speculation(self, text: str) -> None:
        """The rep fell silent after `text`: ask for the reply now. Asked again with newer
        words for the same pause, it keeps a reply to the same words and replaces any other."""
        if not self._speculate or self._reply_running():
            return
        if self.call.state is not CallState.AWAITING_REP:
            return
        if self._prefetch is not None and self._prefetch.speculation.matches(text):
            return
        self._drop_speculation()
        log.debug("the reply is asked for early, to %r", text)
        speculation = self.call.speculate(text)
        speculation.language = self.call.run.scenario.language
        self._prefetch = Prefetch(speculation, self.clock.now, self._synthesise)

    def _synthesise(self, text: str) -> Clip | None:
        """A speculative reply's first sentence, before the turn has surely ended."""
        out = self._out
        return None if out.muted is not None else out.tts.synthesise(text, out.voice, out.language)

    def _drop_speculation(self) -> None:
        if self._prefetch is not None:
            self._prefetch.speculation.discard()
            self._prefetch = None

    # --- the customer's reply -------------------------------------------------------------

    def _start_reply(
        self,
        events: Callable[[Delivery], Iterator[CustomerEvent]],
        timings: TurnTimings | None = None,
        prefetch: Prefetch | None = None,
        *,
        announce_rep: bool = True,
    ) -> None:
        self._reply = CustomerReply(
            self.call,
            self._out,
            self.clock,
            timings or TurnTimings(self.clock),
            events,
            notify=self.notify,
            speaking=lambda: self._set_state(VoiceState.CUSTOMER_SPEAKING),
            done=self._inbox.put,
            prefetch=prefetch,
            announce_rep=announce_rep,
        )
        self._reply.start()

    def _reply_running(self) -> bool:
        return self._reply is not None and self._reply.running()

    def _wait_for_reply(self) -> None:
        reply = self._reply
        if reply is not None:
            reply.thread.join()
            self._finish_reply(reply)

    def _finish_reply(self, reply: CustomerReply) -> bool:
        """Returns True when the call is over."""
        if reply is not self._reply:
            return False
        self._reply = None
        if reply.error is not None:
            self.notify(Notice(reply.error))
        if reply.failure is not None and self._recover(reply.failure):
            return False
        if self.call.state is CallState.ENDED:
            return True
        self._set_state(VoiceState.LISTENING)
        self.listener.resume()
        return False

    def _recover(self, failure: CustomerUnavailable) -> bool:
        """The customer failed: the shared policy's unattended choice. True when a new reply
        to the rep's turn is on its way."""
        self.notify(Notice(str(failure)))
        choice = self._recovery.unattended()
        if choice is None or self.call.state is not CallState.AWAITING_REP:
            return False
        recovery = self._recovery

        def events(delivery: Delivery) -> Iterator[CustomerEvent]:
            said = recovery.apply(choice, lambda m: self.notify(Notice(m)), delivery=delivery)
            return said if said is not None else iter(())

        # Once: a recovered reply that fails too is not recovered again (no fallback loop).
        self._recovery = CustomerRecovery(self.call, None)
        self._start_reply(events, announce_rep=False)
        return True

    def _barge_in(self) -> None:
        """The rep speaks while a reply is on its way or playing: it stops, at once."""
        reply = self._reply
        if reply is not None and reply.running():
            reply.interrupt()
            if reply.audible():
                self.notify(BargeIn())

    # --- helpers ----------------------------------------------------------------------------

    def _open_track(self, speaker: str, rate: int) -> AudioTrack | None:
        if self.call.state is CallState.NOT_STARTED:
            return None
        self._counts[speaker] += 1
        name = f"{speaker}-{self._counts[speaker]:03d}"
        return self.parts.recorder.open(self.call.record.id, name, rate)

    def _customer_track(self, rate: int) -> AudioTrack:
        self._counts["customer"] += 1
        name = f"customer-{self._counts['customer']:03d}"
        return self.parts.recorder.open(self.call.record.id, name, rate)

    def _set_state(self, state: VoiceState) -> None:
        if state is not self.state:
            self.state = state
            self.notify(StateChanged(state))

    def _close(self) -> None:
        self.listener.stop()
        self.clock.catch_up()
        self._drop_speculation()
        if self._reply is not None:
            self._reply.interrupt()
            self._reply.thread.join(timeout=10)
        self.parts.speaker.close()
        self.call.end()
        self._set_state(VoiceState.ENDED)
        self.notify(CallEnded(self.call.outcome))
