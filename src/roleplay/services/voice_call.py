"""A spoken practice call: the rep talks, the customer answers out loud.

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

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from roleplay.services.delivery import Delivered, Delivery
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
    AudioRecorder,
    AudioSource,
    AudioTrack,
    ClipPlayback,
    CustomerEvent,
    CustomerUnavailable,
    FirstToken,
    Sentence,
    Speaker,
    SpeechToText,
    TextToSpeech,
    VoiceActivity,
)
from roleplay.services.speculation import Speculation
from roleplay.services.voice_events import (
    BargeIn,
    CallEnded,
    CustomerSentence,
    CustomerTurn,
    Listener,
    Notice,
    RepTurn,
    StateChanged,
    VoiceEvent,
    VoiceState,
)

if TYPE_CHECKING:
    from roleplay.domain.scenario import Voice
    from roleplay.services.ports import Clip, Customer

log = logging.getLogger(__name__)


class Timeline(Protocol):
    """The call's clock when audio is read faster than real time: the call moves it."""

    def monotonic(self) -> float: ...

    def advance(self, seconds: float) -> None: ...


@dataclass(frozen=True)
class VoiceParts:
    source: AudioSource
    speaker: Speaker
    stt: SpeechToText
    tts: TextToSpeech
    vad: VoiceActivity
    recorder: AudioRecorder


@dataclass(frozen=True)
class _ReplyDone:
    reply: _Reply


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
        self._timeline = timeline
        self._fallback = fallback
        self._speculate = speculate
        self.voice = voice or call.run.scenario.persona.voice  # the customer's voice
        self._inbox: queue.SimpleQueue[Heard | _ReplyDone | None] = queue.SimpleQueue()
        self._reply: _Reply | None = None
        self._speculation: tuple[Speculation, _Prefetch] | None = None
        self._hung_up = threading.Event()
        self._counts = {"rep": 0, "customer": 0}
        self.offset = 0.0  # session seconds at source second 0 (grows in fast mode)
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
            open_track=lambda: self._open_track("rep"),
        )

    # --- what the interface calls --------------------------------------------------------

    def prepare(self) -> None:
        """Load the speech model and check it understands the scenario's language (raises
        SpeechUnavailable with what to do). Slow the first time: call it off the UI thread."""
        self._set_state(VoiceState.LOADING)
        self.parts.stt.load(lambda message: self.notify(Notice(message)))
        self.parts.stt.check_language(self.call.run.scenario.language)

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

    def notify(self, event: VoiceEvent) -> None:
        try:
            self._notify_cb(event)
        except Exception:  # an interface bug must not take the call down with it
            log.exception("voice event handler failed on %r", event)

    # --- the call's loop -----------------------------------------------------------------

    def _run(self) -> None:
        if not self.realtime:
            self.listener.hold()  # a fast file waits for the opening line
        self._start_reply(lambda delivery: self.call.start(delivery=delivery), None)
        while self.call.state is CallState.NOT_STARTED and self._reply_running():
            time.sleep(0.002)  # the session folder exists once the call has started
        if self._timeline is None:
            self.offset = self.call.elapsed()
        self.listener.start()
        while not self._hung_up.is_set():
            try:
                item = self._inbox.get(timeout=0.5)  # wakes up for Ctrl-C and hang-ups
            except queue.Empty:
                continue
            if item is None:
                break
            if isinstance(item, _ReplyDone):
                if self._finish_reply(item.reply):
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
        ready = self._session_time(time.monotonic())
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
        self._catch_up()
        timings = {
            "speech_start": self.offset + ended.start,
            "speech_end": self.offset + ended.speech_end,
            "turn_end": self._session_time(ended.decided_at)
            if self.realtime
            else self.offset + ended.decided,
            "transcript_ready": ready if self.realtime else self.offset + ended.decided,
        }
        timings = {k: round(v, 3) for k, v in timings.items()}
        speculation = None
        if self._speculation is not None and self._speculation[0].matches(text):
            speculation, prefetch = self._speculation
            self._speculation = None
        else:
            prefetch = None
            self._drop_speculation()

        def events(delivery: Delivery) -> Iterator[CustomerEvent]:
            return self.call.rep_says(
                text,
                start=timings["speech_start"],
                end=timings["speech_end"],
                speculation=speculation,
                delivery=delivery,
                audio=ended.audio.path if ended.audio is not None else None,
                timings=timings,
            )

        self._start_reply(events, prefetch, requested=timings["turn_end"])

    # --- speculation ----------------------------------------------------------------------

    def _start_speculation(self, text: str) -> None:
        if not self._speculate or self._reply_running():
            return
        if self.call.state is not CallState.AWAITING_REP:
            return
        self._drop_speculation()
        speculation = self.call.speculate(text)
        prefetch = _Prefetch(speculation, self._session_time)
        self._speculation = (speculation, prefetch)
        prefetch.start()

    def _drop_speculation(self) -> None:
        if self._speculation is not None:
            self._speculation[0].discard()
            self._speculation = None

    # --- the customer's reply -------------------------------------------------------------

    def _start_reply(
        self,
        events: Callable[[Delivery], Iterator[CustomerEvent]],
        prefetch: _Prefetch | None,
        requested: float | None = None,
    ) -> None:
        self._reply = _Reply(self, events, prefetch, requested)
        self._reply.start()

    def _reply_running(self) -> bool:
        return self._reply is not None and self._reply.thread.is_alive()

    def _wait_for_reply(self) -> None:
        reply = self._reply
        if reply is not None:
            reply.thread.join()
            self._finish_reply(reply)

    def _finish_reply(self, reply: _Reply) -> bool:
        """Returns True when the call is over."""
        if reply is not self._reply:
            return False
        self._reply = None
        if reply.failure is not None:
            self.notify(Notice(reply.failure))
            if self._fallback is not None:
                self.call.switch_customer(self._fallback())
                self.notify(Notice("Continuing with the offline scripted customer."))
        if self.call.state is CallState.ENDED:
            return True
        self._set_state(VoiceState.LISTENING)
        self.listener.resume()
        return False

    def _barge_in(self) -> None:
        """The rep speaks while a reply is on its way or playing: it stops, at once."""
        reply = self._reply
        if reply is not None and reply.thread.is_alive():
            reply.interrupt()
            if reply.audible():
                self.notify(BargeIn())

    # --- helpers ----------------------------------------------------------------------------

    def _catch_up(self) -> None:
        """Fast mode: move the call's clock to where the audio has got to."""
        if self._timeline is not None:
            ahead = self.offset + self.listener.position - self.call.elapsed()
            self._timeline.advance(max(0.0, ahead))

    def _session_time(self, monotonic: float) -> float:
        if self._timeline is not None:  # fast: where the audio (or the customer) has got to
            return max(self.call.elapsed(), self.offset + self.listener.position)
        return self.call.elapsed() - (time.monotonic() - monotonic)

    def _open_track(self, speaker: str) -> AudioTrack | None:
        if self.call.state is CallState.NOT_STARTED:
            return None
        self._counts[speaker] += 1
        name = f"{speaker}-{self._counts[speaker]:03d}"
        rate = 16_000
        return self.parts.recorder.open(self.call.record.id, name, rate)

    def _set_state(self, state: VoiceState) -> None:
        if state is not self.state:
            self.state = state
            self.notify(StateChanged(state))

    def _close(self) -> None:
        self.listener.stop()
        self._catch_up()
        self._drop_speculation()
        if self._reply is not None:
            self._reply.interrupt()
            self._reply.thread.join(timeout=10)
        self.parts.speaker.close()
        self.call.end()
        self._set_state(VoiceState.ENDED)
        self.notify(CallEnded(self.call.outcome))


