"""A recorded call to words with speakers: stereo split exactly by channel, mono diarized.

Call systems mostly record one side per channel; then each channel is transcribed alone and
every word belongs to its channel. A file whose two channels hold the same signal (mono saved
as stereo) is treated as mono. Mono calls are transcribed once and each word is given a speaker
by `diarization.speakers_of_words`; a sentence's last words heard in the next voice go back to
the speaker who said the rest of it (`call.sentence_tails_kept`). Short words Whisper left out
are read alone: a stereo channel's voiced stretches that touch no word (`missed`), and a mono
call's loud pauses inside one speaker's utterance when the other voice is heard there
(`mono_missed`); either is marked as said over the other side. Then the words' edges are
moved onto the speech under them (call_edges.py): every word of a stereo channel, and the
edges of each speaker's runs of speech on a mono call, so the gaps between turns are heard.

Mono backchannels said over a word (not in a pause) are not recovered (calls10, stop 33): on
calls made of the real recordings with the rep's espeak-ng "Right."/"Okay."/"Mm-hm." mixed
inside the customer's words, neither the diarization's frame-level fit (a mixture per voice on
its cepstra and pitch, 0.3 s smoothed) nor the speaker encoder on 0.4 s windows every 0.1 s
marked the stretch (both lit up only at word edges and silences; the encoder cost ~15 s CPU
per audio minute), and Whisper read alone a window 0.1 s off the word said "Thank you." or
"document.": too unreliable to add words to a transcript.
Tried again (calls11, stop 34; bench/mono_backchannel_bench.py, 8 backchannels over the middle
of "fellow" or "Americans", Whisper wrote none of them): the voices' frame-level fit (each
speaker's mixture, log-likelihood of the other voice minus the host's, 0.2 s smoothed, inside
the host's words) ranked the word holding the backchannel 21st-48th of the call's ~50 words,
its score below zero (the host's voice fits the mix better); the pitch track (the other
voice's pitch range, not the host's, in a run of frames) put it first in 2 of 8 calls, among
the last in 5 (the two voices' ranges overlap); the host's utterance read alone with the live
path (padded short window) wrote the backchannel in 1 of 8 ("Right." for "for"), and once
"Okay." three times with made-up repeats. None is a detector to add words on: still not looked
for. What changed is the rest: a backchannel Whisper timed at no length goes back into the pause
it was said in (`squeezed_back`), a few words of one voice inside the other's sentence go back
to it (`call.islands_joined`), and a stereo channel's stretch that is the other side's echo is
not read alone (`missed`).
Where they are lost (calls12, stop 35; the bench's 8 calls over the middle of a word):
in Whisper's transcription of the mixture, before any timing or attribution. The
backchannel is said at the host's level (+0.3 to +4 dB over its span) and tiny.en writes
the host's words garbled instead ("so am I for America." for "so my fellow Americans"); no
word of it exists to time or attribute. Read alone, the backchannel's own track is
written right in 6 of 8 (espeak-ng's "Mm-hm." reads as "And I may come..." even alone: 2
of 8 no reader can recover); the mixture's window around it (known from the truth) in 3
of 8 ("Yes."/"Okay"/"Right." over "Americans"; over "fellow": "Oh my god."). Reading every
1 s window of the host's speech alone (0.5 s apart) wrote a backchannel word in 4 of the 6
readable calls and in none of 18 windows of the call without one, but at two Whisper
readings per second of the other side's speech (several times the whole transcription)
and with one call without a backchannel checked: not shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from roleplay.adapters.call_edges import frame_levels, mono_on_speech, on_speech
from roleplay.adapters.diarization import speakers_of_words
from roleplay.domain.call import (
    PAUSE,
    CallWords,
    SpokenWord,
    islands_joined,
    sentence_tails_kept,
)
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
MONO_GAPS = True  # read the other voice's backchannels in a speaker's pauses (mono_missed)


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
            for label, audio, far in zip(STEREO_LABELS, sides, sides[::-1], strict=True):
                stage = f"{label} channel"
                result = self.stt.transcribe_samples(audio, language, _stage(tell, stage))
                tell(stage, duration, duration)  # the last words end before the call does
                lang = result.language
                heard = placed(_words(result), audio)
                found = on_speech(heard + missed(heard, audio, self.stt, lang, far), audio)
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
        spoken = islands_joined(
            sentence_tails_kept(
                [
                    SpokenWord(w.text, w.start, w.end, MONO_LABELS[k])
                    for w, k in zip(found, who, strict=True)
                ]
            )
        )
        if MONO_GAPS:
            spoken = squeezed_back(spoken, sides[0])
            spoken = sorted(
                spoken + mono_missed(spoken, sides[0], self.stt, result.language),
                key=lambda w: w.start,
            )
        spoken = mono_on_speech(spoken, sides[0])  # last: the voices were told apart as heard
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
    words: list[Word],
    audio: NDArray[np.float32],
    stt: WhisperSpeech,
    language: str,
    other: NDArray[np.float32] | None = None,
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
    (on the whole channel it cost ~0.8 s a channel on a 2-minute call).

    A stretch that is the `other` channel's speech heard faintly on this one (a line's echo,
    a headset's leak: louder than MISSED_LEVEL_DB allows for at -18 dB) is not read: on a
    noisy phone-band test call the rep's channel "said" the customer's "without
    restrictions." and "with our limits." A stretch at least ECHO_DB quieter than the other
    side there (each against its own loud speech), whose loudness rises and falls with it
    (ECHO_FOLLOWS), or ECHO_SURE_DB quieter, is its echo; the rep's own "Right." over the
    customer's sentence is said at the rep's level."""
    import numpy as np

    loud = _levels(audio)
    if loud is None:
        return []
    runs: list[list[int]] = []  # [first, last] frames, joined across short silences
    for i in np.flatnonzero(loud):
        if runs and i - runs[-1][1] <= MISSED_SILENCE * 100:
            runs[-1][1] = int(i)
        else:
            runs.append([int(i), int(i)])
    candidates = [(a / 100, (b + 1) / 100) for a, b in runs if (b + 1 - a) / 100 >= MISSED_SHORTEST]
    if not candidates:
        return []
    near = _levels_db(audio) if other is not None else None
    far = _levels_db(other) if other is not None else None
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from roleplay.services.ports import Word

    found: list[Word] = []
    for a, b in candidates:
        touched = any(w.start - MISSED_MARGIN < b and w.end + MISSED_MARGIN > a for w in words)
        if touched:
            continue  # the edge of a word that was heard
        if near is not None and far is not None and _echo(near, far, a, b):
            continue  # the other side heard on this line
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


