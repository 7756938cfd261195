"""Microphone and speaker through sounddevice (PortAudio).

The input callback only copies frames into a queue and returns; the reading thread resamples
them to 16 kHz (soxr) and cuts 16 ms blocks. The speaker is in `audio_speaker`.
"""

from __future__ import annotations

import json
import logging
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roleplay.services.ports import SAMPLE_RATE, AudioBlock, AudioUnavailable

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

BLOCK = 256  # 16 ms at 16 kHz, the VAD's step
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
    """sounddevice itself, only after a probe in a child process answered: `import
    sounddevice` runs Pa_Initialize, which hangs forever (holding the GIL) on a stale JACK lock."""
    found = probe()
    if found.problem is not None and not found.devices:
        raise AudioUnavailable(found.problem)
    try:
        import sounddevice
    except OSError as exc:  # the wheel needs the system's PortAudio library
        raise AudioUnavailable(
            f"PortAudio is missing ({exc}); install it: sudo apt-get install libportaudio2"
        ) from None
    return sounddevice


# --- probing in a child process ------------------------------------------------------------

# Seconds to wait for the sound system. A healthy probe takes ~0.25 s here (a fresh Python
# importing sounddevice); on a busy machine a few times that. Past this the caller goes on
# without audio (typing) and says why.
PROBE_TIMEOUT = 5.0

# What the child runs: it prints one JSON document. A module-level list so that a test can
# swap in a child that hangs the way Pa_Initialize does.
PROBE_SCRIPT = r"""
import json, sys
try:
    import sounddevice as sd
except OSError as exc:
    print(json.dumps({"missing": str(exc)}))
    sys.exit(0)
out = {"devices": [], "default_input": -1, "default_output": -1}
try:
    hosts = sd.query_hostapis()
    for d in sd.query_devices():
        out["devices"].append({
            "index": int(d["index"]), "name": str(d["name"]),
            "host": str(hosts[d["hostapi"]]["name"]),
            "inputs": int(d["max_input_channels"]), "outputs": int(d["max_output_channels"]),
            "default_rate": float(d["default_samplerate"]),
        })
    out["default_input"], out["default_output"] = (int(i) for i in sd.default.device)
except sd.PortAudioError as exc:
    out["error"] = str(exc)
print(json.dumps(out))
"""
PROBE_COMMAND: list[str] = [sys.executable, "-c", PROBE_SCRIPT]


@dataclass(frozen=True)
class AudioProbe:
    """What the sound system said, how long it took, and why there is no audio if not."""

    devices: tuple[Device, ...]
    seconds: float
    problem: str | None = None  # why audio cannot be used, and what to do
    portaudio: bool = True  # the PortAudio library was found
    timed_out: bool = False

    @property
    def inputs(self) -> list[str]:
        return [d.name for d in self.devices if d.inputs > 0]

    @property
    def outputs(self) -> list[str]:
        return [d.name for d in self.devices if d.outputs > 0]


_cached: AudioProbe | None = None
_cache_lock = threading.Lock()


def probe(*, fresh: bool = False, timeout: float | None = None) -> AudioProbe:
    """Ask the sound system for its devices in a child process that is given up on after
    `timeout` seconds. Cached for the process (a CLI call asks twice, the app once);
    `fresh` asks again (`roleplay devices`, `roleplay doctor`)."""
    global _cached
    with _cache_lock:
        if _cached is None or fresh:
            _cached = _run_probe(PROBE_TIMEOUT if timeout is None else timeout)
        return _cached


