"""Turn-taking KPIs of a stereo call on a line with hiss (calls12, stop 35).

Each channel of a stereo call holds one side, so `call_audio.on_speech` moves every word's
edges onto that side's speech: Whisper's word times run into the silence around a sentence.
On a phone line with hiss 25 dB below the speech the hiss itself counted as speech, nothing
was trimmed, and a 2-minute call with a 0.5 s pause before every reply was scored with 2
interruptions and a 0.8 s response latency. Whisper also read a word into the hiss after a
phrase ("...hereby granted and"), timed into the rep's reply. The call here is made of the
real recordings (the customer, right) and espeak-ng (the rep, left), through the phone line
with hiss, and goes through the real pipeline (tiny.en).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from tests.calls import READER, make_call, real_utterances, write_stereo
from tests.speech import RATE, needs_espeak, speech_dir

__all__ = ["speech_dir"]  # the fixture

PAUSE = 0.5  # seconds of the line's hiss alone before every turn


def _reader_turns(speech_dir: Path) -> list[np.ndarray]:
    """The reader's pieces two to a turn, so the customer says more than a few words."""
    pieces = real_utterances(speech_dir / "multilingual.mp3")
    gap = np.zeros(int(0.3 * RATE), np.float32)
    return [np.concatenate([p, gap, pieces[(i + 1) % len(pieces)]]) for i, p in enumerate(pieces)]


def _spans(track: np.ndarray) -> list[tuple[float, float]]:
    """Each turn of a side's clean track: (start, end), parted by 1 s or more of silence
    (the other side talks between)."""
    frame = RATE // 100
    level = np.sqrt(np.mean(track[: len(track) // frame * frame].reshape(-1, frame) ** 2, 1))
    on = np.flatnonzero(level > 0.002)
    cuts = [k for k in range(1, len(on)) if on[k] - on[k - 1] > 100]
    return [
        (on[a] / 100, (on[b - 1] + 1) / 100)
        for a, b in zip([0, *cuts], [*cuts, len(on)], strict=True)
    ]


@needs_espeak
@pytest.mark.slow
def test_a_reply_after_a_pause_on_a_line_with_hiss_is_no_interruption(
    speech_dir: Path, tmp_path: Path
) -> None:
    """Every turn ends where its side stopped talking, so no reply overlaps the turn before
    it (the base code ran the rep's turns 0.1-0.5 s on: two replies 'started before' the
    rep stopped, and the 2-minute call showed two interruptions)."""
    from roleplay.adapters.call_audio import CallTranscriber
    from roleplay.adapters.stt_whisper import WhisperSpeech
    from roleplay.domain.call import to_turns, utterances
    from roleplay.domain.kpis import OVERLAP, compute

    clean = make_call(_reader_turns(speech_dir), READER, turns=8, overlap=-PAUSE, phone=True)
    made = make_call(
        _reader_turns(speech_dir), READER, turns=8, overlap=-PAUSE, phone=True, snr_db=25
    )
    path = write_stereo(tmp_path / "call.wav", made.rep, made.customer)
    stt = WhisperSpeech("tiny.en", models_dir=Path("unused"), cpu_threads=1)
    found = CallTranscriber(stt).transcribe(path, "en", "stereo")
    turns = to_turns(utterances(list(found.words)), "left", {"left": "Kari", "right": "Customer"})
    shown = [(t.speaker, t.start, t.end, t.text[:30]) for t in turns]
    assert [t.speaker for t in turns] == ["rep", "customer"] * 8, shown
    assert not [t for t in turns if OVERLAP in t.tags], shown  # nobody talks over anybody
    assert all(b.start > a.end for a, b in itertools.pairwise(turns)), shown
    assert compute(turns, timed=True).interruptions == 0
    ends = [end for _start, end in _spans(clean.rep)]
    heard = [t.end for t in turns if t.speaker == "rep"]
    # no turn runs on into the pause after it (a last word Whisper heard short may end early)
    assert all(-0.3 <= a - b <= 0.1 for a, b in zip(heard, ends, strict=True)), (heard, ends)
