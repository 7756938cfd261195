"""Reviewing sessions through the service the CLI and the app call."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest

from roleplay.adapters.audio_player import SoundDevicePlayer
from roleplay.adapters.clock import ManualClock
from roleplay.composition import Services
from roleplay.domain.history import HumanLevel, SessionFilter
from roleplay.services.ports import SessionNotFound
from roleplay.services.review import ReviewError
from tests.helpers import play, services

LINES = ["How does a typical morning look for your dispatch team?", "Can I call you Tuesday?"]


def one_session(ws: Path) -> tuple[Services, str]:
    clock = ManualClock()
    s = services(ws, clock)
    call = s.practice.begin("discovery-spin", s.profile())
    play(call, LINES, clock)
    s.practice.finish(call)
    return s, call.record.id


def test_comments_overrides_and_marks_land_in_review_json_first(workspace: Path) -> None:
    s, sid = one_session(workspace)
    s.reviews.comment(sid[:12], "Nice opener", turn=1)
    s.reviews.comment("last", "Next time, quantify the downtime")
    o = s.reviews.override(sid, "open-questions", 4, "both questions were open")
    s.reviews.mark_reviewed(sid)
    path = workspace / "recordings" / sid / "review.json"
    assert path.stat().st_mode & 0o777 == 0o600
    doc = json.loads(path.read_text())
    assert [c["turn"] for c in doc["comments"]] == [1, None]
    assert doc["overrides"][0]["level"] == 4 and doc["reviewed"]["author"] == "tester"
    view = s.reviews.open(sid)
    judge = view.scorecard.criterion("open-questions").level  # type: ignore[union-attr]
    assert view.human_levels()["open-questions"] == o
    assert judge != 4  # the judge's level is kept as it was, beside the reviewer's
    card = json.loads((workspace / "recordings" / sid / "scorecard.json").read_text())
    assert [c["level"] for c in card["criteria"] if c["id"] == "open-questions"] == [judge]
    assert s.reviews.human_levels() == [HumanLevel(sid, "open-questions", 4)]
    assert s.reviews.human_levels("no-such-rubric") == []
    s.reviews.mark_reviewed(sid, reviewed=False)
    assert s.reviews.find(SessionFilter(reviewed=True)) == []


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda s, sid: s.reviews.comment(sid, "x", turn=99), "has turns 0-4; turn 99"),
        (lambda s, sid: s.reviews.comment(sid, "   "), "the comment is empty"),
        (
            lambda s, sid: s.reviews.override(sid, "open-question", 4, "r"),
            "did you mean 'open-questions'?",
        ),
        (lambda s, sid: s.reviews.override(sid, "open-questions", 6, "r"), "levels go from 1"),
        (lambda s, sid: s.reviews.override(sid, "open-questions", 4, " "), "needs a reason"),
        (lambda s, sid: s.reviews.play(sid, 1), "has no audio file (a typed session)"),
    ],
)
def test_mistakes_get_a_clear_message_and_change_nothing(
    workspace: Path, action: object, message: str
) -> None:
    s, sid = one_session(workspace)
    with pytest.raises(ReviewError) as err:
        action(s, sid)  # type: ignore[operator]
    assert message in str(err.value)
    assert not (workspace / "recordings" / sid / "review.json").exists()


def test_unknown_and_ambiguous_sessions(workspace: Path) -> None:
    s, sid = one_session(workspace)
    with pytest.raises(SessionNotFound, match="did you mean"):
        s.reviews.open(sid[:-1] + "x")
    with pytest.raises(SessionNotFound, match="review list"):
        s.reviews.open("nothing-like-it")


def _wav(path: Path, seconds: float = 0.1) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * int(16000 * seconds))


def test_play_finds_the_turns_audio_by_convention_or_by_the_turn(workspace: Path) -> None:
    s, sid = one_session(workspace)
    folder = workspace / "recordings" / sid
    _wav(folder / "turn-0001.wav")
    played = s.reviews.turn_audio(sid, 1)
    assert played == folder / "turn-0001.wav"
    # A turn that names its file (the voice pipeline does) wins over the convention.
    (folder / "audio").mkdir()
    _wav(folder / "audio" / "rep-3.wav")
    lines = (folder / "transcript.jsonl").read_text().splitlines()
    turn = json.loads(lines[3])
    turn["audio"] = "audio/rep-3.wav"
    lines[3] = json.dumps(turn)
    (folder / "transcript.jsonl").write_text("\n".join(lines) + "\n")
    assert s.reviews.turn_audio(sid, 3) == folder / "audio" / "rep-3.wav"


def test_the_real_player_says_why_when_there_is_no_output_device(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # No sound card here; point PulseAudio nowhere so a test server cannot lend one.
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'no-pulse'}")
    path = tmp_path / "t.wav"
    _wav(path)
    import subprocess
    import sys

    code = (
        "import sys\nfrom pathlib import Path\n"
        "from roleplay.adapters.audio_player import SoundDevicePlayer\n"
        f"r = SoundDevicePlayer().play(Path({str(path)!r}))\n"
        "print(r.played, r.reason)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("False no audio output"), out.stdout
    assert SoundDevicePlayer().play(tmp_path / "x.flac").reason == (
        "only WAV files are played here, not .flac"
    )


def test_a_reviewer_on_another_machine_comments_in_a_review_only_folder(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", f"sqlite:///{tmp_path / 'shared.sqlite'}")
    rep, sid = one_session(workspace)
    trainer_ws = tmp_path / "trainer"
    shutil.copytree(workspace / "scenarios", trainer_ws / "scenarios")
    shutil.copytree(workspace / "rubrics", trainer_ws / "rubrics")
    trainer = services(trainer_ws)
    trainer.reviews.comment(sid, "Listen to turn 3 again", turn=3, author="tina")
    assert (trainer_ws / "recordings" / sid / "review.json").exists()
    assert not (trainer_ws / "recordings" / sid / "session.json").exists()
    with pytest.raises(ReviewError, match="recorded on another machine"):
        trainer.reviews.turn_audio(sid, 1)
    # The rep's machine re-indexes its own folder: the trainer's comment stays.
    rep.indexer.rebuild()
    assert [c.text for c in rep.reviews.open(sid).comments] == ["Listen to turn 3 again"]
    trainer.indexer.rebuild()
    assert [c.author for c in rep.reviews.open(sid).comments] == ["tina"]


def test_open_falls_back_to_the_files_when_the_index_is_unreachable(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, sid = one_session(workspace)
    s.reviews.comment(sid, "Kept in the folder")
    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", "postgresql://u:p@127.0.0.1:1/x")
    offline = services(workspace)
    view = offline.reviews.open(sid)
    assert [c.text for c in view.comments] == ["Kept in the folder"] and len(view.turns) == 5
    offline.reviews.comment(sid, "Written while the index is away")
    assert offline.indexer.problem is not None
    monkeypatch.delenv("ROLEPLAY_DATABASE_URL")
    back = services(workspace)
    assert len(back.reviews.open(sid).comments) == 2
