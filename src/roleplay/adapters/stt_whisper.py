"""Speech-to-text with faster-whisper: loaded once, off the UI thread, int8 on the CPU.

Live speech takes a faster path than faster-whisper's `transcribe`, which always runs the
encoder over a 30 s window (~160 ms of a ~350 ms utterance on 2 cores with tiny.en). Here an
utterance is padded with one second of silence and encoded at that length, then decoded
greedily (BEAM): ~90 ms for a sentence, and on our measurements
(bench/transcription_bench.py) at least as accurate as the 30 s window. Windows under ~8 s
make the model repeat short lines, so short utterances are padded to 8 s. Runaway or doubtful
decodes (no end token, repetition) fall back to the full `transcribe`, as does anything
longer than 28 s. Silence is never decoded into words (SILENT_DBFS, NO_SPEECH).
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roleplay.adapters import whisper_models
from roleplay.adapters import whisper_punctuation as punct
from roleplay.domain import text as txt
from roleplay.services.ports import (
    SAMPLE_RATE,
    AudioUnavailable,
    Segment,
    SpeechUnavailable,
    Transcription,
    Word,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

# Greedy decoding for live speech. Beam 3 was measured: on the turn latency bench's 24 lines
# (each cut with 0.2 and 0.3 s of lead-in) its WER was 0.107 where greedy had 0.124, and it
# no longer ended "Would Tuesday at ten work for a short demo?" after "What do you want to
# do?" (greedy's early end token, with 0.2 s of lead-in; the audio was whole). But in the
# live call on a loaded 2-core machine each pause took ~60 ms longer to transcribe (median
# 354 vs 290 ms) and the reply started later (p50 979 vs 807 ms, back-to-back runs at a load
# of 7-8): latency wins here.
BEAM = 1
PAD_SECONDS = 1.0  # silence after the speech: tells the model where the speech ends
MIN_WINDOW = 8.0  # seconds; shorter windows make the model repeat short lines ("Right. Right.")
LONGEST_LIVE = 28.0  # seconds; longer stretches go through faster-whisper's windowing
# Below this loudness (dBFS, the loudest 32 ms of the stretch) there is no speech to hear:
# a muted or digital-silent input. Whisper "hears" words in it ("you", from 0.3 s of zeros
# up); quiet real speech (a far-off speaker at -50 dBFS) is far above it.
SILENT_DBFS = -70.0
# The decoder's own "no speech" probability above which its words are dropped, whatever
# they are. Measured on tiny.en: digital silence 0.97-0.99, the room tone between the
# phrases of jfk.flac 0.82-0.97 ("Yeah."); every phrase of real speech cut at its pauses
# (jfk.flac, multilingual.mp3; fragments like "ask" too) and short espeak-ng answers
# ("Yes.", "No.", "Okay.", "Mm-hmm.") 0.02-0.53.
NO_SPEECH = 0.8
LANGUAGE_NAMES = {"en": "English", "nb": "Norwegian", "no": "Norwegian", "nn": "Norwegian"}


def whisper_language(language: str) -> str:
    """BCP-47 (en-GB, nb, nn) -> Whisper's code (en, no, nn)."""
    base = language.split("-")[0].lower()
    return "no" if base == "nb" else base


