"""Text-to-speech with espeak-ng, through pyttsx3's ctypes binding, owned by one thread.

pyttsx3's engine is known to hang when several threads drive it, prints "Audio saved to ..."
on stdout at every save, plays through `aplay` (which headless machines lack), polls in 10 ms
steps and now and then drops a sentence's last buffer (`_Espeak` says more). So one thread
drives espeak-ng itself, synchronously, through the binding pyttsx3 ships: each sentence comes
back in memory as a `Clip` that the caller plays (and can stop at once, and saves with the
session), and nothing is printed.
"""

from __future__ import annotations

import ctypes
import logging
import queue
import threading
from concurrent.futures import Future
from typing import Any

from roleplay.domain.scenario import Voice
from roleplay.services.ports import Clip
from roleplay.services.voice_errors import SynthesisFailed

log = logging.getLogger(__name__)

DEFAULT_RATE = 165  # words per minute: a calm phone voice (espeak's own default is 175)
_VARIANTS = {"female": "+f3", "male": "+m3"}


ATTEMPTS = 3  # tries per sentence when espeak-ng returns no audio
SYNTH_TIMEOUT = 30.0  # seconds for one sentence; a healthy espeak-ng takes a few ms


class TtsUnavailable(SynthesisFailed, RuntimeError):
    """espeak-ng is missing, hung or wrote no audio: the call goes on in text."""


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
    espeak-ng can be initialised only once per process."""

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
            threading.Thread(target=_run, args=(_requests,), name="tts", daemon=True).start()
        return _requests


def _run(requests: queue.SimpleQueue[_Request]) -> None:
    try:
        engine = _Espeak()
    except TtsUnavailable as exc:
        while True:
            requests.get()[3].set_exception(exc)
    while True:
        text, name, rate, done = requests.get()
        try:
            clip = None
            for _attempt in range(ATTEMPTS):  # never seen empty this way; kept as a guard
                clip = engine.synthesise(text, name, rate)
                if clip.duration > 0:
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


class _Espeak:
    """espeak-ng driven through pyttsx3's ctypes binding, synchronously, audio kept in memory.

    pyttsx3's own engine (`save_to_file` + `runAndWait`) polls with a 10 ms sleep, so every
    sentence took >= 10 ms (measured ~11-12 ms for "Right."; directly: ~0.5 ms), and it writes
    the WAV before adding the samples of espeak's last callback: a short sentence that arrives
    in one buffer came back empty now and then (the retry cost a reply 100-170 ms; turn latency
    bench: 4 of 24 turns), and a longer one could lose its end."""

    def __init__(self) -> None:
        try:
            import pyttsx3.drivers._espeak as espeak
        except (ImportError, OSError, RuntimeError) as exc:
            raise TtsUnavailable(
                f"text-to-speech needs espeak-ng ({exc}); "
                "install it: sudo apt-get install espeak-ng"
            ) from None
        self._es = espeak
        # Synchronous: espeak_Synth returns once every buffer has reached the callback.
        self.rate = int(espeak.Initialize(espeak.AUDIO_OUTPUT_SYNCHRONOUS, 200))
        if self.rate <= 0:
            raise TtsUnavailable(
                "cannot start espeak-ng (espeak_Initialize failed); is it installed?"
            )
        self._chunks: list[bytes] = []
        espeak.SetSynthCallback(self._collect)  # the binding keeps the callback alive

    def _collect(self, wav: Any, samples: int, _events: Any) -> int:
        if samples > 0:
            self._chunks.append(ctypes.string_at(wav, samples * ctypes.sizeof(ctypes.c_short)))
        return 0  # go on

    def synthesise(self, text: str, name: str, rate: int) -> Clip:
        import numpy as np

        es = self._es
        # Rate, voice, rate: setting a voice resets espeak-ng's rate.
        es.SetParameter(es.RATE, rate, 0)
        self._set_voice(name)
        es.SetParameter(es.RATE, rate, 0)
        self._chunks = []
        status = es.Synth(text, flags=es.ENDPAUSE | es.CHARS_UTF8)
        if status != es.EE_OK:
            raise TtsUnavailable(f"espeak-ng could not speak {text[:40]!r} (error {status})")
        pcm = b"".join(self._chunks)
        self._chunks = []
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        return Clip(samples, self.rate)

    def _set_voice(self, name: str) -> None:
        for candidate in (name, name.split("+")[0], "en-us"):
            if self._es.SetVoiceByName(candidate.encode("utf-8")) == self._es.EE_OK:
                return
            log.warning("espeak-ng has no voice %r; trying the next best", candidate)
