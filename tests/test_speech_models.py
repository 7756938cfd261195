"""Speech models: `roleplay transcribe`, the language check, the multilingual model joined from
its two halves, and a Norwegian call end to end (base model, espeak-ng's Norwegian voice)."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from roleplay.adapters import whisper_models
from roleplay.adapters.stt_whisper import WhisperSpeech
from roleplay.cli import app
from roleplay.config import Settings, VoiceSettings
from roleplay.services.ports import SpeechUnavailable
from tests.speech import JFK, cer, needs_espeak, say, speech_dir, wer, write_wav
from tests.test_voice_call import run_voice

__all__ = ["speech_dir"]
pytestmark = pytest.mark.slow

LICENCE = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy of the "
    "software and associated documentation files to deal in the software without restriction, "
    "including without limitation the rights to use, copy, modify, merge, publish, distribute, "
    "sublicense, and/or sell copies of the software, and to permit persons to whom the software "
    "is furnished to do so, subject to the following conditions. The above copyright notice and "
    "this permission notice shall be included in all copies or substantial portions of the "
    "software."
)


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One user models folder for the session: the base model is joined once."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def base_model(models_dir: Path) -> WhisperSpeech:
    stt = WhisperSpeech("base", models_dir=models_dir)
    stt.load()
    return stt


def test_transcribe_prints_segments_and_word_times(speech_dir: Path) -> None:
    runner = CliRunner()
    files = [str(speech_dir / "jfk.flac"), str(speech_dir / "multilingual.mp3")]
    result = runner.invoke(app, ["transcribe", *files, "--json"])
    assert result.exit_code == 0, result.output
    jfk, licence = json.loads(result.stdout)
    assert jfk["language"] == "en" and jfk["duration"] == pytest.approx(11.0, abs=0.1)
    assert wer(JFK, jfk["text"]) < 0.15
    words = [w for s in jfk["segments"] for w in s["words"]]
    assert wer(JFK, " ".join(w["word"] for w in words)) < 0.15  # the words are the speech
    for s in jfk["segments"]:  # each word inside its segment, after the one before it
        times = [(w["start"], w["end"]) for w in s["words"]]
        assert all(isinstance(v, float) for pair in times for v in pair)
        assert all(s["start"] - 0.01 <= a < b <= s["end"] + 0.01 for a, b in times), times
        assert all(b <= c + 0.01 for (_, b), (c, _) in pairwise(times)), times
    # The licence read in English, then German: the English part, by segment times.
    english = " ".join(s["text"] for s in licence["segments"] if s["start"] < 30)
    assert wer(LICENCE, english) < 0.15
    plain = runner.invoke(app, ["transcribe", files[0]])
    assert "[00:00.0 - " in plain.stdout and "fellow Americans" in plain.stdout


def test_transcribe_says_which_file_it_cannot_read(tmp_path: Path) -> None:
    broken = tmp_path / "notes.wav"
    broken.write_text("not audio")
    result = CliRunner().invoke(app, ["transcribe", str(broken), str(tmp_path / "missing.flac")])
    assert result.exit_code == 1
    assert f"{broken}: cannot read it as audio" in result.stderr
    assert "missing.flac" in result.stderr


def test_an_english_only_model_names_one_that_can() -> None:
    stt = WhisperSpeech("tiny.en", models_dir=Path("unused"))
    with pytest.raises(SpeechUnavailable) as err:
        stt.check_language("nb")
    message = str(err.value)
    assert "English only" in message and "Norwegian (nb)" in message
    assert 'stt_model = "base"' in message
    stt.check_language("en-GB")  # fine


def test_a_norwegian_scenario_with_the_default_model_stops_with_that_message(
    workspace: Path, tmp_path: Path
) -> None:
    wav = write_wav(tmp_path / "silence.wav", np.zeros(16000, np.float32))
    result = CliRunner().invoke(
        app,
        [
            *("--workspace", str(workspace), "practice", "oppdagelsessamtale"),
            *("--audio-in", str(wav), "--fast", "--plain"),
        ],
    )
    assert result.exit_code == 2
    assert "understands English only" in result.stderr and "base" in result.stderr
    assert not list((workspace / "recordings").glob("*/session.json"))  # nothing started


def test_the_multilingual_model_is_joined_once_and_verified(tmp_path: Path) -> None:
    messages: list[str] = []  # a fresh folder: the session's may have been joined already
    folder = whisper_models.joined_base_model(tmp_path, messages.append)
    model = folder / "model.bin"
    assert model.stat().st_size == whisper_models.BASE_SIZE
    assert (folder / "model.bin.verified").read_text().startswith(whisper_models.BASE_SHA256)
    # The rep sees it progress, in steps of ten, then that it is ready.
    steps = [int(m.rsplit(" ", 1)[1].rstrip("%")) for m in messages[:-1]]
    assert steps[0] < 10 and steps[-1] == 100 and len(steps) == 11, messages
    assert [s // 10 for s in steps] == list(range(11)), messages
    assert messages[-1] == "Multilingual speech model ready."
    again: list[str] = []
    assert whisper_models.joined_base_model(tmp_path, again.append) == folder
    assert again == []  # joined and verified once; later uses only check the stamp


def test_a_corrupt_joined_model_is_rebuilt(tmp_path: Path) -> None:
    messages: list[str] = []
    folder = whisper_models.joined_base_model(tmp_path, messages.append)
    with (folder / "model.bin").open("r+b") as fh:  # a disk error, a partial copy...
        fh.write(b"\0" * 16)
    rebuilt = whisper_models.joined_base_model(tmp_path, messages.append)
    assert whisper_models._stamp(rebuilt / "model.bin").startswith(whisper_models.BASE_SHA256)
    assert any("100%" in m for m in messages)


@needs_espeak
def test_a_norwegian_call_is_heard_and_answered_in_norwegian(
    workspace: Path, tmp_path: Path, base_model
) -> None:
    lines = [
        "Hvordan fungerer fakturagodkjenningen hos dere i dag?",
        "Hva koster det dere i tid og penger?",
    ]
    gap = np.zeros(int(2.5 * 16000), np.float32)
    audio = np.concatenate([gap, *(np.concatenate([say(x, "nb", 150), gap]) for x in lines)])
    settings = Settings(rep="tester", voice=VoiceSettings(stt_model="base"))
    transcript, _events, folder = run_voice(
        workspace,
        write_wav(tmp_path / "nb.wav", audio),
        base_model,
        scenario="oppdagelsessamtale",
        tts="espeak",
        settings=settings,
    )
    rep = [t.text for t in transcript.rep_turns()]
    assert len(rep) == 2, rep
    # espeak-ng's Norwegian is hard even for people; the multilingual base model, hearing each
    # turn whole, gets most characters right (CER 0.36 measured), where an English model gets
    # nearly none. Cut into phrases at pauses, as English turns are, it got 0.57.
    assert cer(" ".join(lines), " ".join(rep)) < 0.5
    assert transcript.record.language == "nb"
    opening = transcript.turns[0]
    assert opening.speaker == "customer" and "Tor Erik" in opening.text
    from tests.speech import read_wav

    spoken, rate = read_wav(folder / opening.audio)
    assert rate == 22050 and np.abs(spoken).max() > 0.05  # said aloud, in the nb voice
