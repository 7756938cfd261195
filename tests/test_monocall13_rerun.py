"""A mono call scored with no terminal to confirm the rep's side on keeps what it read (monocall13,
stop 36).

`score --transcript CALL.wav` without --rep-speaker stops to have its guess confirmed; with no
terminal it stopped with the option to pass and threw the transcription away, so the rerun
that passes it transcribed and told the voices apart again (~50 s for a 2-minute call). The
words are now kept in the user's cache folder, named by the audio's content, the model and
the settings; the message prints the command to run, and that rerun uses them. The calls are
made of the real recordings (tests/calls.py) and read by the real tiny.en.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner, Result

from roleplay.cli import app
from tests.calls import make_call, real_utterances, write_stereo
from tests.speech import needs_espeak, speech_dir, write_wav

if TYPE_CHECKING:
    from roleplay.domain.call import CallWords

__all__ = ["speech_dir"]

runner = CliRunner()
KEPT = "using the words kept from reading this recording before"
LOADING = "Loading the speech model"


@pytest.fixture(scope="module")
def mono_call(tmp_path_factory: pytest.TempPathFactory, speech_dir: Path) -> Path:
    """A short call: espeak-ng rep greeting and asking, JFK as the customer, one signal."""
    made = make_call(customer_audio=real_utterances(speech_dir / "jfk.flac"), turns=3)
    return write_wav(tmp_path_factory.mktemp("calls") / "mono call.wav", made.mix)


def score(ws: Path, call: Path, *more: str) -> Result:
    args = ["--workspace", str(ws), "score", "--transcript", str(call)]
    return runner.invoke(app, [*args, "--rubric", "discovery", "--rep", "Kari", *more])


def card_of(result: Result) -> dict[str, object]:
    assert result.exit_code == 0, result.output
    card: dict[str, object] = json.loads(result.stdout)
    card.pop("session")  # named by the time it was scored
    return card


@needs_espeak
@pytest.mark.slow
def test_the_rerun_the_message_prints_uses_the_words_read_and_scores_as_one_run(
    workspace: Path, mono_call: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No terminal, no --rep-speaker: the guess, what it rests on, and the exact command to
    run; that command loads no speech model and gives the scorecard a one-shot run gives."""
    asked = score(workspace, mono_call, "--json")
    assert asked.exit_code == 2
    assert "roleplay guesses Speaker A" in asked.stderr
    assert "greets the caller" in asked.stderr  # what the guess rests on
    command = shlex.join(
        [
            *("roleplay", "--workspace", str(workspace), "score"),
            *("--transcript", str(mono_call), "--rubric", "discovery", "--rep", "Kari"),
            *("--json", "--rep-speaker", "A"),
        ]
    )
    assert f"\n  {command}\n" in asked.stderr  # quoted: the file's name has a space
    assert not list((workspace / "recordings").glob("*/scorecard.json"))  # nothing scored

    rerun = score(workspace, mono_call, "--json", "--rep-speaker", "A")
    assert KEPT in rerun.stderr and LOADING not in rerun.stderr
    kept = card_of(rerun)

    # The same call, for a user whose cache folder cannot be written: it says so, does not
    # promise a quick rerun, and scores all the same, as the kept words scored.
    home = tmp_path / "other-home"
    (home / "cache").mkdir(parents=True)
    (home / "cache" / "calls").write_text("not a folder")
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    unkept = score(workspace, mono_call, "--json")
    assert unkept.exit_code == 2 and "the words read could not be kept" in unkept.stderr
    assert f"Run:\n  {command}\n" in unkept.stderr and "are kept" not in unkept.stderr
    once = score(workspace, mono_call, "--json", "--rep-speaker", "A")
    assert LOADING in once.stderr and KEPT not in once.stderr
    assert "the words read could not be kept" in once.stderr
    assert card_of(once) == kept


@needs_espeak
@pytest.mark.slow
def test_what_transcribe_speakers_read_is_scored_and_a_changed_file_is_read_again(
    workspace: Path, mono_call: Path, tmp_path: Path
) -> None:
    """`transcribe --speakers` keeps its reading too (asked for no language; `score` asks
    for the rubric's), and a recording changed since is read again, not taken from before."""
    listed = runner.invoke(app, ["transcribe", "--speakers", str(mono_call)])
    assert listed.exit_code == 0, listed.output
    assert "confirm with --rep-speaker A" in listed.stderr
    scored = score(workspace, mono_call, "--json", "--rep-speaker", "A")
    assert KEPT in scored.stderr and LOADING not in scored.stderr
    assert card_of(scored)["kpis"]

    changed = tmp_path / mono_call.name  # the same name, other audio: the call's end cut off
    data = mono_call.read_bytes()
    changed.write_bytes(data[: len(data) - 32000])
    again = runner.invoke(
        app,
        [
            *("--workspace", str(workspace), "score", "--transcript", str(changed)),
            *("--rubric", "discovery", "--rep", "Kari", "--rep-speaker", "A", "--json"),
        ],
    )
    assert KEPT not in again.stderr and LOADING in again.stderr
    assert again.exit_code == 0, again.output


