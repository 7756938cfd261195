"""A recorded call to words with speakers: stereo split exactly by channel, mono diarized.

Call systems mostly record one side per channel; then each channel is transcribed alone and
every word belongs to its channel. A file whose two channels hold the same signal (mono saved
as stereo) is treated as mono. Mono calls are transcribed once and each word is given a speaker
by `diarization.speakers_of_words`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from roleplay.adapters.diarization import speakers_of_words
from roleplay.domain.call import CallWords, SpokenWord
from roleplay.services.ports import SAMPLE_RATE, AudioUnavailable

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from roleplay.adapters.stt_whisper import WhisperSpeech
    from roleplay.services.ports import Transcription, Word

Split = Literal["auto", "stereo", "mono"]
Progress = Callable[[str, float, float], None]  # stage, seconds done, seconds total
STEREO_LABELS = ("left", "right")
MONO_LABELS = ("A", "B")


def channels(path: Path) -> int:
    """How many audio channels the file has (PyAV comes with faster-whisper)."""
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            return int(stream.codec_context.channels)
    except (OSError, ValueError, IndexError) as exc:  # PyAV's errors derive from OSError/ValueError
        raise AudioUnavailable(f"{path}: cannot read it as audio ({exc})") from None


def read_channels(path: Path, split: Split) -> list[NDArray[np.float32]]:
    """One array per side (two for a true stereo call), 16 kHz."""
    import numpy as np
    from faster_whisper import decode_audio

    if not path.is_file():
        raise AudioUnavailable(f"{path}: no such file")
    stereo_file = channels(path) >= 2
    if split == "stereo" and not stereo_file:
        raise AudioUnavailable(
            f"{path}: has one channel, so the sides cannot be split by channel; leave out "
            "--rep-channel and roleplay tells the two voices apart (--rep-speaker A|B)"
        )
    try:
        if not stereo_file or split == "mono":
            return [decode_audio(str(path), sampling_rate=SAMPLE_RATE)]
        left, right = decode_audio(str(path), sampling_rate=SAMPLE_RATE, split_stereo=True)
    except (OSError, ValueError) as exc:
        raise AudioUnavailable(f"{path}: cannot read it as audio ({exc})") from None
    if split == "auto" and _same_signal(left, right):
        return [((left + right) / 2).astype(np.float32)]
    return [left, right]


def _same_signal(a: NDArray[np.float32], b: NDArray[np.float32]) -> bool:
    import numpy as np

    energy = float(np.dot(a, a) * np.dot(b, b))
    return energy == 0 or float(np.dot(a, b)) / energy**0.5 > 0.98


class CallTranscriber:
    def __init__(self, stt: WhisperSpeech) -> None:
        self.stt = stt

    def transcribe(
        self,
        path: Path,
        language: str | None = None,
        split: Split = "auto",
        progress: Progress | None = None,
    ) -> CallWords:
        sides = read_channels(path, split)
        tell = progress or (lambda _stage, _done, _total: None)
        duration = len(sides[0]) / SAMPLE_RATE
        if len(sides) == 2:
            words: list[SpokenWord] = []
            lang = "en"
            for label, audio in zip(STEREO_LABELS, sides, strict=True):
                result = self.stt.transcribe_samples(
                    audio, language, _stage(tell, f"{label} channel")
                )
                lang = result.language
                words += [SpokenWord(w.text, w.start, w.end, label) for w in _words(result)]
            words.sort(key=lambda w: w.start)
            return CallWords("stereo", _in_order(words), tuple(words), duration, lang)
        result = self.stt.transcribe_samples(
            sides[0], language, lambda done, total: tell("transcribing", done, total)
        )
        found = _words(result)
        tell("telling the voices apart", 0, duration)
        who = speakers_of_words(
            sides[0], [(w.start, w.end) for w in found], texts=[w.text for w in found]
        )
        spoken = [
            SpokenWord(w.text, w.start, w.end, MONO_LABELS[k])
            for w, k in zip(found, who, strict=True)
        ]
        return CallWords("mono", _in_order(spoken), tuple(spoken), duration, result.language)


def _stage(tell: Progress, stage: str) -> Callable[[float, float], None]:
    return lambda done, total: tell(stage, done, total)


def _words(result: Transcription) -> list[Word]:
    return [w for s in result.segments for w in s.words if w.text.strip()]


def _in_order(words: list[SpokenWord]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for w in words:
        seen.setdefault(w.speaker, None)
    return tuple(seen)
