"""Mono calls: a backchannel Whisper timed at no length is put back where it was said (calls11).

On calls made of the real recordings and the rep's espeak-ng "Okay." said over the end of the
customer's "...fellow Americans," tiny.en wrote "Okay." with no length at 13.15 s, glued to
the customer's next word "What", 1 s after it was said (12.12-12.57 s), and the diarization
gave it whatever voice it heard there: the transcript showed the rep's backchannel inside the
customer's next sentence, or as the customer's own word. `call_audio.squeezed_back` moves such
a word into the loud stretch of the pause before it, with the voice that stretch fits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.speech import needs_espeak, write_wav
from tests.test_calls9_real_calls import ScriptedSpeech
from tests.test_calls10_mono_backchannels import paused_call

Heard = ScriptedSpeech  # speech to text whose main pass hears (text, start, end); nothing alone


def _through(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    in_pause: str | None,
    squeezed: str,
) -> tuple[list[Any], float]:
    """paused_call's four lines as the main pass heard them, with `squeezed` timed at no
    length at the start of the customer's second half (given the customer's voice, B)."""
    from roleplay.adapters import call_audio

    mix, lines, pause_at = paused_call(in_pause, "en-us")
    glued = lines[2].start
    heard = [(w.text, w.start, w.end) for w in lines]
    heard.insert(2, (squeezed, glued, glued))
    voices = [0 if who == "A" else 1 for who in ("A", "B", "B", "B", "A")]
    monkeypatch.setattr(call_audio, "speakers_of_words", lambda *a, **k: voices)
    stt: Any = Heard(heard)
    path = write_wav(tmp_path / "mono.wav", mix)
    call = call_audio.CallTranscriber(stt).transcribe(path, None, "mono")
    return list(call.words), pause_at


@needs_espeak
def test_a_squeezed_okay_goes_back_into_the_pause_with_the_reps_voice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words, pause_at = _through(tmp_path, monkeypatch, "Okay.", "Okay.")
    [okay] = [w for w in words if w.text == "Okay."]
    assert okay.speaker == "A"  # the rep's, said over the customer
    assert pause_at + 0.1 <= okay.start < okay.end <= pause_at + 0.8  # said at pause + 0.2 s
    assert [w.text for w in words] == ["line0", "line1", "Okay.", "line2", "line3"]


@needs_espeak
@pytest.mark.parametrize(
    ("in_pause", "squeezed"),
    [
        (None, "Okay."),  # a silent pause: nothing was said there, the word keeps its time
        ("Okay.", "What"),  # no sentence of its own: the start of the next one, left alone
    ],
)
def test_a_squeezed_word_with_no_stretch_of_its_own_keeps_its_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_pause: str | None, squeezed: str
) -> None:
    words, pause_at = _through(tmp_path, monkeypatch, in_pause, squeezed)
    [word] = [w for w in words if w.text == squeezed]
    assert word.start == word.end > pause_at + 0.7