@needs_espeak
@pytest.mark.slow
def test_a_stereo_call_is_kept_too_for_the_rerun_with_the_reps_channel(
    workspace: Path, speech_dir: Path, tmp_path: Path
) -> None:
    """Read without --rep-channel (each side found by itself), kept for the rerun with it."""
    made = make_call(customer_audio=real_utterances(speech_dir / "jfk.flac"), turns=2)
    call = write_stereo(tmp_path / "stereo.wav", made.rep, made.customer)
    asked = score(workspace, call)
    assert asked.exit_code == 2 and "roleplay guesses Left" in asked.stderr
    command = shlex.join(
        [
            *("roleplay", "--workspace", str(workspace), "score", "--transcript", str(call)),
            *("--rubric", "discovery", "--rep", "Kari", "--rep-channel", "left"),
        ]
    )
    assert asked.stderr.endswith(f"not another reading:\n  {command}\n")
    rerun = score(workspace, call, "--rep-channel", "left")
    assert rerun.exit_code == 0, rerun.output
    assert KEPT in rerun.stderr and LOADING not in rerun.stderr
    assert "split by channel" in rerun.stderr


# --- the kept readings themselves (no speech model) ---------------------------------------


def _call() -> CallWords:
    from roleplay.domain.call import CallWords, SpokenWord

    words = (SpokenWord("Hello.", 0.5, 0.9, "A"), SpokenWord("Hi,", 1.4, 1.6, "B"))
    return CallWords("mono", ("A", "B"), words, 2.0, "en")


SETTINGS: dict[str, str | None] = {
    "model": "tiny.en",
    "compute_type": "int8",
    "language": "en",
    "split": "auto",
}


def test_each_setting_and_the_audio_name_their_own_reading(tmp_path: Path) -> None:
    from roleplay.adapters.call_cache import CallCache

    cache = CallCache(tmp_path / "calls")
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"RIFF one")
    key = cache.key(cache.digest(audio), SETTINGS)
    others = [cache.key(cache.digest(audio), {**SETTINGS, name: "other"}) for name in SETTINGS]
    audio.write_bytes(b"RIFF two")
    others.append(cache.key(cache.digest(audio), SETTINGS))
    assert len({key, *others}) == len(SETTINGS) + 2
    # ...but a language is read as Whisper reads it
    audio.write_bytes(b"RIFF one")
    assert cache.key(cache.digest(audio), {**SETTINGS, "language": "en-GB"}) == key

    cache.write(key, _call(), audio)
    assert cache.read(key, pytest.fail) == _call()
    assert cache.read(others[0], pytest.fail) is None


def test_a_reading_that_is_not_whole_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file cut short (a disk that filled, a copy that stopped) is said and not read; a
    write that fails part-way leaves no file at all, nor any earlier one changed."""
    from roleplay.adapters.call_cache import CallCache

    cache = CallCache(tmp_path / "calls")
    cache.write("k1", _call(), Path("a.wav"))
    whole = (tmp_path / "calls" / "k1.json").read_text()
    (tmp_path / "calls" / "k1.json").write_text(whole[: len(whole) // 2])
    told: list[str] = []
    assert cache.read("k1", told.append) is None
    assert told and "k1.json" in told[0]
    (tmp_path / "calls" / "k1.json").write_text(whole.replace('"k1"', '"k2"'))
    assert cache.read("k1", told.append) is None  # another call's words under this name

    cache.write("k1", _call(), Path("a.wav"))

    def no_space(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError):
        cache.write("k3", _call(), Path("b.wav"))
    monkeypatch.undo()
    assert sorted(p.name for p in (tmp_path / "calls").iterdir()) == ["k1.json"]
    assert cache.read("k3", pytest.fail) is None
    assert cache.read("k1", pytest.fail) == _call()


def test_readings_a_week_old_are_removed_when_another_is_kept(tmp_path: Path) -> None:
    """They hold a customer's words, and the rerun they are for comes within minutes."""
    from roleplay.adapters.call_cache import KEEP_DAYS, CallCache

    cache = CallCache(tmp_path / "calls")
    old = cache.write("old", _call(), Path("a.wav"))
    recent = cache.write("recent", _call(), Path("a.wav"))
    week = KEEP_DAYS * 86400
    os.utime(old, (old.stat().st_atime - week - 60, old.stat().st_mtime - week - 60))
    os.utime(recent, (recent.stat().st_atime - week + 3600, recent.stat().st_mtime - week + 3600))
    cache.write("new", _call(), Path("b.wav"))
    assert sorted(p.name for p in (tmp_path / "calls").iterdir()) == ["new.json", "recent.json"]
