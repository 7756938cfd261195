"""Spoken calls end to end, from audio files: the real tiny.en model, Silero VAD, the scripted
customer, espeak-ng speaking to files. Bounds: espeak-ng lines are transcribed with a word
error rate under 15% over a call; the real JFK recording under 20%."""

from __future__ import annotations

import json
import wave
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from roleplay.adapters.clock import ManualClock
from roleplay.cli import app
from roleplay.composition import build, build_voice, listen_settings
from roleplay.config import Settings
from roleplay.services.voice_call import VoiceCall
from roleplay.services.voice_events import BargeIn, CustomerTurn, RepTurn, VoiceEvent
from tests.speech import JFK, conversation, needs_espeak, read_wav, speech_dir, wer, write_wav

__all__ = ["speech_dir"]
pytestmark = [needs_espeak, pytest.mark.slow]

GOOD_CALL = [
    "Hi Dana, thanks for taking the time. How does a typical morning look for your dispatch team?",
    "That sounds painful. What budget have you set aside for fixing that?",
    "Could I send you an invite for next week to look at it with your team?",
]


@pytest.fixture(scope="module")
def tiny_en():
    """The default speech model, loaded once for these tests."""
    from roleplay.adapters.stt_whisper import WhisperSpeech

    stt = WhisperSpeech("tiny.en", models_dir=Path("unused"))
    stt.load()
    return stt


def run_voice(
    ws: Path,
    wav: Path,
    stt,
    *,
    scenario: str = "mini",
    seed: int = 7,
    realtime: bool = False,
    tts: str = "silent",
    settings: Settings | None = None,
):
    """A whole spoken call on `ws`, the rep played by `wav`. Returns (transcript, events)."""
    settings = settings or Settings(rep="tester")
    clock = None if realtime else ManualClock(start=datetime.now(UTC))
    services = build(ws, settings=settings, clock=clock)
    call = services.practice.begin(scenario, services.profile(), seed=seed, mode="voice")
    parts = build_voice(services, audio_in=wav, realtime=realtime, speaker="none", tts=tts, stt=stt)  # type: ignore[arg-type]
    events: list[VoiceEvent] = []
    voice = VoiceCall(call, parts, listen_settings(settings), events.append, timeline=clock)
    voice.prepare()
    voice.run()
    return services.store.load(call.record.id), events, services.store.folder(call.record.id)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return float(w.getnframes() / w.getframerate())


def test_a_spoken_call_is_transcribed_answered_and_saved(mini_workspace: Path, tmp_path: Path):
    spoken = conversation(GOOD_CALL, gap=2.0)
    wav = write_wav(tmp_path / "rep.wav", spoken.audio)
    result = CliRunner().invoke(
        app,
        [
            *("--workspace", str(mini_workspace), "practice", "mini", "--audio-in", str(wav)),
            *("--fast", "--plain", "--seed", "7", "--rep", "tester", "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    [folder] = [p.parent for p in (mini_workspace / "recordings").glob("*/session.json")]
    record = json.loads((folder / "session.json").read_text())
    turns = [json.loads(line) for line in (folder / "transcript.jsonl").read_text().splitlines()]
    rep = [t for t in turns if t["speaker"] == "rep"]
    assert record["mode"] == "voice" and record["outcome"] == "win"
    assert len(rep) == 3
    assert wer(" ".join(GOOD_CALL), " ".join(t["text"] for t in rep)) < 0.15
    # The customer was heard: espeak-ng audio saved with every customer turn.
    for t in turns:
        audio, _rate = read_wav(folder / t["audio"])
        assert np.abs(audio).max() > 0.05, t
    # The rep's audio per turn: as long as the line (plus pre-roll and the closing silence).
    for t, start, end in zip(rep, spoken.starts, spoken.ends, strict=True):
        assert abs(wav_seconds(folder / t["audio"]) - (end - start)) < 0.8
        timings = t["timings"]
        assert timings["speech_start"] < timings["speech_end"] <= timings["turn_end"]
        assert timings["turn_end"] <= timings["transcript_ready"]
    # Turn times follow the audio even though it was read faster than real time.
    assert card["kpis"]["words_per_minute"] == pytest.approx(165, rel=0.35)
    assert "You: Hi" in result.stderr and "Dana:" in result.stderr


def test_the_real_jfk_recording_is_heard_as_spoken(
    mini_workspace: Path, tmp_path: Path, speech_dir: Path, tiny_en
) -> None:
    from faster_whisper import decode_audio

    jfk = decode_audio(str(speech_dir / "jfk.flac"), sampling_rate=16000)
    silence = np.zeros(16000, np.float32)
    wav = write_wav(tmp_path / "jfk.wav", np.concatenate([silence, jfk, silence, silence]))
    transcript, _events, folder = run_voice(mini_workspace, wav, tiny_en)
    rep = transcript.rep_turns()
    assert rep, "no rep turn was heard"
    assert wer(JFK, " ".join(t.text for t in rep)) < 0.2
    heard = sum(wav_seconds(folder / t.audio) for t in rep if t.audio)
    assert 9 < heard < 14  # the 11 s of speech, a little pre-roll and silence


def test_a_trailing_line_waits_and_a_question_does_not(
    mini_workspace: Path, tmp_path: Path, tiny_en
) -> None:
    from tests.speech import RATE, say

    pause = np.zeros(int(0.8 * RATE), np.float32)
    gap = np.zeros(int(2.0 * RATE), np.float32)
    audio = np.concatenate(
        [
            gap,
            say("How do you plan the routes today?"),
            gap,
            say("We call every customer first, and"),
            pause,  # trailing off: the turn is not over
            say("then we send the invoice."),
            gap,
        ]
    )
    transcript, _events, _folder = run_voice(
        mini_workspace, write_wav(tmp_path / "a.wav", audio), tiny_en
    )
    rep = [t.text for t in transcript.rep_turns()]
    assert len(rep) == 2, rep
    assert rep[0].endswith("?")
    assert wer("We call every customer first, and then we send the invoice.", rep[1]) < 0.2


def test_the_rep_can_cut_the_customer_off(mini_workspace: Path, tmp_path: Path, tiny_en) -> None:
    """In real time: the rep speaks over a two-sentence reply; playback stops at once, the
    turn keeps what was heard and says it was interrupted."""
    spoken = conversation(
        ["How does a typical morning look for your dispatch team?", "Sorry, go on."],
        gap=1.0,  # the rep goes on while the customer is in their first sentence
        lead=1.5,
    )
    wav = write_wav(tmp_path / "barge.wav", spoken.audio)
    transcript, events, folder = run_voice(mini_workspace, wav, tiny_en, realtime=True)
    turns = transcript.turns
    pain = next(t for t in turns if "fact:pain" in t.tags)
    assert "interrupted" in pain.tags
    assert pain.text == "Mornings are the problem."  # the second sentence was never heard
    assert any(isinstance(e, BargeIn) for e in events)
    assert wav_seconds(folder / pain.audio) < 1.6  # the audio stops where it was cut off
    next_rep = turns[pain.index + 1]
    assert next_rep.speaker == "rep" and next_rep.start < pain.end + 0.5
    kinds = [type(e).__name__ for e in events if isinstance(e, RepTurn | CustomerTurn)]
    assert kinds[:3] == ["CustomerTurn", "RepTurn", "CustomerTurn"]
