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
from roleplay.services.ports import Clip

log = logging.getLogger(__name__)

DEFAULT_RATE = 165  # words per minute: a calm phone voice (espeak's own default is 175)
_VARIANTS = {"female": "+f3", "male": "+m3"}


class TtsUnavailable(RuntimeError):
    pass


def espeak_voice(voice: Voice, language: str) -> str:
    """espeak-ng voice name for a persona: accent (or the scenario language) plus gender."""
    base = (voice.accent or language or "en").lower()
    if base == "en":
        base = "en-us"
    return base + _VARIANTS.get(voice.gender or "", "")


class Pyttsx3Speech:
    name = "espeak-ng"

    def __init__(self) -> None:
        self._requests: queue.SimpleQueue[tuple[str, str, int, Future[Clip]] | None] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._folder = Path(tempfile.mkdtemp(prefix="roleplay-tts-"))

    def synthesise(self, text: str, voice: Voice, language: str) -> Clip:
        self._ensure_thread()
        done: Future[Clip] = Future()
        self._requests.put((text, espeak_voice(voice, language), voice.rate or DEFAULT_RATE, done))
        return done.result()

    def close(self) -> None:
        if self._thread is not None:
            self._requests.put(None)
            self._thread.join(timeout=5)
            self._thread = None

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="tts", daemon=True)
                self._thread.start()

    def _run(self) -> None:  # the one thread that touches the engine
        try:
            engine = _engine()
        except TtsUnavailable as exc:
            while (request := self._requests.get()) is not None:
                request[3].set_exception(exc)
            return
        current: str | None = None
        wav = self._folder / "sentence.wav"
        while (request := self._requests.get()) is not None:
            text, name, rate, done = request
            try:
                if name != current:
                    _set_voice(engine, name)
                    current = name
                engine.setProperty("rate", rate)
                engine.save_to_file(text, str(wav))
                engine.runAndWait()
                done.set_result(read_wav(wav))
            except (OSError, RuntimeError, ValueError, wave.Error) as exc:
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
