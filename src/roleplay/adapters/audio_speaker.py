"""The customer's voice on a sound device: one output stream kept open, mixed in C.

The stream is an `rtmixer.Mixer`: its PortAudio callback is C code that copies queued clips
to the device and never waits for the Python interpreter. The Python callback it replaces
needed the interpreter every buffer, so on a busy machine (transcription, the UI, the model's
stream all holding it in turn) it ran late and the device underran unless the buffer was
~100 ms; every clip then started ~125 ms after it was queued, behind that much silence.

The buffer is adaptive (`LATENCIES`): the call starts with the smallest, and if the device
underruns (a loaded machine starves even a C callback), a stream with the next larger buffer
is swapped in between clips, for the rest of the call. An idle machine is fast; a loaded one
degrades to the old ~100 ms, then more. That stream is a spare, opened in the background once
the first one runs, kept running in silence: through PulseAudio a stream that underran plays
what is queued on it ~1-2 s late while it restarts, and a new stream takes as long to start,
so a spare opened only at the underrun left every clip of that stretch late (the bench's p95).

The first clip waits until the stream is ready: its sound flows and it has then run for a
moment without an underrun (or has grown). A clip queued on a stream that had just opened lost
its first ~50-100 ms (the sound server starts a new stream late and drops what was written
before), and a stream that underruns at once broke the customer's first line with gaps;
`prepare()` when the call is prepared makes that wait happen before anyone listens; a
barge-in (`stop()`) during that wait drops the clip.

Clips play one after the other through one ring buffer per stream (`_Voice`), read by one
rtmixer action: the callback takes their samples in the order they were written, so the next
clip starts exactly where the one before ends, with no gap and no overlap. Each clip used to be
its own action, queued to start on the stream's clock where the one before should end; but an
underrun moves that clock and not the samples (the rest of the clip plays later than the clock
said), so under load the next clip started on top of the current one: the customer talked
over themself (~0.4 s after a 0.4 s stall; 0.8-1.0 s over two stalled pairs at a load of ~13;
and a clip whose start was not known within 2 s was queued to play at once, on top of the
whole of the one before). Barge-in cancels the ring's action in the callback's next buffer;
what was queued behind it is never read.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from roleplay.adapters.audio_sounddevice import NO_DEVICE_HELP, _quiet_alsa, _sd, find_device
from roleplay.services.ports import AudioUnavailable, Clip

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

# Seconds of output buffer, smallest first. Measured through PulseAudio's null sink (ALSA
# pulse plugin, idle machine): a clip queued on a running stream is heard after ~28 ms at
# 0.02, ~55 ms at 0.04 and ~120 ms at 0.1.
LATENCIES = (0.02, 0.04, 0.1)  # the last is what a Python callback needed (the old figure)
WATCH_EVERY = 0.25  # seconds between looks at the stream's underrun count
# Seconds the first clip waits at most for the stream to be ready (a new stream's sound took
# up to ~2 s to flow through PulseAudio here); past it, it plays anyway.
READY_WAIT = 5.0
# Seconds a stream swapped in at an underrun is probed at most for promptness (a silent probe
# queued on it starts within its buffer). At a load of ~14 a probe could start late every
# time, or never: the swap then waited forever, and with it the watch on the stream in use.
# Past this the stream takes over if its sound flows at all (late beats running dry), else it
# is given up and the next underrun tries again.
TAKEOVER_WAIT = 3.0
PROBE_WAIT = 2.0  # seconds one probe may take to start
# Frames a stream's ring buffer holds (a power of 2: ~22 s at 48 kHz, 4 MB). What is queued
# beyond that waits in Python and is written as the callback reads (long before it runs dry).
RING_FRAMES = 1 << 20


class _Voice:
    """The clips queued on one stream, back to back in one ring buffer that one rtmixer action
    plays (the callback reads it in order). That action ends by itself when the ring runs dry
    (the customer fell silent); the next clip starts another on the same ring. Used under the
    speaker's lock."""

    def __init__(self, mixer: Any, not_before: float = 0.0) -> None:
        import rtmixer

        self.mixer = mixer
        self.ring = rtmixer.RingBuffer(4, RING_FRAMES)  # float32, one channel
        self.written = 0  # frames of the clips given to it: each clip's offset
        self.pushed = 0  # of those, frames written into the ring
        self.pending: list[NDArray[np.float32]] = []  # not written yet: the ring was full
        self.actions: list[tuple[Any, int]] = []  # (ring action, frames read before it)
        self.stopped = False  # a barge-in cancelled it: nothing more of it is played
        # Stream time before which its first action may not start: a stream that took over
        # must not talk over what the one before still has in the sound server's buffer.
        self.not_before = not_before

    @property
    def read(self) -> int:
        """Frames the callback has taken from the ring (played, or in the device's buffer)."""
        return self.pushed - int(self.ring.read_available)

    def running(self) -> bool:
        return bool(self.actions) and self.actions[-1][0] in self.mixer.actions

    def idle(self) -> bool:
        """Nothing of it is left to play (or it was stopped and the callback let it go)."""
        return not self.running() and (self.stopped or self.read >= self.written)

    def add(self, samples: NDArray[np.float32]) -> int:
        """Queue `samples` after everything before them; returns their offset in the voice."""
        offset = self.written
        self.written += len(samples)
        self.pending.append(samples)
        self.pump()
        return offset

    def pump(self) -> None:
        """Write what fits into the ring; if the ring's action has ended while frames are still
        to be read (it ran dry a moment before they were written), start another: it goes on
        where the last one stopped (a gap of a buffer at worst, never an overlap)."""
        if self.stopped:
            return
        while self.pending:
            room = int(self.ring.write_available)
            if room <= 0:
                break
            chunk = self.pending[0]
            n = int(self.ring.write(chunk[:room]))
            self.pushed += n
            if n < len(chunk):
                self.pending[0] = chunk[n:]
                break
            self.pending.pop(0)
        if self.ring.read_available and not self.running():
            start = self.not_before if not self.actions else 0.0
            self.actions.append((self.mixer.play_ringbuffer(self.ring, 1, start=start), self.read))

    def stop(self) -> None:
        self.stopped = True
        self.pending = []
        if self.running():
            cancel = self.mixer.cancel(self.actions[-1][0])
            del cancel  # the callback stops it in its next buffer


