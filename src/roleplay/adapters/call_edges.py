"""Where a recorded call's words start and end: on the speech, not in the pause around it.

Whisper's word times stretch into the silence around a sentence: the last word of a turn runs
on into the pause after it and the first word of the reply starts early, up to where the
words before it end (on a mono call the two sides' words touched at every change of speaker).
The turn-taking KPIs (response latency, interruptions, talk time) are read from those times,
so each word's edges are moved onto the speech under it: every word of a stereo channel
(`on_speech`), and on a mono call the words where one speaker's run of speech begins or ends
(`mono_on_speech`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from roleplay.domain.call import PAUSE, SpokenWord
from roleplay.services.ports import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from roleplay.services.ports import Word

QUIET_DB = 30.0  # a 10 ms frame this far below the channel's loud speech holds no speech
FLOOR_DB = 6.0  # ...nor does one within this of the channel's noise floor (a line's hiss)
FLOOR_SHARE = 10  # percent of a channel's 10 ms frames at its quietest: its noise floor
TAIL_GAP = 0.3  # seconds: a soundless word this close after the speech before it is its tail
EDGE_QUIET = 0.15  # seconds of quiet inside a word that part its speech from another's
UNREAD_MAX = 1.0  # seconds a stereo word's edge may follow speech no word was read from
UNREAD_JOIN = 0.3  # ...joined across this much quiet (a word left out after a short breath)


def frame_levels(audio: NDArray[np.float32]) -> NDArray[np.float64]:
    """The RMS level of each whole 10 ms frame."""
    import numpy as np

    frame = SAMPLE_RATE // 100
    usable = len(audio) // frame * frame
    rms: NDArray[np.float64] = np.sqrt(
        np.mean(audio[:usable].reshape(-1, frame).astype(np.float64) ** 2, axis=1)
    )
    return rms


def speech_frames(audio: NDArray[np.float32]) -> NDArray[np.bool_] | None:
    """Which 10 ms frames hold speech: QUIET_DB or less below the loud speech and FLOOR_DB or
    more above the noise floor (the level of the quietest FLOOR_SHARE of frames). None for
    no audio or digital silence."""
    import numpy as np

    rms = frame_levels(audio)
    if len(rms) == 0:
        return None
    voiced = rms[rms > 0]
    if len(voiced) == 0:
        return None
    floor = float(np.percentile(rms, FLOOR_SHARE))  # digital silence: 0, so no floor
    quiet = max(
        float(np.percentile(voiced, 95)) * 10 ** (-QUIET_DB / 20), floor * 10 ** (FLOOR_DB / 20)
    )
    loud: NDArray[np.bool_] = rms > quiet
    return loud


def on_speech(words: list[Word], audio: NDArray[np.float32]) -> list[Word]:
    """A stereo channel's words with their edges on the channel's own speech.

    On a 2-minute call the last word of a turn ran on ~0.5 s past its end, and the first
    word of the reply started up to ~1 s early, so a reply after a 0.4 s pause counted as an
    interruption (two on a call with none) and response latency came out short. A channel
    of a stereo call holds one side, so where it is silent that side is: each word's start
    and end move inward to its first and last frame of speech (`speech_frames`).

    The noise floor matters: a channel is quiet whenever the other side talks, and on a
    phone line with hiss 25 dB below the speech the hiss itself is within QUIET_DB, so
    nothing was trimmed: a 2-minute call with a pause before every reply showed 2
    interruptions and a 0.8 s response latency for 0.5 s. A word with no speech under it
    after a word that has some is a word Whisper read into the hiss at the end of a phrase
    ("...hereby granted and", the "and" timed 0.5 s into the reply): it keeps its text, with
    no length, at the end of the speech before it. Any other word with no speech under it
    keeps its times."""
    import numpy as np

    loud = speech_frames(audio)
    if not words or loud is None:
        return words
    out: list[Word] = []
    heard: float | None = None  # the end of the speech of the word before, if it had any
    for w in words:
        a = max(0, int(w.start * 100))
        b = min(len(loud), int(np.ceil(w.end * 100)))
        hits = np.flatnonzero(loud[a:b])
        if len(hits) == 0:
            tail = heard is not None and w.start - heard < TAIL_GAP
            out.append(replace(w, start=heard, end=heard) if heard is not None and tail else w)
            heard = None
            continue
        out.append(
            replace(
                w,
                start=round(float(a + hits[0]) / 100, 2),
                end=round(float(a + hits[-1] + 1) / 100, 2),
            )
        )
        heard = out[-1].end
    return _onto_unread_speech(out, loud)


def _onto_unread_speech(words: list[Word], loud: NDArray[np.bool_]) -> list[Word]:
    """A stereo channel's words (on their speech) stretched over the speech beside them that
    no word was read from: Whisper leaves out or times late a word at a turn's edge (the
    customer's "...rights to use" ended at "rights,", "merge" was missing after "modify,",
    the rep's "What" started 0.3 s into the speech), so a turn ended before its speech did
    and the reply's latency came out long (0.88 s for 0.52 s on bench/mono_latency_bench.py's
    call). The channel holds one side, so speech on it, joined to a word's across EDGE_QUIET,
    is that side's: a word's end moves on to where it ends, its start back to where it
    begins, never past the next or previous word's edge, nor by more than UNREAD_MAX."""
    import numpy as np

    top = len(loud) - 1
    out = list(words)
    for i, w in enumerate(out):
        if w.end <= w.start:
            continue  # a soundless word (a tail in the hiss): nothing under it to follow
        last = min(top, int(np.ceil(w.end * 100)) - 1)
        if loud[last]:
            nxt = words[i + 1].start if i + 1 < len(words) else None
            limit = min(top, last + int(UNREAD_MAX * 100))
            if nxt is not None:
                limit = min(limit, max(last, int(nxt * 100) - 1))
            end = round((_reach(loud, last, limit, +1, UNREAD_JOIN) + 1) / 100, 2)
            out[i] = w = replace(w, end=max(w.end, end))
        first = int(w.start * 100)
        if 0 <= first <= top and loud[first]:
            before = out[i - 1].end if i else None
            limit = max(0, first - int(UNREAD_MAX * 100))
            if before is not None:
                limit = max(limit, min(first, int(np.ceil(before * 100))))
            start = round(_reach(loud, first, limit, -1, UNREAD_JOIN) / 100, 2)
            out[i] = replace(w, start=min(w.start, start))
    return out


