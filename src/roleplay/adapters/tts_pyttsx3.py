"""Text-to-speech with pyttsx3 (espeak-ng on Linux), owned by one thread.

pyttsx3 is known to hang when several threads drive one engine, prints "Audio saved to ..." on
stdout at every save, and plays through `aplay`, which headless machines lack. So one thread
owns the engine, every sentence is saved to a WAV file and read back as a `Clip` that the
caller plays (and can stop at once, and saves with the session), and the driver's print is
routed to the log instead of the terminal.
"""

from __future__ import annotations

import logging
import queue
import tempfile
import threading
import wave
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from roleplay.domain.scenario import Voice
from roleplay.errors import RoleplayError
from roleplay.services.ports import Clip

log = logging.getLogger(__name__)

DEFAULT_RATE = 165  # words per minute: a calm phone voice (espeak's own default is 175)
_VARIANTS = {"female": "+f3", "male": "+m3"}


ATTEMPTS = 3  # tries per sentence when espeak-ng writes an empty file
SYNTH_TIMEOUT = 30.0  # seconds for one sentence; a healthy espeak-ng takes ~15 ms


class TtsUnavailable(RoleplayError, RuntimeError):
    pass


def espeak_voice(voice: Voice, language: str) -> str:
    """espeak-ng voice name for a persona: accent (or the scenario language) plus gender."""
    base = (voice.accent or language or "en").lower()
    if base == "en":
        base = "en-us"
    if "+" in base:  # a full espeak-ng voice name from the settings, variant included
        return base
    return base + _VARIANTS.get(voice.gender or "", "")


class Pyttsx3Speech:
    """Each instance is a handle: the engine and its thread are one per process, because
    `pyttsx3.init()` hands every caller the same cached engine."""

    name = "espeak-ng"

    def synthesise(self, text: str, voice: Voice, language: str) -> Clip:
        done: Future[Clip] = Future()
        request = (text, espeak_voice(voice, language), voice.rate or DEFAULT_RATE, done)
        _owner().put(request)
        try:
            return done.result(timeout=SYNTH_TIMEOUT)
        except TimeoutError:
            raise TtsUnavailable(
                f"espeak-ng did not answer within {SYNTH_TIMEOUT:g} s (see the log)"
            ) from None

    def close(self) -> None:
        """Nothing to release per handle; the engine's thread is a daemon."""


_Request = tuple[str, str, int, Future[Clip]]
_requests: queue.SimpleQueue[_Request] | None = None
_owner_lock = threading.Lock()


def _owner() -> queue.SimpleQueue[_Request]:
    """The queue of the one thread that owns the engine (started on first use)."""
    global _requests
    with _owner_lock:
        if _requests is None:
            _requests = queue.SimpleQueue()
            folder = Path(tempfile.mkdtemp(prefix="roleplay-tts-"))
            threading.Thread(target=_run, args=(_requests, folder), name="tts", daemon=True).start()
        return _requests


def _run(requests: queue.SimpleQueue[_Request], folder: Path) -> None:
    try:
        engine = _engine()
    except TtsUnavailable as exc:
        while True:
            requests.get()[3].set_exception(exc)
    count = 0
    while True:
        text, name, rate, done = requests.get()
        try:
            clip = None
            # espeak-ng now and then writes an empty file for a sentence (seen in CI on
            # "Okay."): try again, each time into a fresh file, so a stale one is never read.
            for _attempt in range(ATTEMPTS):
                count += 1
                wav = folder / f"sentence-{count}.wav"
                # Rate, voice, rate again, every time: espeak-ng (through pyttsx3) otherwise
                # keeps an earlier rate now and then (measured; see test_voice_adapters.py).
                engine.setProperty("rate", rate)
                _set_voice(engine, name)
                engine.setProperty("rate", rate)
                engine.save_to_file(text, str(wav))
                engine.runAndWait()
                clip = read_wav(wav) if wav.exists() else None
                wav.unlink(missing_ok=True)
                if clip is not None and clip.duration > 0:
                    break
                log.warning("espeak-ng wrote no audio for %r; trying again", text[:60])
            if clip is None or clip.duration <= 0:
                raise TtsUnavailable(f"espeak-ng produced no audio for {text[:40]!r}")
            done.set_result(clip)
        except TtsUnavailable as exc:
            done.set_exception(exc)
        except Exception as exc:  # noqa: BLE001 - the owner thread must outlive any failure
            log.warning("speech synthesis failed for %r: %r", text[:60], exc)
            done.set_exception(TtsUnavailable(f"speech synthesis failed: {exc}"))


def _engine() -> Any:
    try:
        import pyttsx3
        import pyttsx3.drivers.espeak as espeak_driver
    except (ImportError, OSError) as exc:
        raise TtsUnavailable(
            f"text-to-speech needs espeak-ng ({exc}); install it: sudo apt-get install espeak-ng"
        ) from None

    def quiet(*args: object, **_kw: object) -> None:  # "Audio saved to ..." -> the log
        log.debug(" ".join(str(a) for a in args))

    espeak_driver.print = quiet
    try:
        return pyttsx3.init("espeak")
    except (OSError, RuntimeError) as exc:
        raise TtsUnavailable(f"cannot start espeak-ng ({exc}); is it installed?") from None


def _set_voice(engine: Any, name: str) -> None:
    for candidate in (name, name.split("+")[0], "en-us"):
        try:
            engine.setProperty("voice", candidate)
            return
        except ValueError:
            log.warning("espeak-ng has no voice %r; trying the next best", candidate)


def read_wav(path: Path) -> Clip:
    import numpy as np

    with wave.open(str(path), "rb") as w:
        rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
        data = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"{path}: expected 16-bit audio, got {8 * width}-bit")
    samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.float32)
    return Clip(samples, rate)