class _Prefetch:
    """Pulls a speculative reply in the background, noting when its first parts came."""

    def __init__(self, speculation: Speculation, clock: Callable[[float], float]) -> None:
        self.speculation = speculation
        self._clock = clock
        self.requested = clock(time.monotonic())
        self.first_token: float | None = None
        self.first_sentence: float | None = None
        self._seen = 0
        self.thread = threading.Thread(target=self._run, name="speculate", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        while self.speculation.prefetch():
            now = self._clock(time.monotonic())
            if self.first_token is None:
                self.first_token = now
            if self.first_sentence is None and self._has_sentence():
                self.first_sentence = now

    def _has_sentence(self) -> bool:
        return any(isinstance(e, Sentence) for e in list(self.speculation._buffer))


@dataclass
class _Heard:
    text: str
    clip: Clip
    playback: ClipPlayback


class _Reply:
    """One customer reply, on its own thread: synthesise, play, record (a Delivery)."""

    def __init__(
        self,
        voice: VoiceCall,
        events: Callable[[Delivery], Iterator[CustomerEvent]],
        prefetch: _Prefetch | None,
        requested: float | None,
    ) -> None:
        self._voice = voice
        self._events = events
        self._prefetch = prefetch
        self._cancel = threading.Event()
        self._first_index = len(voice.call.turns)
        self._played: list[_Heard] = []
        self.failure: str | None = None
        self.timings: dict[str, float] = {}
        if requested is not None:
            self.timings["reply_requested"] = requested
        if prefetch is not None:
            self.timings["reply_requested"] = min(requested or 1e9, prefetch.requested)
            self.timings["speculative"] = 1.0
        self.thread = threading.Thread(target=self._run, name="reply", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def interrupt(self) -> None:
        self._cancel.set()
        self._voice.parts.speaker.stop()

    def audible(self) -> bool:
        return any(h.playback.played > 0 for h in self._played)

    def _mark(self, key: str, value: float | None = None) -> None:
        if key not in self.timings:
            now = self._voice._session_time(time.monotonic())
            self.timings[key] = round(now if value is None else value, 3)

    def _run(self) -> None:
        voice = self._voice
        scenario = voice.call.run.scenario
        announced = False
        try:
            stream = self._events(self)
            try:
                for event in stream:
                    if not announced:
                        announced = self._announce_rep_turn()
                    if self._prefetch is not None:
                        for key in ("first_token", "first_sentence"):
                            value = getattr(self._prefetch, key)
                            if value is not None:
                                self._mark(key, value)
                    self._mark("first_token")
                    if self._cancel.is_set():
                        break
                    if isinstance(event, FirstToken) or not isinstance(event, Sentence):
                        continue
                    self._mark("first_sentence")
                    clip = voice.parts.tts.synthesise(event.text, voice.voice, scenario.language)
                    self._mark("synthesised")
                    if self._cancel.is_set():
                        break
                    playback = voice.parts.speaker.play(clip)
                    if voice._timeline is not None:
                        self._mark("first_audio_out")  # fast: played the moment it is queued
                    self._played.append(_Heard(event.text, clip, playback))
                    voice._set_state(VoiceState.CUSTOMER_SPEAKING)
                    voice.notify(CustomerSentence(event.text))
                    if voice._timeline is not None and not voice.parts.speaker.realtime:
                        voice._timeline.advance(clip.duration)  # "played" at once
                        voice.offset += clip.duration
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    with contextlib.suppress(CustomerUnavailable):
                        close()  # the engine saves the turn (asking `finish`)
        except CustomerUnavailable as exc:
            self.failure = str(exc)
        except Exception as exc:  # the call loop must hear back, or it waits forever
            log.exception("the customer's reply failed")
            self.failure = f"the customer's reply failed ({type(exc).__name__}: {exc})"
        if not announced:
            self._announce_rep_turn()
        turns = voice.call.turns
        if turns and turns[-1].speaker == "customer" and turns[-1].index >= self._first_index:
            voice.notify(CustomerTurn(turns[-1]))
        voice._inbox.put(_ReplyDone(self))

    def _announce_rep_turn(self) -> bool:
        turns = self._voice.call.turns
        rep = [t for t in turns if t.speaker == "rep"]
        if rep and rep[-1].index == len(turns) - 1:
            self._voice.notify(RepTurn(rep[-1]))
        return True

    # --- Delivery: what was heard ---------------------------------------------------------

    def finish(self, said: Sequence[str], complete: bool) -> Delivered:
        voice = self._voice
        # However long the audio lasts, plus slack: a speaker that stalls (device unplugged)
        # must not hold the call forever.
        deadline = time.monotonic() + sum(h.clip.duration for h in self._played) + 3.0
        for queued in self._played:
            while not queued.playback.wait(0.05):
                if self._cancel.is_set() or time.monotonic() > deadline:
                    break
            if self._cancel.is_set():
                break
            if time.monotonic() > deadline:
                log.warning("the speaker stopped playing; going on without it")
                voice.parts.speaker.stop()
                break
        if self._cancel.is_set():
            voice.parts.speaker.stop()
        heard = [h for h in self._played if h.playback.played > 0]
        cut_off = self._cancel.is_set() and (
            len(heard) < len(said) or any(h.playback.played < h.clip.duration - 0.01 for h in heard)
        )
        if not heard:
            return Delivered(text="", interrupted=cut_off, timings=self.timings)
        first = heard[0].playback.started
        if first is not None and voice._timeline is None:
            self._mark("first_audio_out", voice._session_time(first))
        start = self.timings.get("first_audio_out")
        end = voice._session_time(time.monotonic())
        last = heard[-1].playback
        if last.started is not None and voice.realtime:
            end = min(end, voice._session_time(last.started) + last.played)
        audio = self._save(heard)
        return Delivered(
            text=" ".join(h.text for h in heard),
            start=start,
            end=round(end, 3),
            interrupted=cut_off,
            audio=audio,
            timings=dict(self.timings),
        )

    def _save(self, heard: list[_Heard]) -> str | None:
        import numpy as np

        voice = self._voice
        voice._counts["customer"] += 1
        rate = heard[0].clip.rate
        name = f"customer-{voice._counts['customer']:03d}"
        track = voice.parts.recorder.open(voice.call.record.id, name, rate)
        for h in heard:
            played = round(h.playback.played * h.clip.rate)
            samples = h.clip.samples[: max(0, played)]
            if h.clip.rate != rate:  # one voice per call: never expected
                samples = np.interp(
                    np.arange(0, len(samples), h.clip.rate / rate), np.arange(len(samples)), samples
                ).astype(np.float32)
            track.write(samples)
        track.close()
        return track.path