class _Playback:
    """One clip on the stream: its place in the stream's voice, read under the speaker's lock."""

    def __init__(self, speaker: SoundDeviceSpeaker, samples: NDArray[np.float32], rate: int):
        self._speaker = speaker
        self.samples = samples
        self.rate = rate
        self.frames = len(samples)
        self.voice: _Voice | None = None
        self.offset = 0  # frames of the voice before it
        self.queued = time.monotonic()
        self._clock: tuple[float, float] = (0.0, 0.0)  # (monotonic, stream time) when queued
        self._stopped = threading.Event()
        # The device ran dry while this clip was queued or playing (in the same look of the
        # watch thread): it may have a gap.
        self.underran = False

    @property
    def mixer(self) -> Any:
        return None if self.voice is None else self.voice.mixer

    @property
    def started(self) -> float | None:
        """Monotonic time the first sample reaches the device: the stream's DAC time of the
        ring action it is in, plus the frames before it in that action (an underrun in
        between makes that a little early)."""
        voice = self.voice
        if voice is None or voice.read <= self.offset:
            return None
        action, before = next((a, b) for a, b in reversed(voice.actions) if b <= self.offset)
        actual = float(action.actual_time)
        if actual <= 0:
            return None
        mono, stream = self._clock
        return float(mono + (actual - stream) + (self.offset - before) / self.rate)

    @property
    def played(self) -> float:
        if self.voice is None:
            return 0.0
        return min(max(self.voice.read - self.offset, 0), self.frames) / self.rate

    def wait(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._speaker._finished(self):
            if deadline is not None and time.monotonic() >= deadline:
                return False
            if self._stopped.wait(0.005):
                # Stopped: `played` is final once the cancel has reached the callback (its
                # next buffer).
                settle = time.monotonic() + 0.5
                while not self._speaker._finished(self) and time.monotonic() < settle:
                    time.sleep(0.005)
                return True
        return True


class SoundDeviceSpeaker:
    realtime = True

    def __init__(self, device: str | int | None = None, latency: float | None = None) -> None:
        """`latency`: a fixed output buffer in seconds; None adapts (LATENCIES)."""
        self._device = device
        self._steps = LATENCIES if latency is None else (float(latency),)
        self._step = 0
        self._lock = threading.Lock()
        self._mixer: Any = None
        self._primer: Any = None  # a silent clip: started once the stream's sound flows
        self._rate = 0
        self._playing: list[_Playback] = []
        self._voice: _Voice | None = None  # the clips queued on the stream in use
        self._not_before = 0.0  # stream time a voice on the stream in use may start at
        self._watch: threading.Thread | None = None
        self._closed = threading.Event()
        self._ready = threading.Event()  # the stream's sound flows and it keeps up
        self.underruns = 0  # seen by the device (in silence too: the buffer refills then)
        self.audible_underruns = 0  # ...while a clip played (a gap in the voice)
        self._heard_since: list[_Playback] = []  # clips queued or playing since the last count
        self.grown = 0  # times the buffer grew (each swaps in one more stream)
        self.streams_opened = 0  # streams put in use: one, unless underruns swapped one in
        self.failovers = 0  # streams swapped in at the largest buffer (no growth)
        self.opened = 0  # streams opened on the device, spares included
        self.spares_opened = 0  # streams opened ahead, in the background, to swap in
        # (mixer, primer, step): a running stream with the next buffer, ready to swap in
        self._spare: tuple[Any, Any, int] | None = None
        self._sparing: threading.Thread | None = None
        self._stops = 0  # stop() calls: a clip waiting for the stream sees a barge-in
        self.latency = self._steps[0]  # the buffer in use (seconds)

    # --- the Speaker port ----------------------------------------------------------------

    def prepare(self) -> None:
        """Open the stream now (its sound takes up to ~2 s to flow through PulseAudio, then
        it is watched for a moment): the first clip then plays at once. Opened on the first
        clip otherwise, which then waits for that."""
        with self._lock:
            if self._mixer is None:
                self._mixer = self._open(self._steps[0])
                self.streams_opened += 1
                self._primer = self._prime(self._mixer)
                self._start_watch()

    @property
    def ready(self) -> bool:
        """A clip queued now is heard at once, from its first sample."""
        return self._ready.is_set()

    def play(self, clip: Clip) -> _Playback:
        import soxr

        stops = self._stops
        self.prepare()
        samples = clip.samples
        if clip.rate != self._rate:
            samples = soxr.resample(samples, clip.rate, self._rate)
        if not self._ready.wait(READY_WAIT):
            log.warning(
                "the speaker's stream is not ready after %.0f s: playing anyway", READY_WAIT
            )
            self._ready.set()  # waited once; later clips go straight to the stream
        playback = _Playback(self, samples.astype("float32"), self._rate)
        with self._lock:
            if stops != self._stops:  # stopped (a barge-in) while it waited for the stream
                playback._stopped.set()
                return playback  # never queued: nothing of it is played
            self._queue(playback)
            self._heard_since.append(playback)
        return playback

    def stop(self) -> None:
        with self._lock:
            self._stops += 1
            dropped, self._playing = self._playing, []
            if self._voice is not None:
                self._voice.stop()  # the next clip starts a new one
        for p in dropped:
            p._stopped.set()

    def close(self) -> None:
        self.stop()
        self._closed.set()
        self._ready.set()  # a clip waiting for the stream waits no longer
        if self._watch is not None:
            self._watch.join(timeout=2)
        if self._sparing is not None:
            self._sparing.join(timeout=5)
        with self._lock:
            mixer, self._mixer = self._mixer, None
            spare, self._spare = self._spare, None
        if spare is not None:
            spare[0].stop()
            spare[0].close()
        if mixer is not None:
            time.sleep(0.02)  # the cancels reach the callback before the stream stops
            mixer.stop()
            mixer.close()

    # --- the stream ----------------------------------------------------------------------

    def _open(self, latency: float) -> Any:
        sd = _sd()
        _quiet_alsa()
        device = find_device(self._device, "output")
        try:
            import rtmixer
        except ImportError:  # declared with sounddevice: only a broken install lacks it
            raise AudioUnavailable(
                "the audio mixer is missing; install it: pip install rtmixer"
            ) from None
        try:
            info = sd.query_devices(device, kind="output")
            self._rate = int(info["default_samplerate"])
            mixer = rtmixer.Mixer(device=device, channels=1, samplerate=self._rate, latency=latency)
            mixer.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioUnavailable(f"cannot open the speaker: {exc}; {NO_DEVICE_HELP}") from None
        self.opened += 1
        return mixer

    def _queue(self, playback: _Playback) -> None:
        """Under the lock: on the current stream, after what is queued on it."""
        mixer = self._mixer
        if self._voice is None or self._voice.mixer is not mixer or self._voice.stopped:
            self._voice = _Voice(mixer, self._not_before)
        playback.voice = self._voice
        playback._clock = (time.monotonic(), float(mixer.time))
        playback.offset = self._voice.add(playback.samples)
        self._playing.append(playback)

    def _done(self, playback: _Playback) -> bool:
        voice = playback.voice
        if voice is None:
            return True
        voice.pump()  # (writes what waited for room; restarts a ring that ran dry)
        if voice.stopped:
            return not voice.running()
        return voice.read >= playback.offset + playback.frames

    def _finished(self, playback: _Playback) -> bool:
        with self._lock:
            voice = playback.voice
            if voice is None:
                return True
            done = voice.mixer.closed or self._done(playback)
            if done and playback in self._playing:
                self._playing.remove(playback)
                if playback.started is not None:
                    log.debug(
                        "clip started %.0f ms after it was queued (buffer %.0f ms)",
                        (playback.started - playback.queued) * 1000,
                        self.latency * 1000,
                    )
            return done

    # --- adapting the buffer ---------------------------------------------------------------

    def _start_watch(self) -> None:
        if self._watch is None:
            self._watch = threading.Thread(target=self._watch_run, name="speaker", daemon=True)
            self._watch.start()

    def _watch_run(self) -> None:
        settled = False  # the first count after the stream's sound flows is dropped
        while not self._closed.wait(WATCH_EVERY):
            with self._lock:
                mixer = self._mixer
                if mixer is None:
                    return
                if self._voice is not None:
                    self._voice.pump()  # what did not fit in the ring yet
                if not self._flowing(mixer, self._primer):
                    continue  # still filling the sound server's buffer (up to ~2 s)
                fetch = mixer.fetch_and_reset_stats()
                heard = self._heard_since
                self._heard_since = [p for p in self._playing if not self._done(p)]
            if not self._wait_action(mixer, fetch):
                continue
            count = int(fetch.stats.output_underflows)
            if not settled:
                settled = True  # (a new stream underruns as it starts: not a sign)
                continue
            if count == 0 or self._step + 1 >= len(self._steps):
                self._ready.set()  # it kept up for a whole look (or cannot grow)
            if count == 0:
                self._open_spare()
                continue
            self.underruns += count
            log.debug("the speaker underran %d time(s) (a clip playing: %s)", count, bool(heard))
            if heard:
                self.audible_underruns += count  # a gap in the customer's voice
                for p in heard:
                    p.underran = True
            # In silence it is not heard, but it costs as much: through PulseAudio the next
            # clip then started ~1.9 s late (the sound server fills its buffer again). At the
            # largest buffer, a running spare of the same size still spares that wait.
            if self._step + 1 < len(self._steps) or self._spare is not None:
                self._grow()
                settled = False

    def _wait_action(self, mixer: Any, action: Any) -> bool:
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and not self._closed.is_set():
            with self._lock:
                if action not in mixer.actions:
                    return True
            time.sleep(0.01)
        return False

    def _grow(self) -> None:
        """A larger buffer for the rest of the call, swapped in once no clip is playing: the
        spare, which runs already (unless it underran too, or is still starting: then it is
        waited for), else one opened now, until a clip queued on it would start at once."""
        if self._sparing is not None:
            self._sparing.join(TAKEOVER_WAIT)  # a spare still opening: the quickest way out
            if self._sparing.is_alive():
                log.warning("the speaker's spare stream is still opening; no takeover now")
                return
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:  # (it may have underrun too, and restarts: waited for below)
            new, primer, step = spare
        else:
            step = min(self._step + 1, len(self._steps) - 1)
            new = self._open(self._steps[step])
            primer = self._prime(new)
        log.info("the speaker underran: a %.0f ms stream takes over", self._steps[step] * 1000)
        if not self._until_prompt(new, self._steps[step]):
            new.stop()
            new.close()  # (a clean look at the stream in use opens another spare)
            return
        while not self._closed.is_set():
            with self._lock:
                voice = self._voice
                if voice is None or voice.mixer is not self._mixer or voice.idle():
                    old, self._mixer, self._primer = self._mixer, new, primer
                    # What the old stream took last is still in its buffer for a moment:
                    # the first clip on the new one starts after it, not on top of it.
                    buffered = max(float(getattr(old, "latency", 0.0) or 0.0), self.latency)
                    self._not_before = float(old.time) + buffered
                    if step > self._step:
                        self.grown += 1
                    else:
                        self.failovers += 1
                    self._step = step
                    self.latency = self._steps[step]
                    self.streams_opened += 1
                    break
            time.sleep(0.01)
        else:
            new.stop()
            new.close()
            return
        old.stop()
        old.close()
        self._open_spare()

    def _open_spare(self) -> None:
        """Open, in the background, the stream the next underrun swaps in (the next larger
        buffer, or one like this at the largest), unless one is open or opening."""
        if self._spare is not None or self._closed.is_set():
            return
        if self._sparing is not None and self._sparing.is_alive():
            return
        step = min(self._step + 1, len(self._steps) - 1)

        def run() -> None:
            try:
                mixer = self._open(self._steps[step])
            except AudioUnavailable as exc:  # the stream in use plays on; no spare then
                log.warning("the speaker could not open a spare stream: %s", exc)
                return
            primer = self._prime(mixer)
            with self._lock:
                if self._closed.is_set():
                    keep = False
                else:
                    self._spare, keep = (mixer, primer, step), True
                    self.spares_opened += 1
            if not keep:
                mixer.stop()
                mixer.close()

        self._sparing = threading.Thread(target=run, name="speaker-spare", daemon=True)
        self._sparing.start()

    def _until_prompt(self, mixer: Any, latency: float) -> bool:
        """Wait (at most TAKEOVER_WAIT) until a clip queued on `mixer` (not yet in use) would
        start within its buffer. False: give it up (closed, or no probe ever started on it);
        past the wait a stream whose probes start, however late, is taken (True)."""
        deadline = time.monotonic() + TAKEOVER_WAIT
        flows = False
        while not self._closed.is_set():
            delay = self._probe(mixer)
            if delay is not None and delay < latency + 0.05:
                return True
            flows = flows or delay is not None
            if time.monotonic() >= deadline:
                log.warning(
                    "the speaker's new stream %s; %s",
                    "starts clips late" if flows else "never started a probe",
                    "it takes over anyway" if flows else "the one in use plays on",
                )
                return flows
            time.sleep(0.05)  # a new stream takes ~1.3 s through PulseAudio
        return False

    def _probe(self, mixer: Any) -> float | None:
        """Seconds a silent clip queued on `mixer` now took to start (None: not within
        PROBE_WAIT)."""
        import numpy as np

        queued = float(mixer.time)
        probe = mixer.play_buffer(np.zeros(16, np.float32), 1)
        deadline = time.monotonic() + PROBE_WAIT
        while float(probe.actual_time) <= 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        mixer.actions  # noqa: B018 - drains what the callback has finished
        started = float(probe.actual_time)
        return started - queued if started > 0 else None

    @staticmethod
    def _flowing(mixer: Any, primer: Any) -> bool:
        """The stream's sound reaches the device: its clock has passed the primer's start
        (a new stream takes ~1.3 s through PulseAudio; a clip queued before that waits)."""
        started = float(primer.actual_time)
        return started > 0 and float(mixer.time) >= started

    def _prime(self, mixer: Any) -> Any:
        """A short silent clip (kept alive by rtmixer until done): it has started once the
        stream's sound flows. Caller holds the lock or owns `mixer` alone."""
        import numpy as np

        return mixer.play_buffer(np.zeros(int(0.05 * self._rate), np.float32), 1)
