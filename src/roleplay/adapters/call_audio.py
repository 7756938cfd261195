"""A recorded call to words with speakers: stereo split exactly by channel, mono diarized.

Call systems mostly record one side per channel; then each channel is transcribed alone and
every word belongs to its channel. A file whose two channels hold the same signal (mono saved
as stereo) is treated as mono. Mono calls are transcribed once and each word is given a speaker
by `diarization.speakers_of_words`; a sentence's last words heard in the next voice go back to
the speaker who said the rest of it (`call.sentence_tails_kept`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from roleplay.adapters.diarization import speakers_of_words
from roleplay.domain.call import CallWords, SpokenWord, sentence_tails_kept
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
                stage = f"{label} channel"
                result = self.stt.transcribe_samples(audio, language, _stage(tell, stage))
                tell(stage, duration, duration)  # the last words end before the call does
                lang = result.language
                heard = placed(_words(result), audio)
                found = on_speech(heard + missed(heard, audio, self.stt, lang), audio)
                words += [SpokenWord(w.text, w.start, w.end, label) for w in found]
            words.sort(key=lambda w: w.start)
            return CallWords("stereo", _in_order(words), tuple(words), duration, lang)
        result = self.stt.transcribe_samples(
            sides[0], language, lambda done, total: tell("transcribing", done, total)
        )
        tell("transcribing", duration, duration)  # the last words end before the call does
        found = placed(_words(result), sides[0])
        stage = "telling the voices apart"
        tell(stage, 0, duration)
        who = speakers_of_words(
            sides[0],
            [(w.start, w.end) for w in found],
            texts=[w.text for w in found],
            progress=lambda share: tell(stage, share * duration, duration),
        )
        spoken = sentence_tails_kept(
            [
                SpokenWord(w.text, w.start, w.end, MONO_LABELS[k])
                for w, k in zip(found, who, strict=True)
            ]
        )
        return CallWords("mono", _in_order(spoken), tuple(spoken), duration, result.language)


def _stage(tell: Progress, stage: str) -> Callable[[float, float], None]:
    return lambda done, total: tell(stage, done, total)


def _words(result: Transcription) -> list[Word]:
    return [w for s in result.segments for w in s.words if w.text.strip()]


SQUEEZED = 0.02  # seconds: a word Whisper timed this short was not aligned to its speech


def placed(words: list[Word], audio: NDArray[np.float32]) -> list[Word]:
    """`words` with a squeezed word put back where it was said.

    Whisper decodes only the speech its filter (Silero VAD) finds, cut out and joined. A
    short word said alone before a pause ("Right.", "Okay.") can be aligned with no length
    at the join, and faster-whisper then gives it the time of the next stretch of speech:
    on a 2-minute call, "Okay." said at 0:45.1 was timed 0:47.6, at the start of the rep's
    next sentence, so the transcript showed it there. Segment times cannot correct it
    (faster-whisper makes a segment's start its first word's). The filter's stretches can:
    a squeezed word at the start of a stretch (within its padding, before any speech),
    whose previous stretch holds no word, was said in that previous stretch. Only then is it
    moved; every other word keeps Whisper's time."""
    suspects = [
        i
        for i, w in enumerate(words)
        if w.end - w.start <= SQUEEZED and (i == 0 or words[i - 1].end <= w.start)
    ]
    if not suspects:
        return words  # the filter is run again only when a word needs it (~0.7 s a channel)
    from dataclasses import replace

    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions()  # as WhisperModel.transcribe(vad_filter=True) runs it
    pad = options.speech_pad_ms / 1000
    stretches = [
        (c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE)
        for c in get_speech_timestamps(audio, options)
    ]
    moves: dict[int, list[int]] = {}  # a stretch -> the squeezed words said in it
    for i in suspects:
        w = words[i]
        k = next((k for k, (a, _b) in enumerate(stretches) if a - 0.01 <= w.start <= a + pad), 0)
        if k == 0:
            continue
        first = i == 0 or words[i - 1].end < stretches[k][0] - 0.01
        if not (first or (moves.get(k - 1) or [-1])[-1] == i - 1):
            continue  # the stretch starts with a word that stays: this one stays after it
        a, b = stretches[k - 1]
        if any(x.start < b and x.end > a for x in words):
            continue  # the previous stretch has its words: nothing is missing there
        moves.setdefault(k - 1, []).append(i)
    out = list(words)
    for k, moved in moves.items():
        a, b = stretches[k]
        start = min(a + pad, (a + b) / 2)  # the speech inside the filter's padding
        step = (max(start, b - pad) - start) / len(moved)
        for n, i in enumerate(moved):
            at = start + n * step
            out[i] = replace(words[i], start=round(at, 2), end=round(at + step, 2))
    return out


MISSED_SILENCE = 0.3  # seconds of silence that part two of a channel's voiced stretches
MISSED_MARGIN = 0.15  # seconds around a word that its own speech may still fill
MISSED_SHORTEST = 0.2  # seconds: a louder moment shorter than this is a click, not a word
MISSED_LEVEL_DB = 20.0  # a stretch this far below the channel's loud speech: the other side's echo