def mono_on_speech(words: list[SpokenWord], audio: NDArray[np.float32]) -> list[SpokenWord]:
    """A mono call's words (in time order) with the edges of each speaker's runs of speech
    on the speech under them.

    Whisper times a mono call's words back to back: at every change of speaker the last word
    of one side ended where the first word of the other began, so the turns touched, and a
    2-minute call with a 0.5 s pause before every reply was scored with a response latency
    of 0.06 s (bench/mono_latency_bench.py; now 0.55 s, the truth 0.52 s). Both voices are
    in one signal, so a frame of speech says nothing of whose it is, and only the edges of a
    run are moved (the first word after a change of speaker or a pause of PAUSE, the last
    word before one): the last word's end to its last frame of speech, the first word's
    start to where the speech under it begins, joined across EDGE_QUIET, never before the
    word before it: Whisper starts a reply's first word late as often as early ("So" was
    timed 0.37 s into the rep's speech, with no length, and "Thanks." read as "and" 0.07 s
    into it). An end is not moved on past its word: the other side's speech may follow
    within EDGE_QUIET (a backchannel said in a pause ran on into the customer's next
    sentence). A padded word also reaches into the other side's speech beside it ("use" of
    "rights to use" ran into the first frame of the rep's "Thanks."): a stretch of speech
    inside the word, parted from the rest of it by EDGE_QUIET and running on into the next
    speaker's words (or from the previous speaker's), is theirs and is left out. The words
    inside a run keep Whisper's times, so a pause that holds the other's backchannel stays
    as it was heard. Soundless words at the end of a run, TAIL_GAP or less after the speech
    before them ("...granted and" in the hiss), end with that speech (no length), as on a
    stereo channel; a run with no speech under it at all keeps its times."""
    import numpy as np

    loud = speech_frames(audio)
    if not words or loud is None:
        return words

    def runs(w: SpokenWord) -> list[list[int]]:
        """The word's frames of speech: [first, last] runs, joined across EDGE_QUIET."""
        a = max(0, int(w.start * 100))
        found: list[list[int]] = []
        for k in np.flatnonzero(loud[a : min(len(loud), int(np.ceil(w.end * 100)))]):
            if found and k - found[-1][1] <= EDGE_QUIET * 100:
                found[-1][1] = int(k)
            else:
                found.append([int(k), int(k)])
        return [[a + x, a + y] for x, y in found]

    out = list(words)
    top = len(loud) - 1
    for first, last in _runs_of_speech(words):
        k = last
        while k > first and not runs(words[k]):
            k -= 1  # soundless words at the end: the tail of the speech before them
        heard = runs(words[k])
        if not heard:
            continue  # no speech under the run's words: Whisper's times are all there is
        after = min(top, int(words[last + 1].start * 100)) if last + 1 < len(words) else top
        into_next = k == last < len(words) - 1 and len(heard) > 1
        if into_next and _reach(loud, heard[-1][1], top, +1) >= after:
            heard = heard[:-1]  # the next speaker's first sound, inside a padded word
        end = round((heard[-1][1] + 1) / 100, 2)  # not on: the next speaker may go on there
        out[k] = replace(words[k], end=end)
        for j in range(k + 1, last + 1):
            if words[j].start - end >= TAIL_GAP:
                break
            out[j] = replace(words[j], start=end, end=end)
        f = out[first]
        heard = runs(f) if first != k else heard
        at = int(f.start * 100)
        if not heard and at < len(loud) and loud[at]:
            heard = [[at, at]]  # a word Whisper timed with no length, inside speech
        if not heard:
            continue
        since = int(np.ceil(out[first - 1].end * 100)) if first else 0
        if first and len(heard) > 1 and _reach(loud, heard[0][0], 0, -1) <= since:
            heard = heard[1:]  # the previous speaker's last sound, inside a padded word
        start = round(_reach(loud, heard[0][0], min(since, heard[0][0]), -1) / 100, 2)
        out[first] = replace(f, start=min(start, out[first].end))
    return sorted(out, key=lambda x: x.start)


def _reach(
    loud: NDArray[np.bool_], frame: int, limit: int, step: int, join: float = EDGE_QUIET
) -> int:
    """Where the speech at `frame` begins (`step` -1) or ends (+1), joined across `join`
    seconds of quiet, not past `limit`."""
    edge = k = frame
    quiet = 0
    while k != limit and quiet <= join * 100:
        k += step
        if loud[k]:
            edge, quiet = k, 0
        else:
            quiet += 1
    return edge


def _runs_of_speech(words: list[SpokenWord]) -> list[tuple[int, int]]:
    """[first, last] indices of each run of one speaker's words: a change of speaker or a
    pause of PAUSE or more ends one."""
    found: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(words) + 1):
        if (
            i == len(words)
            or words[i].speaker != words[i - 1].speaker
            or words[i].start - words[i - 1].end >= PAUSE
        ):
            found.append((start, i - 1))
            start = i
    return found
