"""Microphone and speaker through sounddevice (PortAudio).

The input callback only copies frames into a queue and returns; the reading thread resamples
them to 16 kHz (soxr) and cuts 32 ms blocks. The speaker keeps one output stream open and
fills it from a queue of clips in its callback, so a clip starts within one buffer and stops
at once on barge-in; it notes when each clip's first sample reaches the device.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from roleplay.services.ports import SAMPLE_RATE, AudioBlock, AudioUnavailable, Clip

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

BLOCK = 512
NO_DEVICE_HELP = (
    "no sound device found; `roleplay devices` lists what there is. Practise by typing "
    "(--text) or with a recording standing in for the microphone (--audio-in FILE)"
)


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    host: str
    inputs: int
    outputs: int
    default_rate: float
    default_input: bool
    default_output: bool


def _sd() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # the wheel needs the system's PortAudio library
        raise AudioUnavailable(
            f"PortAudio is missing ({exc}); install it: sudo apt-get install libportaudio2"
        ) from None
    return sounddevice


def list_devices() -> list[Device]:
    sd = _sd()
    try:
        found = sd.query_devices()
        default_in, default_out = sd.default.device
        hosts = sd.query_hostapis()
    except sd.PortAudioError as exc:
        raise AudioUnavailable(f"cannot list sound devices: {exc}") from None
    return [
        Device(
            index=int(d["index"]),
            name=str(d["name"]),
            host=str(hosts[d["hostapi"]]["name"]),
            inputs=int(d["max_input_channels"]),
            outputs=int(d["max_output_channels"]),
            default_rate=float(d["default_samplerate"]),
            default_input=int(d["index"]) == default_in,
            default_output=int(d["index"]) == default_out,
        )
        for d in found
    ]


def find_device(spec: str | int | None, kind: str) -> int | None:
    """A device by index or (part of) its name; None means the system default."""
    if spec is None or spec == "":
        return None
    devices = [d for d in list_devices() if (d.inputs if kind == "input" else d.outputs)]
    if isinstance(spec, int) or str(spec).isdigit():
        index = int(spec)
        if any(d.index == index for d in devices):
            return index
    else:
        matches = [d for d in devices if str(spec).lower() in d.name.lower()]
        if len(matches) >= 1:
            return matches[0].index
    names = ", ".join(f"{d.index}: {d.name}" for d in devices) or "none"
    raise AudioUnavailable(f"no {kind} device '{spec}' (there are: {names})")


def has_microphone(device: str | int | None = None) -> bool:
    return _has(device, "input")


def has_speaker(device: str | int | None = None) -> bool:
    return _has(device, "output")


def _has(device: str | int | None, kind: str) -> bool:
    try:
        sd = _sd()
        index = find_device(device, kind)
    except AudioUnavailable:
        return False
    try:
        info = sd.query_devices(index, kind=kind)
    except (ValueError, sd.PortAudioError):  # no such (default) device: no sound card
        return False
    channels = "max_input_channels" if kind == "input" else "max_output_channels"
    return int(info[channels]) > 0


class Microphone:
    realtime = True

    def __init__(self, device: str | int | None = None, rate: int | None = None) -> None:
        self._device = device
        self._rate = rate
        self._frames: queue.SimpleQueue[NDArray[np.float32] | None] = queue.SimpleQueue()
        self._closed = threading.Event()
        self.overflows = 0
        self.description = "microphone"

    def blocks(self) -> Iterator[AudioBlock]:
        import numpy as np
        import soxr

        sd = _sd()
        device = find_device(self._device, "input")
        try:
            info = sd.query_devices(device, kind="input")
            rate = int(self._rate or info["default_samplerate"])
            self.description = f"microphone {info['name']} ({rate} Hz)"

            def callback(indata: Any, _frames: int, _time: Any, status: Any) -> None:
                if status.input_overflow:
                    self.overflows += 1
                self._frames.put(indata[:, 0].copy())  # only hand the frames over

            stream = sd.InputStream(
                device=device, channels=1, samplerate=rate, dtype="float32", callback=callback
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioUnavailable(f"cannot open the microphone: {exc}; {NO_DEVICE_HELP}") from None
        resampler = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32")
        pending = np.zeros(0, dtype=np.float32)
        position = 0
        try:
            while not self._closed.is_set():
                try:
                    frames = self._frames.get(timeout=0.5)
                except queue.Empty:
                    continue
                if frames is None:
                    break
                converted = frames if rate == SAMPLE_RATE else resampler.resample_chunk(frames)
                pending = np.concatenate([pending, converted.astype(np.float32, copy=False)])
                while len(pending) >= BLOCK:
                    yield AudioBlock(pending[:BLOCK].copy(), position / SAMPLE_RATE)
                    pending = pending[BLOCK:]
                    position += BLOCK
        finally:
            stream.stop()
            stream.close()

    def close(self) -> None:
        self._closed.set()
        self._frames.put(None)


class _Playback:
    def __init__(self, samples: NDArray[np.float32], rate: int) -> None:
        self.samples = samples
        self.rate = rate
        self.position = 0
        self.queued = time.monotonic()
        self._started: float | None = None
        self._done = threading.Event()

    @property
    def started(self) -> float | None:
        return self._started

    @property
    def played(self) -> float:
        return self.position / self.rate

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)


class SoundDeviceSpeaker:
    realtime = True

    def __init__(self, device: str | int | None = None) -> None:
        self._device = device
        self._queue: list[_Playback] = []
        self._lock = threading.Lock()
        self._stream: Any = None
        self._rate = 0
        # The stream runs from the first clip on, playing silence between clips: a stream
        # (re)started through PulseAudio's ALSA plugin first fills a buffer of ~2 s, so every
        # clip would start late. An underrun (the CPU busy elsewhere) does the same: counted.
        self.underruns = 0

    def _open(self) -> None:
        sd = _sd()
        _quiet_alsa()
        device = find_device(self._device, "output")
        try:
            info = sd.query_devices(device, kind="output")
            self._rate = int(info["default_samplerate"])
            self._stream = sd.OutputStream(
                device=device,
                channels=1,
                samplerate=self._rate,
                dtype="float32",
                latency="high",  # ~35 ms: no underruns while the CPU transcribes
                callback=self._fill,
            )
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioUnavailable(f"cannot open the speaker: {exc}; {NO_DEVICE_HELP}") from None

    def play(self, clip: Clip) -> _Playback:
        import soxr

        with self._lock:
            if self._stream is None:
                self._open()
        samples = clip.samples
        if clip.rate != self._rate:
            samples = soxr.resample(samples, clip.rate, self._rate).astype("float32")
        playback = _Playback(samples, self._rate)
        with self._lock:
            self._queue.append(playback)
        return playback

    def stop(self) -> None:
        with self._lock:
            dropped, self._queue = self._queue, []
        for p in dropped:
            p._done.set()

    def close(self) -> None:
        self.stop()
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None

    def _fill(self, outdata: Any, frames: int, when: Any, status: Any) -> None:
        outdata.fill(0)
        written = 0
        with self._lock:
            if status.output_underflow:
                self.underruns += 1
            while written < frames and self._queue:
                p = self._queue[0]
                if p._started is None:  # when this buffer reaches the device
                    ahead = max(0.0, when.outputBufferDacTime - when.currentTime)
                    p._started = time.monotonic() + ahead + written / self._rate
                    log.debug(
                        "clip starts %.0f ms after it was queued (%.0f ms of it in the device)",
                        (p._started - p.queued) * 1000,
                        ahead * 1000,
                    )
                take = min(frames - written, len(p.samples) - p.position)
                outdata[written : written + take, 0] = p.samples[p.position : p.position + take]
                p.position += take
                written += take
                if p.position >= len(p.samples):
                    self._queue.pop(0)
                    p._done.set()


_alsa_handler: Any = None


def _quiet_alsa() -> None:
    """alsa-lib prints recoverable events ("underrun occurred") straight to stderr, which
    would scribble over the terminal; route them nowhere. Linux only; harmless elsewhere."""
    global _alsa_handler
    if _alsa_handler is not None:
        return
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("asound")
    if name is None:
        return
    signature = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    _alsa_handler = signature(lambda *_args: None)  # kept alive: alsa-lib holds the pointer
    ctypes.cdll.LoadLibrary(name).snd_lib_error_set_handler(_alsa_handler)
