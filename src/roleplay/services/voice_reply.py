"""One customer reply in a spoken call, on its own thread: synthesise, play, record.

The engine streams the customer's sentences; each is synthesised as it arrives and queued
on the speaker, so the first one plays while the model writes the rest. As the engine closes
the customer's turn it asks this reply (a `Delivery`) what was heard: the sentences played
at least in part before the rep barged in, when the first sample left the speaker, and the
audio, saved with the session.

If the voice fails (`SynthesisFailed`), the call goes on in text: the sentence is shown, the
rep is told once, and later replies are shown without trying to speak them. A customer that
fails (`CustomerUnavailable`) is the call's to recover from (`CustomerRecovery`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from roleplay.services.delivery import Delivered, Delivery
from roleplay.services.ports import (
    AudioTrack,
    ClipPlayback,
    CustomerEvent,
    CustomerUnavailable,
    FirstToken,
    Sentence,
    Speaker,
    TextToSpeech,
)
from roleplay.services.voice_errors import SynthesisFailed
from roleplay.services.voice_events import CustomerSentence, CustomerTurn, Listener, Notice, RepTurn
from roleplay.services.voice_timing import SessionClock, TurnTimings

if TYPE_CHECKING:
    from roleplay.domain.scenario import Voice
    from roleplay.services.engine import Conversation
    from roleplay.services.ports import Clip
    from roleplay.services.speculation import Prefetch

log = logging.getLogger(__name__)


@dataclass
class CustomerVoice:
    """How the customer is heard: one per call, shared by its replies."""

    speaker: Speaker
    tts: TextToSpeech
    voice: Voice
    language: str
    open_track: Callable[[int], AudioTrack]  # a new customer track at this sample rate
    muted: str | None = None  # why the voice failed; replies are then shown, not heard


@dataclass
class _Said:
    text: str
    clip: Clip | None  # None: shown as text (the voice failed)
    playback: ClipPlayback | None

    def heard(self) -> bool:
        return self.playback is None or self.playback.played > 0


class CustomerReply:
    def __init__(
        self,
        call: Conversation,
        out: CustomerVoice,
        clock: SessionClock,
        timings: TurnTimings,
        events: Callable[[Delivery], Iterator[CustomerEvent]],
        *,
        notify: Listener,
        speaking: Callable[[], None],
        done: Callable[[CustomerReply], None],
        prefetch: Prefetch | None = None,
        announce_rep: bool = True,
    ) -> None:
        self._call = call
        self._out = out
        self._clock = clock
        self.timings = timings
        self._events = events
        self._notify = notify
        self._speaking = speaking
        self._done = done
        self._prefetch = prefetch
        self._announce_rep = announce_rep
        self._cancel = threading.Event()
        self._first_index = len(call.turns)
        self._said: list[_Said] = []
        self.failure: CustomerUnavailable | None = None  # the customer failed: recover
        self.error: str | None = None  # anything else (a bug): said, and the call goes on
        self.thread = threading.Thread(target=self._run, name="reply", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def running(self) -> bool:
        return self.thread.is_alive()

    def interrupt(self) -> None:
        self._cancel.set()
        self._out.speaker.stop()

    def audible(self) -> bool:
        return any(s.playback is not None and s.playback.played > 0 for s in self._said)

    # --- the reply's thread ---------------------------------------------------------------

    def _run(self) -> None:
        announced = not self._announce_rep
        try:
            stream = self._events(self)
            try:
                for event in stream:
                    if not announced:
                        announced = self._announce_rep_turn()
                    self.timings.reply_started(self._prefetch)
                    if self._cancel.is_set():
                        break
                    if isinstance(event, FirstToken) or not isinstance(event, Sentence):
                        continue
                    self.timings.mark("first_sentence")
                    self._say(event.text)
                    if self._cancel.is_set():
                        break
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    with contextlib.suppress(CustomerUnavailable):
                        close()  # the engine saves the turn (asking `finish`)
        except CustomerUnavailable as exc:
            self.failure = exc
        except Exception as exc:  # the call loop must hear back, or it waits forever
            log.exception("the customer's reply failed")
            self.error = f"the customer's reply failed ({type(exc).__name__}: {exc})"
        if not announced:
            self._announce_rep_turn()
        turns = self._call.turns
        if turns and turns[-1].speaker == "customer" and turns[-1].index >= self._first_index:
            self._notify(CustomerTurn(turns[-1]))
        self._done(self)

    def _say(self, text: str) -> None:
        clip = self._synthesise(text)
        if self._cancel.is_set():
            return
        playback = None
        if clip is not None:
            playback = self._out.speaker.play(clip)
            if self._clock.fast:
                self.timings.mark("first_audio_out")  # fast: played the moment it is queued
        self._said.append(_Said(text, clip, playback))
        self._speaking()
        self._notify(CustomerSentence(text))
        if clip is not None and not self._out.speaker.realtime:
            self._clock.played(clip.duration)

    def _synthesise(self, text: str) -> Clip | None:
        out = self._out
        if out.muted is not None:
            return None
        try:
            clip = self._early_clip(text) or out.tts.synthesise(text, out.voice, out.language)
        except SynthesisFailed as exc:
            out.muted = str(exc)
            log.warning("speech synthesis failed; the call goes on in text: %s", exc)
            self._notify(Notice(f"The customer's voice failed: {exc}"))
            return None
        self.timings.mark("synthesised")
        return clip

    def _early_clip(self, text: str) -> Clip | None:
        """The committed speculative reply's first sentence, synthesised while the rep's
        silence was still being measured (None: synthesise it now)."""
        prefetch = self._prefetch
        if prefetch is None or not prefetch.speculation.committed:
            return None
        early = prefetch.clip(text)
        return early.result() if early is not None else None

    def _announce_rep_turn(self) -> bool:
        turns = self._call.turns
        rep = [t for t in turns if t.speaker == "rep"]
        if rep and rep[-1].index == len(turns) - 1:
            self._notify(RepTurn(rep[-1]))
        return True

    # --- Delivery: what was heard ---------------------------------------------------------

    def finish(self, said: Sequence[str], complete: bool) -> Delivered:
        self._wait_for_playback()
        heard = [s for s in self._said if s.heard()]
        cut_off = self._cancel.is_set() and (
            len(heard) < len(said)
            or any(
                s.clip is not None
                and s.playback is not None
                and s.playback.played < s.clip.duration - 0.01
                for s in heard
            )
        )
        if not heard:
            return Delivered(text="", interrupted=cut_off, timings=self.timings.reply())
        played = [s for s in heard if s.playback is not None]
        first = played[0].playback if played else None
        if first is not None and first.started is not None and not self._clock.fast:
            self.timings.mark("first_audio_out", self._clock.at(first.started))
        end = self._clock.now()
        last = played[-1].playback if played else None
        if last is not None and last.started is not None and self._out.speaker.realtime:
            end = min(end, self._clock.at(last.started) + last.played)
        return Delivered(
            text=" ".join(s.text for s in heard),
            start=self.timings.get("first_audio_out"),
            end=round(end, 3),
            interrupted=cut_off,
            audio=self._save(played) if played else None,
            timings=self.timings.reply(),
        )

    def _wait_for_playback(self) -> None:
        # However long the audio lasts, plus slack: a speaker that stalls (device unplugged)
        # must not hold the call forever.
        clips = [s for s in self._said if s.clip is not None and s.playback is not None]
        deadline = time.monotonic() + sum(s.clip.duration for s in clips if s.clip) + 3.0
        for queued in clips:
            assert queued.playback is not None
            while not queued.playback.wait(0.05):
                if self._cancel.is_set() or time.monotonic() > deadline:
                    break
            if self._cancel.is_set():
                break
            if time.monotonic() > deadline:
                log.warning("the speaker stopped playing; going on without it")
                self._out.speaker.stop()
                break
        if self._cancel.is_set():
            self._out.speaker.stop()

    def _save(self, played: list[_Said]) -> str | None:
        import numpy as np

        first = played[0].clip
        assert first is not None
        rate = first.rate
        track = self._out.open_track(rate)
        for s in played:
            assert s.clip is not None and s.playback is not None
            samples = s.clip.samples[: max(0, round(s.playback.played * s.clip.rate))]
            if s.clip.rate != rate:  # one voice per call: never expected
                samples = np.interp(
                    np.arange(0, len(samples), s.clip.rate / rate), np.arange(len(samples)), samples
                ).astype(np.float32)
            track.write(samples)
        track.close()
        return track.path