class WhisperSpeech:
    def __init__(
        self,
        model: str = whisper_models.DEFAULT_MODEL,
        *,
        models_dir: Path,
        compute_type: str = "int8",
        cpu_threads: int = 2,
        beam_size: int = 5,
    ) -> None:
        self.model_name = model
        self._models_dir = models_dir
        self._compute_type = compute_type
        self._cpu_threads = cpu_threads
        self._beam_size = beam_size
        self._model: Any = None
        self._folder: str | None = None
        self._lock = threading.Lock()  # one load; one decode at a time

    @property
    def name(self) -> str:
        return self.model_name

    # --- loading ---------------------------------------------------------------------------

    def load(self, progress: Callable[[str], None] | None = None) -> None:
        with self._lock:
            if self._model is not None:
                return
            say = progress or (lambda _msg: None)
            where = whisper_models.resolve(self.model_name, self._models_dir, say)
            self._folder = where if Path(where).exists() else None
            say(f"Loading the speech model {self.model_name}...")
            from faster_whisper import WhisperModel  # heavy: only when speech is used

            try:
                self._model = WhisperModel(
                    where,
                    device="cpu",
                    compute_type=self._compute_type,
                    cpu_threads=self._cpu_threads,
                )
            except (OSError, RuntimeError, ValueError) as exc:
                raise SpeechUnavailable(
                    f"cannot load the speech model '{self.model_name}' ({exc}); name a model "
                    f"that is installed, e.g. {whisper_models.DEFAULT_MODEL} (English) or "
                    f"{whisper_models.MULTILINGUAL_MODEL} (multilingual), or a model folder"
                ) from None

    def check_language(self, language: str) -> None:
        code = whisper_language(language)
        if self._model is not None:
            english_only = not self._model.model.is_multilingual
        else:
            folder = self._folder
            if folder is None and self.model_name == whisper_models.DEFAULT_MODEL:
                english_only = True
            else:
                english_only = bool(whisper_models.english_only(self.model_name, folder))
        if english_only and code != "en":
            name = LANGUAGE_NAMES.get(code, f"'{language}'")
            raise SpeechUnavailable(
                f"the speech model {self.model_name} understands English only, and this "
                f"scenario is in {name} ({language}); use the multilingual model: "
                f'stt_model = "{whisper_models.MULTILINGUAL_MODEL}" under [voice] in the '
                f"config file, or --stt-model {whisper_models.MULTILINGUAL_MODEL} "
                f"(any multilingual faster-whisper model works, e.g. small or large-v3)"
            )
        from faster_whisper.tokenizer import _LANGUAGE_CODES

        if code not in _LANGUAGE_CODES:
            raise SpeechUnavailable(f"Whisper models cannot transcribe '{language}'")

    # --- live speech -----------------------------------------------------------------------

    def transcribe(
        self,
        samples: NDArray[np.float32],
        language: str,
        prompt: str = "",
        *,
        wanted: Callable[[], bool] | None = None,
    ) -> str:
        self.load()
        if _silent(samples):
            return ""  # nothing to hear: never ask the model, which would make words up
        if len(samples) / SAMPLE_RATE > LONGEST_LIVE:
            return self._transcribe_full(samples, language, prompt)
        with self._lock:
            if wanted is not None and not wanted():
                return ""  # (it waited for the lock meanwhile)
            text, doubtful = self._decode_short(samples, language, prompt, wanted)
        if doubtful:
            return self._transcribe_full(samples, language, prompt)
        return text

    def _decode_short(
        self,
        samples: NDArray[np.float32],
        language: str,
        prompt: str,
        wanted: Callable[[], bool] | None = None,
    ) -> tuple[str, bool]:
        import ctranslate2
        import numpy as np
        from faster_whisper.tokenizer import Tokenizer

        model = self._model
        multilingual = model.model.is_multilingual
        tokenizer = Tokenizer(
            model.hf_tokenizer,
            multilingual,
            task="transcribe",
            language=whisper_language(language) if multilingual else "en",
        )
        pad = max(PAD_SECONDS * SAMPLE_RATE, MIN_WINDOW * SAMPLE_RATE - len(samples))
        padded = np.concatenate([samples, np.zeros(int(pad), np.float32)])
        features = model.feature_extractor(padded)
        frames = features.shape[-1] - 1
        features = np.ascontiguousarray(features[None, :, : frames - frames % 2])
        encoded = model.model.encode(ctranslate2.StorageView.from_array(features), to_cpu=False)
        if wanted is not None and not wanted():
            return "", False  # no longer needed: the decoding (about half the time) is saved
        tokens: list[int] = []
        if prompt.strip():
            tokens = [tokenizer.sot_prev, *tokenizer.encode(" " + prompt.strip())[-100:]]
        tokens += [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        seconds = len(samples) / SAMPLE_RATE
        budget = int(10 + 12 * seconds)  # far above speech rates: only runaways reach it
        result = model.model.generate(
            encoded,
            [tokens],
            beam_size=BEAM,
            max_length=min(len(tokens) + budget, 448),
            suppress_blank=True,
            suppress_tokens=[-1],
            return_scores=True,
            return_no_speech_prob=True,
        )[0]
        ids = result.sequences_ids[0]
        ended = len(ids) < budget
        text = tokenizer.decode([t for t in ids if t < tokenizer.eot]).strip()
        avg_logprob = result.scores[0] / max(1, len(ids) + 1) if result.scores else 0.0
        if result.no_speech_prob > 0.6 and avg_logprob < -1.0:
            return "", False  # a breath, a cough: no words
        if result.no_speech_prob > NO_SPEECH:
            return "", False  # sure it heard no speech, whatever it made up ("you")
        if not any(ch.isalnum() for ch in text):
            return "", False  # ". . ." is what the model "hears" in silence
        once = _said_once(text)
        if once != text and not _repetitive(once):
            # The whole line again ("What have you tried so far to fix it? What have you
            # tried so far to fix it?"): the padded window's known echo, for some cuts of
            # the audio (the turn latency bench's line 6 with 0.25 s of lead-in, in every
            # run). Falling back to the 30 s window cost 0.6-3.5 s; the first copy is the
            # line (the fallback read the same words).
            log.debug("the decoder said the line again: %r", text)
            return once, not ended
        return text, not ended or _repetitive(text)

    def _transcribe_full(self, samples: NDArray[np.float32], language: str, prompt: str) -> str:
        with self._lock:
            segments, _info = self._model.transcribe(
                samples,
                language=self._language_for(language),
                beam_size=self._beam_size,
                initial_prompt=prompt or None,
                without_timestamps=True,
                condition_on_previous_text=False,
            )
            return " ".join(s.text.strip() for s in segments).strip()  # decodes here

    def _language_for(self, language: str | None) -> str | None:
        if language is None:
            return None
        return whisper_language(language) if self._model.model.is_multilingual else "en"

    # --- recordings ------------------------------------------------------------------------

    def transcribe_file(
        self,
        path: Path,
        language: str | None = None,
        progress: Callable[[float, float], None] | None = None,
    ) -> Transcription:
        self.load()
        from faster_whisper import decode_audio

        try:
            audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
        except (OSError, ValueError) as exc:  # PyAV's errors derive from these
            raise AudioUnavailable(f"{path}: cannot read it as audio ({exc})") from None
        if language is not None:
            self.check_language(language)
        return self.transcribe_samples(audio, language, progress)

    def transcribe_samples(
        self,
        audio: NDArray[np.float32],
        language: str | None = None,
        progress: Callable[[float, float], None] | None = None,
    ) -> Transcription:
        """16 kHz mono samples of any length (one channel of a call), with word times.

        Runs of words the reading left unpunctuated are read again without conditioning on
        the previous text (`whisper_punctuation`)."""
        self.load()
        duration = len(audio) / SAMPLE_RATE
        with self._lock:
            found, info = self._read(audio, language, 0.0, progress)
            spans = punct.unpunctuated(found)
            again: list[Segment] = []
            for lo, hi in spans:
                log.debug("no punctuation in %.1f-%.1f s: read again", lo, hi)
                part = audio[int(lo * SAMPLE_RATE) : int(min(hi, duration) * SAMPLE_RATE)]
                again += self._read(part, language, lo, None, condition=False)[0]
            if spans:
                found = list(punct.spliced(found, again, spans))
        return Transcription(str(info.language), round(duration, 3), tuple(found))

    def _read(
        self,
        audio: NDArray[np.float32],
        language: str | None,
        offset: float,
        progress: Callable[[float, float], None] | None,
        *,
        condition: bool = True,
    ) -> tuple[list[Segment], Any]:
        """One faster-whisper reading of `audio`, timed from `offset` seconds (under the lock)."""
        segments, info = self._model.transcribe(
            audio,
            language=self._language_for(language),
            beam_size=self._beam_size,
            word_timestamps=True,
            vad_filter=True,
            condition_on_previous_text=condition,
        )
        found: list[Segment] = []
        for s in segments:  # the decoding happens while iterating: here, in this thread
            words = tuple(
                Word(
                    w.word.strip(),
                    offset + float(w.start),
                    offset + float(w.end),
                    float(w.probability),
                )
                for w in s.words or ()
            )
            found.append(
                Segment(offset + float(s.start), offset + float(s.end), s.text.strip(), words)
            )
            if progress:
                progress(float(s.end), len(audio) / SAMPLE_RATE)
        return found, info


def _silent(samples: NDArray[np.float32]) -> bool:
    """No 32 ms block of the stretch reaches SILENT_DBFS."""
    import numpy as np

    if len(samples) == 0:
        return True
    block = 512
    usable = len(samples) - len(samples) % block
    blocks = samples[:usable].reshape(-1, block) if usable else samples[None, :]
    loudest = float(np.sqrt(np.mean(np.square(blocks, dtype=np.float64), axis=1)).max())
    return 20 * math.log10(max(loudest, 1e-12)) < SILENT_DBFS


_STUTTER = re.compile(r"(\S{1,4}?)\1{5,}")  # "etetetetetet": a decoder stuck on a syllable


def _said_once(text: str) -> str:
    """`text` with a sentence said twice or more in a row kept once."""
    said = txt.sentences(text)
    kept = [
        s for i, s in enumerate(said) if i == 0 or txt.normalise(s) != txt.normalise(said[i - 1])
    ]
    return " ".join(s for s in kept if s).strip()


def _repetitive(text: str) -> bool:
    """A decoding loop: a stuck syllable, a sentence said twice in a row, or (Whisper's own
    test) text that compresses too well."""
    if _STUTTER.search(text):
        return True
    said = [txt.normalise(s) for s in txt.sentences(text)]
    if any(a == b and len(a.split()) >= 2 for a, b in itertools.pairwise(said)):
        return True
    data = text.encode("utf-8")
    return len(data) >= 60 and len(data) / len(zlib.compress(data)) > 2.4
