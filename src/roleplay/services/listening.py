"""Listening to the rep: voice activity, the turn's audio on disk, words while they speak.

One thread reads the audio source block by block (16 ms), asks the voice activity detector
whether the rep is speaking, writes the rep's audio to the session as it arrives, and decides
when their turn has ended. Transcription runs on a second thread, incrementally: a partial
transcript every ~0.8 s of speech (shown on screen), and at every pause a transcript of the
words since the last pause, which is kept as a finished phrase if the rep goes on. So when the
turn ends, only the last phrase is left to transcribe, and usually it already is: it was
transcribed, and the customer's reply started from it (`Paused`), while the silence that ends
the turn was still being measured.

Live, the reply is asked for even sooner: the moment the rep falls silent, from the latest
partial transcript when it covers speech up to (nearly) the end. When the pause's own
transcript is ready it is announced again; the call keeps the early reply if the words are
materially the same (`turn_taking.same_reply`: "10%" / "ten percent", a filler, punctuation)
and starts over if not, so accuracy never depends on the shortcut: the turn keeps the pause's
words. Under load (transcriptions ~0.3 s, partials every ~1 s) the latest partial ends 0.3-1.8
s before the end of speech and so rarely reaches it: the pause's transcript starts the reply.
The listening thread never waits for a transcription: it only hands audio to the transcription
worker (measured at a load of ~10: each pause seen 1-3 ms after its block was heard).

Nothing is asked for from a fragment: the rep's first word heard alone while they hesitate
("What... would make this a priority?" is transcribed "What?" at the hesitation) is not a turn
(`turn_taking.fragment`); it is announced only after `fragment_pause` of silence, and a
question's short pause does not end the turn on it. "Really?" and "Yes?" are announced as
soon as any other words.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from roleplay.domain.turn_taking import fragment, hands_over
from roleplay.services.listening_events import (
    Heard,
    ListenSettings,
    Paused,
    Resumed,
    SourceEnded,
    SpeechStarted,
    SpeechSustained,
    TurnAudio,
    TurnEnded,
)
from roleplay.services.ports import (
    SAMPLE_RATE,
    AudioBlock,
    AudioSource,
    AudioTrack,
    SpeechToText,
    VoiceActivity,
)
from roleplay.services.voice_events import MicLevel, PartialTranscript, VoiceEvent

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

__all__ = [  # the listener's news and settings live in listening_events; named here too
    "Heard",
    "ListenSettings",
    "Paused",
    "RepListener",
    "Resumed",
    "SourceEnded",
    "SpeechStarted",
    "SpeechSustained",
    "TurnEnded",
]

LONG_PHRASE = 15.0  # seconds: past this, a turn in any language is cut at its next pause
ROLLING_BELOW = 0.13  # seconds: partials run back to back while a transcription takes less


class RepListener:
    def __init__(
        self,
        source: AudioSource,
        vad: VoiceActivity,
        stt: SpeechToText,
        language: str,
        settings: ListenSettings,
        heard: Callable[[Heard], None],
        notify: Callable[[VoiceEvent], None],
        open_track: Callable[[], AudioTrack | None],
        started: Callable[[float], None] | None = None,
    ) -> None:
        self.source = source
        self._vad = vad
        self._stt = stt
        self._language = language
        self.settings = settings
        self._heard = heard
        self._notify = notify
        self._open_track = open_track
        # Told once, live, the monotonic time of the source's second 0: a file is decoded
        # and a device opened before the first block, so the call's start is not it.
        self._started = started
        self._zero: float | None = None  # live: the monotonic time of the source's second 0
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="transcribe")
        self._running = threading.Event()
        self._running.set()
        self._presses: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._announcing = threading.Lock()
        self._thread: threading.Thread | None = None
        self.position = 0.0  # source seconds read so far
        self._pre: deque[AudioBlock] = deque(
            maxlen=max(1, math.ceil(settings.pre_roll * SAMPLE_RATE / vad.block_size))
        )
        self._levels: list[float] = []
        self._transcribe_time = 0.1  # seconds, a moving average (see _took)
        self._partial_busy = False  # a partial is queued or running: never queue two
        self._reset()

    # --- control (from the call's thread) ------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="listen", daemon=True)
        self._thread.start()

    def hold(self) -> None:
        """Stop reading the source (a file read faster than real time, while the customer
        answers)."""
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def press(self) -> None:
        """The talk key: push-to-talk starts or ends the turn; otherwise it ends it now."""
        self._presses.put(None)

    def stop(self) -> None:
        self.source.close()
        self._running.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # --- the listening thread --------------------------------------------------------------

    def _reset(self) -> None:
        self._turn_id = getattr(self, "_turn_id", 0) + 1
        self._in_turn = False
        self._samples = TurnAudio()
        self._start = 0.0  # source seconds of the first kept sample
        self._speech_start = 0.0
        self._speech_run = 0  # consecutive speech blocks while idle
        self._speech_total = 0.0
        self._speaking = False
        self._sustained = False
        self._last_speech_end = 0.0
        self._phrases: list[Future[str]] = []
        self._open_from = 0  # samples of this turn already in finished phrases
        self._pause: Future[str] | None = None
        self._pause_cut = 0
        self._pause_phrases: list[Future[str]] = []
        self._pause_long_enough = False  # silence >= speculate_after in the current pause
        self._fragment_due = False  # silence >= fragment_pause: a lone "What?" may go too
        self._announced: str | None = None  # the words last sent with Paused for this pause
        self._partial_at = 0.0
        self._partial_generation = 0
        self._latest: tuple[int, str, float] | None = None  # (turn, words, source seconds)
        self._track: AudioTrack | None = None
        self._talk_key = False

    def _run(self) -> None:
        error = None
        try:
            for block in self.source.blocks():
                self._running.wait()
                began = time.monotonic()
                if self._zero is None and self.source.realtime:
                    self._zero = began - block.end  # a block comes as its end is heard
                    if self._started is not None:
                        self._started(self._zero)
                self._block(block)
                took = time.monotonic() - began
                if took > block.end - block.start:  # falling behind the audio
                    log.debug("block at %.2f s took %.0f ms", block.end, took * 1000)
        except Exception as exc:  # noqa: BLE001 - reported to the call, which tells the rep
            error = f"{type(exc).__name__}: {exc}"
        if self._in_turn and (self._speech_total >= self.settings.min_speech or self._talk_key):
            self._end_turn(self.position)
        self._heard(SourceEnded(error))

    def _block(self, block: AudioBlock) -> None:
        s = self.settings
        self.position = block.end
        p = self._vad.probability(block.samples)
        self._level(block, p >= s.threshold)
        pressed = False
        while not self._presses.empty():
            self._presses.get()
            pressed = not pressed
        if s.push_to_talk:
            if pressed and not self._in_turn:
                self._talk_key = True
                self._begin(block.start, include_pre_roll=False)
            elif pressed:
                self._append(block)
                self._end_turn(block.end)
                return
            if self._in_turn:
                self._append(block)
                self._speech_total += len(block.samples) / SAMPLE_RATE
                self._last_speech_end = block.end
                self._maybe_partial(block.end)
            return
        if not self._in_turn:
            self._pre.append(block)
            self._speech_run = self._speech_run + 1 if p >= s.threshold else 0
            if self._speech_run * len(block.samples) / SAMPLE_RATE >= s.min_speech:
                first = block.end - self._speech_run * len(block.samples) / SAMPLE_RATE
                self._begin(first, include_pre_roll=True)
            return
        self._append(block)
        speaking = p >= s.threshold or (self._speaking and p >= s.release)
        if speaking:
            if not self._speaking and self._pause is not None:
                self._resume(block)
            self._speaking = True
            self._last_speech_end = block.end
            self._speech_total += len(block.samples) / SAMPLE_RATE
            if not self._sustained and self._speech_total >= s.barge_in:
                self._sustained = True
                self._heard(SpeechSustained(block.end))
            self._maybe_partial(block.end)
        else:
            self._speaking = False
            silence = block.end - self._last_speech_end
            if self._pause is None and silence >= s.transcribe_after:
                self._start_pause()
            if silence >= s.speculate_after and not self._pause_long_enough:
                self._pause_long_enough = True
                self._announce()
            if silence >= s.fragment_pause and not self._fragment_due:
                self._fragment_due = True
                self._announce()  # words held back as a fragment ("What?") go now
            text = self._pause_transcript()
            if text is None and self.source.realtime:  # not transcribed yet: fresh words
                # only a partial taken at the very end says how the line ends: one a little
                # older may miss a trailing "and..." and cut the rep off
                text = self._early_words(s.tail) or None
            if text is None:
                needed = s.policy.silence
            else:
                needed = s.policy.silence_needed(text, self._language)
            if silence >= needed:
                self._end_turn(block.end)
                return
        if pressed:
            self._end_turn(block.end)

    def _begin(self, first_speech: float, *, include_pre_roll: bool) -> None:
        self._in_turn = True
        self._speaking = True
        self._speech_start = first_speech
        self._last_speech_end = self.position
        kept = list(self._pre) if include_pre_roll else []
        self._pre.clear()
        self._start = kept[0].start if kept else self.position
        self._track = self._open_track()
        for b in kept:
            self._append(b)
        self._speech_total = self.position - first_speech
        self._partial_at = self.position
        self._heard(SpeechStarted(first_speech))

    def _append(self, block: AudioBlock) -> None:
        self._samples.append(block.samples)
        if self._track is not None:
            self._track.write(block.samples)

    def _audio(self, start: int, end: int | None = None) -> NDArray[np.float32]:
        return self._samples.view(start, end)

    @staticmethod
    def _prompt_of(phrases: list[Future[str]]) -> str:
        """The finished phrases before this one, as the decoder's prompt. Called on the one
        transcription worker, where every earlier phrase is already done: the prompt is the
        same on a fast machine and a busy one (it once depended on which finished first)."""
        return " ".join(f.result() for f in phrases if f.exception() is None).strip()

    def _maybe_partial(self, now: float) -> None:
        # The reply is asked for at the end of speech from the latest partial, which is the
        # rep's words only if it was taken within ~0.1 s of the end (measured on the bench's
        # 24 lines: 17 the same as the final transcript at 0.1 s, 9 at 0.2 s, 2 at 0.3 s): on
        # an idle machine partials run back to back. But a partial still running when the
        # rep pauses delays the pause's transcript, which decides the turn: on a busy machine
        # (slow transcription) partials come every 3 transcriptions' time, as before (one
        # pair of turn latency bench runs at a load of ~10: with partials 3 transcriptions
        # minus 0.25 s apart, 13 of 23 replies asked for early were kept; 3 apart: 23 of 24).
        every = self.settings.partial_every
        if self._transcribe_time > ROLLING_BELOW:
            every = 3 * self._transcribe_time
        if now - self._partial_at < every or self._partial_busy:
            return
        self._partial_at = now
        self._partial_generation += 1
        self._partial_busy = True
        generation = self._partial_generation
        audio = self._audio(self._open_from)
        phrases = list(self._phrases)
        turn_id = self._turn_id

        s = self.settings

        def wanted() -> bool:
            """Still worth finishing: no pause since it was asked for, or it reaches so
            near the end of the speech that it may start the reply (else the pause's own
            transcript, queued behind it, is what the reply waits for)."""
            return generation == self._partial_generation or (
                turn_id == self._turn_id and now >= self._last_speech_end - s.keep_partial
            )

        def partial() -> None:
            try:
                if generation != self._partial_generation:
                    return  # the rep paused: the pause's own transcript comes first
                began = time.monotonic()
                prompt = self._prompt_of(phrases)
                text = self._stt.transcribe(audio, self._language, prompt, wanted=wanted)
                if not wanted():
                    return  # given up half-way (its words may be cut): not shown, not used
                self._took(time.monotonic() - began)
                done = " ".join([*(f.result() for f in phrases), text]).strip()
                if done and turn_id == self._turn_id:
                    self._latest = (turn_id, done, now)
                    self._anticipate(turn_id, done, now, fresh=bool(text.strip()))
                if generation == self._partial_generation and done:
                    self._notify(PartialTranscript(done))
            finally:
                self._partial_busy = False

        self._pool.submit(partial)

    def _anticipate(self, turn_id: int, words: str, upto: float, *, fresh: bool) -> None:
        """Live, a partial taken while the rep is still speaking that already reads as a
        finished question (or a check-back) is most likely their last words: the reply is
        asked for now, before they fall silent, so the model's time to first token overlaps
        the end of the line. The pause's own transcript re-checks it (same words: kept; else
        replaced), and the turn's words are always that transcript: a wrong guess costs one
        request, never a word. A partial that heard no new words (`fresh`: the rep went on
        after a pause, and only the finished phrases are known) or whose last sentence is a
        fragment ("What?", the first word of "What... would make this a priority?") says
        nothing about how the line ends and asks for nothing. A partial that finishes after
        the rep fell silent is announced at once, if it reaches the end of their speech."""
        if not self.source.realtime:
            return
        with self._announcing:
            if turn_id != self._turn_id:
                return
            paused = self._pause is not None
            finished = fresh and self._finished_question(words)
            if not paused and self.settings.anticipate and finished:
                self._heard(Paused(words, upto, turn_id))
        if paused:
            # A partial that was running when the rep fell silent: it reaches (nearly) the
            # end of their speech, and the pause's own transcript is queued behind it.
            self._announce()

    def _finished_question(self, words: str) -> bool:
        """A question mark or a check-back, not a question word before a full stop: a partial
        cut mid-line often ends in a full stop ("How does a typical morning look."), and
        each one would ask for a reply that is then dropped."""
        if fragment(words, self._language):
            return False
        closed = words.strip().rstrip("\"')”’").endswith("?")
        return closed or hands_over(words, self._language)

    def _start_pause(self) -> None:
        cut_at = self._last_speech_end + self.settings.tail - self._start
        cut = min(len(self._samples), int(cut_at * SAMPLE_RATE))
        self._partial_generation += 1  # queued partials are now stale
        audio = self._audio(self._open_from, cut)
        phrases = list(self._phrases)
        at = self._last_speech_end
        turn_id = self._turn_id
        submitted = time.monotonic()

        latest = self._latest
        if latest is not None and latest[0] == turn_id:
            log.debug(
                "pause at %.2f s: the latest partial ends %.0f ms before it",
                at,
                (at - latest[2]) * 1000,
            )
        if self._zero is not None:  # how far behind the audio the listening thread is
            log.debug(
                "pause at %.2f s: seen %.0f ms after its block was heard",
                at,
                (submitted - self._zero - self.position) * 1000,
            )

        def transcribe_pause() -> str:
            began = time.monotonic()
            text = self._stt.transcribe(audio, self._language, self._prompt_of(phrases))
            self._took(time.monotonic() - began)
            log.debug(
                "pause at %.2f s: queued %.0f ms, transcribed %.2f s of audio in %.0f ms",
                at,
                (began - submitted) * 1000,
                len(audio) / SAMPLE_RATE,
                (time.monotonic() - began) * 1000,
            )
            return text

        job = self._pool.submit(transcribe_pause)
        self._pause = job
        self._pause_cut = cut
        self._pause_phrases = [*phrases, job]

        self._pause_long_enough = False
        self._fragment_due = False
        self._announced = None

        def transcribed(done: Future[str]) -> None:
            if not done.cancelled() and done.exception() is None and turn_id == self._turn_id:
                self._notify(PartialTranscript(self._join([*phrases, done])))
                self._announce(done)

        job.add_done_callback(transcribed)

    def _took(self, seconds: float) -> None:
        """How long transcriptions take here and now (a moving average)."""
        self._transcribe_time = 0.7 * self._transcribe_time + 0.3 * seconds

    def _announce(self, job: Future[str] | None = None) -> None:
        """Tell the call the rep has fallen silent, with their words so far, once the silence
        is long enough: the pause's transcript when it is ready (either thread), and before
        that, live, a partial transcript that reaches the end of the speech. Words that are
        a fragment ("What?": the rep's first word, and they hesitate) wait until the silence
        reaches `fragment_pause`: a rep who goes on has not cost a request."""
        with self._announcing:
            pause = self._pause
            if pause is None or (job is not None and job is not pause):
                return
            if not self._pause_long_enough:
                return
            if all(f.done() for f in self._pause_phrases):
                text = self._join(self._pause_phrases)
            elif self._announced is None and self.source.realtime:
                text = self._early_words()
            else:
                return
            if not text or text == self._announced:
                return
            if not self._fragment_due and fragment(text, self._language):
                return  # announced once the silence says it is the whole turn (_block)
            self._announced = text
            self._heard(Paused(text, self._last_speech_end, self._turn_id))

    def _early_words(self, slack: float | None = None) -> str:
        """The latest partial transcript, if it covers the speech up to (nearly) its end.
        Used until the pause's own transcript is ready, to start the reply and to read how
        the line ends; the turn's words are always the pause's transcript."""
        latest = self._latest
        if latest is None or latest[0] != self._turn_id:
            return ""
        _turn, words, upto = latest
        slack = self.settings.early_partial if slack is None else slack
        return words if upto >= self._last_speech_end - slack else ""

    def _resume(self, block: AudioBlock) -> None:
        """The rep went on after a pause. A real pause (not a gap between two words) cuts
        the turn there: its words are a finished phrase, and later passes start after it."""
        with self._announcing:
            assert self._pause is not None
            if block.start - self._last_speech_end >= self._phrase_pause():
                self._phrases.append(self._pause)
                self._open_from = self._pause_cut
                self._samples.forget(self._open_from)  # (its audio is in the turn's track)
            else:
                # A gap between two words: nothing needs its transcript. Dropped if it has
                # not started, so the pause that ends the turn is not queued behind it
                # (measured: up to ~450 ms in a line with commas, on a busy machine).
                self._pause.cancel()
            announced = self._announced
            self._pause = None
            self._announced = None
            self._pause_long_enough = False
            self._fragment_due = False
        if announced is not None:
            self._heard(Resumed(block.start))

    def _phrase_pause(self) -> float:
        """Cutting a turn into phrases at pauses keeps the last phrase short, so it is
        transcribed by the time the turn ends. Measured to keep accuracy in English only: in
        other languages (multilingual models) fragments of a sentence lose the words around
        them ("Hvordan fungerer ..." came back as "Må den fyrge ..."), so there the whole turn
        is transcribed at every pause, and cut only once it grows long."""
        if self._language.split("-")[0].lower() == "en":
            return self.settings.phrase_pause
        open_seconds = (len(self._samples) - self._open_from) / SAMPLE_RATE
        return self.settings.phrase_pause if open_seconds > LONG_PHRASE else math.inf

    @staticmethod
    def _join(parts: list[Future[str]]) -> str:
        return " ".join(f.result() for f in parts if f.exception() is None).strip()

    def _pause_transcript(self) -> str | None:
        """The words up to the current pause, once transcribed (None until then).

        Audio read faster than real time waits for them, so that the end of a turn is
        decided on the words, as it would be live, and not on how fast this machine is."""
        if self._pause is None:
            return None
        if not self.source.realtime:
            self._pause.exception()  # waits
        if not all(f.done() for f in self._pause_phrases):
            return None
        if any(f.exception() is not None for f in self._pause_phrases):
            return ""
        return " ".join(f.result() for f in self._pause_phrases).strip()

    def _end_turn(self, decided: float) -> None:
        parts = list(self._phrases)
        if self._pause is not None and not self._speaking:
            parts.append(self._pause)
        elif len(self._samples) > self._open_from:
            audio = self._audio(self._open_from)
            earlier = list(self._phrases)
            parts.append(
                self._pool.submit(
                    lambda: self._stt.transcribe(audio, self._language, self._prompt_of(earlier))
                )
            )

        def final() -> str:
            return " ".join(f.result() for f in parts).strip()

        self._partial_generation += 1
        text = self._pool.submit(final)  # runs after the parts: one worker, in order
        track = self._track
        if track is not None:
            track.close()
        ended = TurnEnded(
            self._turn_id,
            self._speech_start,
            self._last_speech_end,
            decided,
            time.monotonic(),
            text,
            track,
        )
        if not self.source.realtime:
            self.hold()  # a file read fast waits while the customer answers
        self._reset()
        self._heard(ended)

    def _level(self, block: AudioBlock, speech: bool) -> None:
        import numpy as np

        rms = float(np.sqrt(np.mean(np.square(block.samples, dtype=np.float64))))
        self._levels.append(rms)
        if len(self._levels) * len(block.samples) >= 1536:  # a level every ~96 ms
            db = 20 * math.log10(max(max(self._levels), 10**-4.5))  # floor: -90 dBFS
            self._levels.clear()
            self._notify(MicLevel(round(db, 1), speech))