def _run_probe(timeout: float) -> AudioProbe:
    started = time.monotonic()
    try:
        child = subprocess.Popen(
            PROBE_COMMAND,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # a Ctrl+C in the terminal is the caller's to handle
        )
    except OSError as exc:
        return AudioProbe((), 0.0, f"cannot start the sound-device check: {exc.strerror}")
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()  # it waits on a lock it does not hold: killing it frees nothing
        try:
            child.communicate(timeout=2)
        except subprocess.TimeoutExpired:
            log.warning("the audio probe (pid %s) did not exit after SIGKILL", child.pid)
        took = time.monotonic() - started
        return AudioProbe((), took, _hung_help(timeout), timed_out=True)
    took = time.monotonic() - started
    try:
        doc = json.loads(out.decode("utf-8", "replace").strip().splitlines()[-1])
    except (IndexError, ValueError):
        last = (err.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
        return AudioProbe((), took, f"the sound-device check failed ({last[:200]})")
    if "missing" in doc:
        return AudioProbe(
            (),
            took,
            f"PortAudio is missing ({doc['missing']}); install it: "
            "sudo apt-get install libportaudio2",
            portaudio=False,
        )
    default_in, default_out = int(doc["default_input"]), int(doc["default_output"])
    devices = tuple(
        Device(
            index=d["index"],
            name=d["name"],
            host=d["host"],
            inputs=d["inputs"],
            outputs=d["outputs"],
            default_rate=d["default_rate"],
            default_input=d["index"] == default_in,
            default_output=d["index"] == default_out,
        )
        for d in doc["devices"]
    )
    problem = f"cannot list sound devices: {doc['error']}" if "error" in doc else None
    return AudioProbe(devices, took, problem)


def _hung_help(timeout: float) -> str:
    shm = Path("/dev/shm")  # where JACK keeps its locks (Linux)
    stale = sorted(str(p) for p in shm.glob("jack*")) if shm.is_dir() else []
    where = (
        f"JACK lock files here: {', '.join(stale)}"
        if stale
        else "usually a stale JACK lock in /dev/shm (jack_db-*)"
    )
    return (
        f"the sound system did not answer within {timeout:.0f} s. PortAudio hangs when a "
        f"program that used audio was killed and left a lock behind ({where}). Close "
        "programs that use audio, then delete the stale lock files (or restart); "
        "`roleplay doctor` checks again"
    )


def list_devices() -> list[Device]:
    found = probe(fresh=True)
    if found.problem is not None:
        raise AudioUnavailable(found.problem)
    return list(found.devices)


def find_device(spec: str | int | None, kind: str) -> int | None:
    """A device by index or (part of) its name, as this process's PortAudio numbers it (to
    open a stream); None means the system default. Only after a probe has answered."""
    if spec is None or spec == "":
        return None
    sd = _sd()
    try:
        found = sd.query_devices()
    except sd.PortAudioError as exc:
        raise AudioUnavailable(f"cannot list sound devices: {exc}") from None
    devices = [
        Device(
            int(d["index"]), str(d["name"]), "", int(d["max_input_channels"]),
            int(d["max_output_channels"]), float(d["default_samplerate"]), False, False,
        )
        for d in found
    ]  # fmt: skip
    return _match(devices, spec, kind)


def _match(devices: list[Device] | tuple[Device, ...], spec: str | int, kind: str) -> int:
    devices = [d for d in devices if (d.inputs if kind == "input" else d.outputs)]
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
    return microphone_problem(device) is None


def has_speaker(device: str | int | None = None) -> bool:
    return _problem(device, "output") is None


def microphone_problem(device: str | int | None = None) -> str | None:
    """None when a microphone can be used; else why not and what to do. Never blocks for
    more than PROBE_TIMEOUT (the check runs in a child process)."""
    return _problem(device, "input")


def _problem(device: str | int | None, kind: str) -> str | None:
    found = probe()
    if found.problem is not None:
        return found.problem
    try:
        index = None if device is None or device == "" else _match(found.devices, device, kind)
    except AudioUnavailable as exc:
        return str(exc)
    default = "default_input" if kind == "input" else "default_output"
    usable = [
        d
        for d in found.devices
        if (d.inputs if kind == "input" else d.outputs) > 0
        and (d.index == index if index is not None else getattr(d, default))
    ]
    if usable:
        return None
    return NO_DEVICE_HELP if not found.devices else f"no default {kind} device; {NO_DEVICE_HELP}"


class Microphone:
    realtime = True

    def __init__(self, device: str | int | None = None, rate: int | None = None) -> None:
        self._device = device
        self._rate = rate
        self._frames: queue.SimpleQueue[NDArray[np.float32] | None] = queue.SimpleQueue()
        self._closed = threading.Event()
        self._overflows = 0  # blocks PortAudio dropped (the CPU was busy): said in the log
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
                    self._overflows += 1
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
            if self._overflows:  # a misheard turn may come from here
                log.warning("the microphone dropped audio %d times", self._overflows)

    @property
    def overflows(self) -> int:
        """How many times PortAudio dropped input because it was not read in time."""
        return self._overflows

    def close(self) -> None:
        self._closed.set()
        self._frames.put(None)


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