ECHO_DB = 6.0  # a stretch this much quieter than the other side there may be its echo
ECHO_FOLLOWS = 0.7  # ...and is, when its loudness (dB, 10 ms) follows the other's this closely
ECHO_SURE_DB = 12.0  # ...and is, whatever it follows, when it is this much quieter


def _levels_db(audio: NDArray[np.float32]) -> NDArray[np.float64]:
    """10 ms levels in dB below the channel's loud speech (its 95th percentile)."""
    import numpy as np

    rms = frame_levels(audio)
    voiced = rms[rms > 0]
    top = float(np.percentile(voiced, 95)) if len(voiced) else 1.0
    return np.asarray(20 * np.log10((rms + 1e-10) / top), np.float64)


def _echo(near: NDArray[np.float64], far: NDArray[np.float64], start: float, end: float) -> bool:
    """Is this channel's stretch from `start` to `end` the other channel's speech heard on it?
    `near`, `far`: each channel's `_levels_db`, so a side recorded quieter is not taken for
    an echo. It is when the stretch is ECHO_SURE_DB quieter than the other side there, or
    ECHO_DB quieter and its level follows the other's (correlation ECHO_FOLLOWS or more)."""
    import numpy as np

    a, b = int(start * 100), min(len(near), len(far), int(end * 100))
    if b - a < 5:
        return False
    x, y = near[a:b], far[a:b]
    quieter = 10 * np.log10(np.mean(10 ** (y / 10)) / np.mean(10 ** (x / 10)))
    if quieter >= ECHO_SURE_DB:
        return True
    if quieter < ECHO_DB or x.std() < 1e-6 or y.std() < 1e-6:
        return False
    return float(np.corrcoef(x, y)[0, 1]) >= ECHO_FOLLOWS