def missed(
    words: list[Word], audio: NDArray[np.float32], stt: WhisperSpeech, language: str
) -> list[Word]:
    """Words of a stereo channel's voiced stretches that Whisper gave no word at all.

    Whisper decodes a channel in long windows and leaves out a short word said alone inside
    them: on a 2-minute call the rep's "Right." at 0:13.8, said inside the customer's
    sentence, was in no transcript, so the rep's listening left no trace. A stretch of the
    channel that is loud (within MISSED_LEVEL_DB of its loud speech: not the other side's
    echo), touches no word, and holds speech (Silero VAD, as Whisper runs it, on the stretch
    alone) is transcribed alone as live speech is (the short window that hears "Right.").
    Its words share the stretch's time, and a backchannel is then marked as said over the
    other side as any other is. Only stretches no word touches are read: the rest of a
    stretch Whisper did transcribe made up words ("And I'm making a..." from the tail of
    "Mmm."). The loudness finds the candidates, so the speech filter runs on them alone
    (on the whole channel it cost ~0.8 s a channel on a 2-minute call)."""
    import numpy as np

    frame = SAMPLE_RATE // 100
    usable = len(audio) // frame * frame
    if usable == 0:
        return []
    rms = np.sqrt(np.mean(audio[:usable].reshape(-1, frame).astype(np.float64) ** 2, axis=1))
    voiced = rms[rms > 0]
    if len(voiced) == 0:
        return []
    loud = rms > float(np.percentile(voiced, 95)) * 10 ** (-MISSED_LEVEL_DB / 20)
    runs: list[list[int]] = []  # [first, last] frames, joined across short silences
    for i in np.flatnonzero(loud):
        if runs and i - runs[-1][1] <= MISSED_SILENCE * 100:
            runs[-1][1] = int(i)
        else:
            runs.append([int(i), int(i)])
    candidates = [(a / 100, (b + 1) / 100) for a, b in runs if (b + 1 - a) / 100 >= MISSED_SHORTEST]
    if not candidates:
        return []
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from roleplay.services.ports import Word

    found: list[Word] = []
    for a, b in candidates:
        touched = any(w.start - MISSED_MARGIN < b and w.end + MISSED_MARGIN > a for w in words)
        if touched:
            continue  # the edge of a word that was heard
        lo, hi = max(0.0, a - 0.1), min(len(audio) / SAMPLE_RATE, b + 0.1)
        piece = audio[int(lo * SAMPLE_RATE) : int(hi * SAMPLE_RATE)]
        if not get_speech_timestamps(piece, VadOptions(min_silence_duration_ms=300)):
            continue  # a knock, a breath: no speech
        said = stt.transcribe(piece, language).split()
        if not said or len(said) > 2 + 4 * (hi - lo):  # more words than anyone says: made up
            continue
        step = (b - a) / len(said)
        found += [
            Word(text, round(a + n * step, 2), round(a + (n + 1) * step, 2), 0.5)
            for n, text in enumerate(said)
        ]
    return found


QUIET_DB = 30.0  # a 10 ms frame this far below the channel's loud speech holds no speech


def on_speech(words: list[Word], audio: NDArray[np.float32]) -> list[Word]:
    """A stereo channel's words with their edges on the channel's own speech.

    Whisper's word times stretch into the silence around a sentence: on a 2-minute call the
    last word of a turn ran on ~0.5 s past its end, and the first word of the reply started
    up to ~1 s early, so a reply after a 0.4 s pause counted as an interruption (two on a
    call with none) and response latency came out short. A channel of a stereo call holds
    one side, so where it is silent that side is: each word's start and end move inward to
    its first and last frame of speech. A word with no speech under it keeps its times.
    Mono calls are not trimmed: the other side's voice is in the same signal."""
    from dataclasses import replace

    import numpy as np

    frame = SAMPLE_RATE // 100
    usable = len(audio) // frame * frame
    if not words or usable == 0:
        return words
    rms = np.sqrt(np.mean(audio[:usable].reshape(-1, frame).astype(np.float64) ** 2, axis=1))
    voiced = rms[rms > 0]
    if len(voiced) == 0:
        return words
    loud = rms > float(np.percentile(voiced, 95)) * 10 ** (-QUIET_DB / 20)
    out: list[Word] = []
    for w in words:
        a = max(0, int(w.start * 100))
        b = min(len(loud), int(np.ceil(w.end * 100)))
        hits = np.flatnonzero(loud[a:b])
        if len(hits) == 0:
            out.append(w)
            continue
        out.append(
            replace(
                w,
                start=round(float(a + hits[0]) / 100, 2),
                end=round(float(a + hits[-1] + 1) / 100, 2),
            )
        )
    return out


def _in_order(words: list[SpokenWord]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for w in words:
        seen.setdefault(w.speaker, None)
    return tuple(seen)