def _in_order(words: list[SpokenWord]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for w in words:
        seen.setdefault(w.speaker, None)
    return tuple(seen)


GAP_SHORTEST = 0.3  # seconds between two words of one speaker that may hold the other's word
GAP_EDGE = 0.03  # seconds at each end of the gap left to the words around it
GAP_QUIET = 0.1  # seconds of quiet that part two sounds in a pause
GAP_WORDS = 2  # words at most in a gap's reading: "Right.", "Mm-hm.", "Okay, sure."
GAP_VOICE = 0.5  # log-likelihood a frame (mean) by which the other voice must fit better


def mono_missed(
    words: list[SpokenWord], audio: NDArray[np.float32], stt: WhisperSpeech, language: str
) -> list[SpokenWord]:
    """Backchannels of a mono call said in a pause of the other speaker's sentence.

    Whisper decodes a mono call in long windows and may leave out a short word of the other
    voice ("Yeah." in the 0.4 s pause of "...a copy of this software, / and associated...").
    A pause between two words of one speaker that is loud (within MISSED_LEVEL_DB of the
    call's loud speech) for at least MISSED_SHORTEST, holds speech (Silero VAD on it alone),
    and reads alone as at most GAP_WORDS words (Whisper's no-speech checks, as live speech is
    read) that are not a piece of the words around it, is said by the other speaker when its
    frames fit the other speaker's voice better (by GAP_VOICE a frame: mixtures of each
    speaker's words on the diarization's cepstra and pitch); it is then marked as said over
    the host as any other backchannel is. A word said over the other voice's word (inside a
    word's time) is not looked for: nothing tried found it reliably (see the module notes).
    Only pauses are read, so a call without a loud pause costs one pass over the levels.

    Measured (calls10, tiny.en; calls of the real recordings with the rep's espeak-ng
    backchannel over the customer's words, at the end of a word, or in a 0.4-1 s pause): of
    24 backchannels Whisper wrote 13 itself; of the 11 it left out, 3 were recovered, all
    with the rep's voice, and 8 were missed (5 said over a word, which is not looked for; in
    2 the diarization gave both voices one label; 1 in a 0.4 s pause); no word was made up,
    neither on 7 calls without a backchannel (one a 2-minute noisy phone-band call) nor
    elsewhere in the 24. Cost: 0.13 s CPU per audio minute on average (at most 0.5 s on a
    33 s call) beside ~24 s for transcribing and diarizing.

    bench/mono_backchannel_bench.py (calls11: 24 backchannels, 8 of them over the middle of a
    word; 8 calls without one, 6 of them noisy phone-band, one 2-minute): with this and
    `squeezed_back` and `islands_joined` before it, 12 at the right time with the rep's
    voice (main's 11), 12 missed (the 8 over a word's middle among them), 0 words made up
    (main's 0), no backchannel left at a wrong time or voice (main's 2: "Okay." timed with the
    next sentence, and a "Yes." left there beside the "Yeah." read alone); 0.18 s CPU per
    audio minute after the main pass (main's 0.15, same run)."""
    import numpy as np

    loud = _levels(audio) if len(words) >= 2 else None
    if loud is None:
        return []
    candidates: list[tuple[int, float, float]] = []  # (word before, start, end) of the sound
    for i in range(len(words) - 1):
        before, after = words[i], words[i + 1]
        if before.speaker != after.speaker or not GAP_SHORTEST <= after.start - before.end < PAUSE:
            continue  # no pause, or one that ends the utterance: a word there takes the floor
        lo = int(np.ceil((before.end + GAP_EDGE) * 100))
        hi = min(len(loud), int((after.start - GAP_EDGE) * 100))
        runs: list[list[int]] = []  # [first, last] loud frames, joined across GAP_QUIET
        for k in np.flatnonzero(loud[lo:hi]) if hi > lo else ():
            if runs and k - runs[-1][1] <= GAP_QUIET * 100:
                runs[-1][1] = int(k)
            else:
                runs.append([int(k), int(k)])
        candidates += [
            (i, (lo + first) / 100, (lo + last + 1) / 100)
            for first, last in runs
            if last + 1 - first >= MISSED_SHORTEST * 100  # shorter: a click, a word's edge
        ]
    if not candidates:
        return []
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    voices: _Voices | None = None
    found: list[SpokenWord] = []
    for i, a, b in candidates:
        before, after = words[i], words[i + 1]
        first, last = max(before.end, a - 0.1), min(after.start, b + 0.1)
        piece = audio[int(first * SAMPLE_RATE) : int(last * SAMPLE_RATE)]
        if not get_speech_timestamps(piece, VadOptions(min_silence_duration_ms=300)):
            continue  # a breath, a knock: no speech
        said = stt.transcribe(piece, language).split()
        if not said or len(said) > min(GAP_WORDS, 2 + 4 * (last - first)):
            continue  # nothing, or more words than fit: made up
        if any(len(_plain(w)) < 2 or w.rstrip(".,!?").endswith("-") for w in said):
            continue  # "F-": a cut-off piece of a word, not a word said whole
        around = [w.text for w in words[max(0, i - 1) : i + 3]]
        if _piece_of(said, around):
            continue  # the end of the word before or the start of the next one, read again
        voices = voices or _Voices(audio, words)
        other = voices.other(before.speaker, a, b)
        if other is None:
            continue  # the host's own voice, or no clear voice: not a backchannel
        step = (b - a) / len(said)
        found += [
            SpokenWord(text, round(a + n * step, 2), round(a + (n + 1) * step, 2), other)
            for n, text in enumerate(said)
        ]
    return found


def _levels(audio: NDArray[np.float32]) -> NDArray[np.bool_] | None:
    """Which 10 ms frames are loud (within MISSED_LEVEL_DB of the call's loud speech)."""
    import numpy as np

    rms = frame_levels(audio)
    voiced = rms[rms > 0]
    if len(voiced) == 0:
        return None
    loud: NDArray[np.bool_] = rms > float(np.percentile(voiced, 95)) * 10 ** (-MISSED_LEVEL_DB / 20)
    return loud


def squeezed_back(words: list[SpokenWord], audio: NDArray[np.float32]) -> list[SpokenWord]:
    """A mono call's words with a short sentence Whisper squeezed to no length put back in
    the pause where it was said.

    tiny.en can hear the rep's "Okay." said over the end of the customer's word and align it
    with no length at the start of the customer's next word: on a test call "Okay." said at
    0:12.1 was timed 0:13.15, glued to "What", and the transcript showed it there, with
    whatever voice the diarization heard in no time at all (`placed` moves such a word only at
    the start of the speech filter's stretch, and a 0.8 s pause does not part stretches). A
    word timed SQUEEZED or shorter that is a sentence of its own, after a pause of at least
    GAP_SHORTEST that holds one loud stretch of speech (MISSED_SHORTEST or longer, quiet
    before the next word, Silero VAD on it alone) and no other word, was said in that
    stretch: it is moved there, and given the other voice when that stretch fits the other
    voice clearly better (as `mono_missed` decides), else it keeps its label. A squeezed word
    with no such stretch before it keeps Whisper's time."""
    from roleplay.domain.call import ends_sentence

    suspects = [
        i
        for i in range(1, len(words))
        if words[i].end - words[i].start <= SQUEEZED
        and ends_sentence(words[i].text)
        and len(_plain(words[i].text)) >= 2
        and words[i].start - words[i - 1].end >= GAP_SHORTEST
    ]
    if not suspects:
        return words
    loud = _levels(audio)
    if loud is None:
        return words
    import numpy as np
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    out = list(words)
    voices: _Voices | None = None
    for i in suspects:
        before, w = words[i - 1], words[i]
        lo = int(np.ceil((before.end + GAP_EDGE) * 100))
        hi = min(len(loud), int((w.start - GAP_EDGE) * 100))
        runs = _runs(np.flatnonzero(loud[lo:hi]) if hi > lo else np.array([], int))
        runs = [r for r in runs if r[1] + 1 - r[0] >= MISSED_SHORTEST * 100]
        if len(runs) != 1 or lo + runs[0][1] + 1 >= hi:
            continue  # no stretch, several, or one that runs into the next word: left alone
        a, b = (lo + runs[0][0]) / 100, (lo + runs[0][1] + 1) / 100
        piece = audio[int(max(before.end, a - 0.1) * SAMPLE_RATE) : int((b + 0.1) * SAMPLE_RATE)]
        if not get_speech_timestamps(piece, VadOptions(min_silence_duration_ms=300)):
            continue
        voices = voices or _Voices(audio, words)
        speaker = voices.other(before.speaker, a, b) or w.speaker
        out[i] = SpokenWord(w.text, round(a, 2), round(b, 2), speaker)
    return sorted(out, key=lambda x: x.start)


def _runs(frames: NDArray[np.int_]) -> list[list[int]]:
    """[first, last] of the loud frames, joined across GAP_QUIET."""
    runs: list[list[int]] = []
    for k in frames:
        if runs and k - runs[-1][1] <= GAP_QUIET * 100:
            runs[-1][1] = int(k)
        else:
            runs.append([int(k), int(k)])
    return runs


def _plain(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _piece_of(said: list[str], around: list[str]) -> bool:
    """Is any word read alone a piece of the words around the pause ("document" of
    "documentation", "the")?"""
    near = [_plain(w) for w in around if _plain(w)]
    for w in said:
        p = _plain(w)
        if p and any(n.startswith(p) or n.endswith(p) or p.startswith(n) for n in near):
            return True
    return False


class _Voices:
    """Each speaker's voice as a mixture over the diarization's features (cepstra and pitch)
    of the words given to them; fitted once, when a pause first needs a speaker."""

    def __init__(self, audio: NDArray[np.float32], words: list[SpokenWord]) -> None:
        import numpy as np

        from roleplay.adapters.diarization import MAX_FIT_FRAMES, PITCH_WEIGHT, mfcc, pitch
        from roleplay.adapters.mixture import DiagonalGmm

        ceps = mfcc(audio)
        n = len(ceps)
        spans: dict[str, list[NDArray[np.int_]]] = {w.speaker: [] for w in words}
        for w in words:
            a = max(0, min(n - 1, int(w.start * 100)))
            spans[w.speaker].append(np.arange(a, max(a + 1, min(n, int(w.end * 100) + 1))))
        speech = np.unique(np.concatenate([f for fs in spans.values() for f in fs]))
        ceps = (ceps - ceps[speech].mean(0)) / (ceps[speech].std(0) + 1e-6)
        f0 = pitch(audio, n)
        heard = f0[speech][f0[speech] > 0]
        f0z = (
            np.where(f0 > 0, (f0 - np.median(heard)) / (heard.std() + 1e-6), 0.0)
            if len(heard)
            else f0
        )
        self.feats = np.concatenate([ceps, PITCH_WEIGHT * f0z[:, None]], axis=1)
        self.models: dict[str, DiagonalGmm] = {}
        for speaker, frames in spans.items():
            mine = np.concatenate(frames)
            if len(mine) < 100:
                continue  # too little of the voice to know it
            mine = mine[:: len(mine) // MAX_FIT_FRAMES + 1]
            self.models[speaker] = DiagonalGmm(min(8, len(mine) // 50)).fit(self.feats[mine])

    def other(self, host: str, start: float, end: float) -> str | None:
        """The other speaker when the frames from `start` to `end` fit their voice clearly
        better than the host's, else None."""
        rest = [s for s in self.models if s != host]
        if host not in self.models or len(rest) != 1:
            return None
        x = self.feats[int(start * 100) : max(int(start * 100) + 1, int(end * 100))]
        if len(x) == 0:
            return None
        gain = float(
            (self.models[rest[0]].score_samples(x) - self.models[host].score_samples(x)).mean()
        )
        return rest[0] if gain > GAP_VOICE else None
