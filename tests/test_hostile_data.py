"""Hostile corpus, part 1 (issue 11, section 2): nothing lost.

Each case feeds one hostile situation to the real commands and checks the message, the exit
code, and that every other session and every earlier turn is intact.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from roleplay.adapters.file_store import FileSessionStore
from roleplay.domain.session import Turn
from tests.fake_openai import FakeOpenAI, Reply
from tests.hostile import (
    LINES,
    Recorded,
    cli,
    copy_workspace,
    fingerprint,
    one_clear_line,
    others,
    record_sessions,
)
from tests.llm_env import use_llm


@pytest.fixture
def rec(tmp_path: Path) -> Recorded:
    ws = copy_workspace(tmp_path / "ws")
    return record_sessions(ws, [LINES, LINES[:2], LINES[1:]])


# --- JSON lines are split on "\n" only ---------------------------------------------------------


@pytest.mark.parametrize(
    "separator", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c"], ids=repr
)
def test_a_turn_with_a_unicode_line_break_survives_reload(rec: Recorded, separator: str) -> None:
    store = FileSessionStore(rec.recordings)
    before = store.load(rec.ids[0]).turns
    said = f"What budget{separator}have you set aside for that?"
    store.append_turn(rec.ids[0], Turn(index=len(before), speaker="rep", text=said, start=1, end=2))

    doc = json.loads(cli(rec.ws, "show", rec.ids[0], "--json").stdout)
    assert [t["text"] for t in doc["turns"]] == [*(t.text for t in before), said]
    scored = cli(rec.ws, "score", rec.ids[0], "--json")
    assert scored.exit_code == 0, scored.output
    exported = json.loads(cli(rec.ws, "export", rec.ids[0], "-f", "json").stdout)
    assert exported["turns"][-1]["text"] == said


def test_a_damaged_middle_line_is_reported_with_file_and_line_never_skipped(
    rec: Recorded,
) -> None:
    path = rec.folder(0) / "transcript.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[2] = b'{"index": 2, "speaker": "rep", "text": "cut'  # damaged, not the last line
    path.write_bytes(b"\n".join(lines))
    kept = others(rec, 0)

    shown = cli(rec.ws, "show", rec.ids[0])
    assert shown.exit_code == 1
    assert f"{path}:3: not a turn" in shown.stderr
    assert "turn(s) are still readable" in shown.stderr
    assert "Marcus (turn " in shown.stdout  # the readable turns are shown, named as in the call
    one_clear_line(cli(rec.ws, "score", rec.ids[0]), f"{path}:3")
    assert others(rec, 0) == kept


def test_a_torn_last_line_from_a_crash_keeps_the_turns_and_the_next_turn(rec: Recorded) -> None:
    store = FileSessionStore(rec.recordings)
    path = rec.folder(0) / "transcript.jsonl"
    before = store.load(rec.ids[0]).turns
    with path.open("ab") as fh:
        fh.write(b'{"index": 99, "speaker": "rep", "te')  # killed mid-write: no newline
    assert store.load(rec.ids[0]).turns == before
    nxt = Turn(index=len(before), speaker="rep", text="Still here?", start=9, end=10)
    store.append_turn(rec.ids[0], nxt)  # must not glue itself to the torn line
    assert store.load(rec.ids[0]).turns == (*before, nxt)
    kept = rec.folder(0) / "transcript.jsonl.torn-1"
    assert kept.read_bytes() == b'{"index": 99, "speaker": "rep", "te'  # nothing thrown away


# --- links out of the recordings folder --------------------------------------------------------


def _link_outside(rec: Recorded, tmp_path: Path, n: int) -> tuple[Path, dict[str, str]]:
    """Session n's folder moved outside and replaced by a link to it."""
    outside = tmp_path / "outside" / rec.ids[n]
    outside.parent.mkdir()
    rec.folder(n).rename(outside)
    (outside / "turn-0001.wav").write_bytes(b"RIFF" + bytes(64))
    rec.folder(n).symlink_to(outside, target_is_directory=True)
    return outside, fingerprint(outside)


def test_purge_never_deletes_or_writes_through_a_linked_session_folder(
    rec: Recorded, tmp_path: Path
) -> None:
    outside, before = _link_outside(rec, tmp_path, 0)
    (rec.folder(1) / "turn-0001.wav").write_bytes(b"RIFF" + bytes(64))
    result = cli(rec.ws, "purge", "--older-than", "1d", "--yes")
    assert result.exit_code == 0, result.output
    assert fingerprint(outside) == before  # nothing deleted, no retention.json written there
    assert not (rec.folder(1) / "turn-0001.wav").exists()  # the real session was purged
    assert (rec.folder(1) / "retention.json").is_file()


def test_purge_never_follows_a_linked_audio_file(rec: Recorded, tmp_path: Path) -> None:
    victim = tmp_path / "victim.wav"
    victim.write_bytes(b"precious")
    (rec.folder(0) / "turn-0005.wav").symlink_to(victim)
    result = cli(rec.ws, "purge", "--older-than", "1d", "--yes", "--audio-only")
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == b"precious"


def test_a_review_comment_is_never_written_through_a_linked_folder(
    rec: Recorded, tmp_path: Path
) -> None:
    outside, before = _link_outside(rec, tmp_path, 2)
    kept = others(rec, 2)
    result = cli(rec.ws, "review", "comment", rec.ids[2], "Good open question")
    one_clear_line(result, rec.ids[2])  # not a session of this recordings folder
    assert fingerprint(outside) == before
    assert others(rec, 2) == kept


def test_a_turn_is_never_appended_through_a_linked_transcript(
    rec: Recorded, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.jsonl"
    victim.write_text("keep me\n")
    transcript = rec.folder(0) / "transcript.jsonl"
    transcript.unlink()
    transcript.symlink_to(victim)
    with pytest.raises(OSError):
        FileSessionStore(rec.recordings).append_turn(
            rec.ids[0], Turn(index=9, speaker="rep", text="x", start=0, end=0)
        )
    assert victim.read_text() == "keep me\n"


def test_rescoring_a_linked_session_never_writes_outside(rec: Recorded, tmp_path: Path) -> None:
    outside, before = _link_outside(rec, tmp_path, 1)
    one_clear_line(cli(rec.ws, "score", rec.ids[1]), "outside the recordings folder")
    assert fingerprint(outside) == before


# --- export -o ---------------------------------------------------------------------------------


def test_export_never_overwrites_a_file_without_force(rec: Recorded, tmp_path: Path) -> None:
    target = tmp_path / "call.html"
    target.write_text("my notes")
    one_clear_line(cli(rec.ws, "export", rec.ids[0], "-o", str(target)), "--force")
    assert target.read_text() == "my notes"
    forced = cli(rec.ws, "export", rec.ids[0], "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_export_never_writes_into_a_session_folder(rec: Recorded) -> None:
    before = fingerprint(rec.recordings)
    target = rec.folder(0) / "session.json"
    one_clear_line(
        cli(rec.ws, "export", rec.ids[0], "-o", str(target), "--force"), "recordings folder"
    )
    one_clear_line(
        cli(rec.ws, "export", rec.ids[0], "-o", str(rec.folder(0) / "new.html")),
        "recordings folder",
    )
    assert fingerprint(rec.recordings) == before


def test_export_dash_is_standard_output(rec: Recorded, tmp_path: Path) -> None:
    os.chdir(tmp_path)
    result = cli(rec.ws, "export", rec.ids[0], "-f", "md", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("# ")
    assert not (tmp_path / "-").exists()


def test_export_into_a_missing_folder_says_so(rec: Recorded, tmp_path: Path) -> None:
    one_clear_line(
        cli(rec.ws, "export", rec.ids[0], "-o", str(tmp_path / "nope" / "x.html")),
        "does not exist",
    )


def test_export_onto_a_folder_says_so(rec: Recorded, tmp_path: Path) -> None:
    one_clear_line(cli(rec.ws, "export", rec.ids[0], "-o", str(tmp_path)), "is a folder")


@pytest.mark.parametrize("fmt", ["md", "json", "html"])
def test_export_onto_a_folder_suggests_a_file_of_the_format_asked(
    rec: Recorded, tmp_path: Path, fmt: str
) -> None:
    # A Markdown export pointed at a folder was told to write session.html there.
    result = cli(rec.ws, "export", rec.ids[0], "-f", fmt, "-o", str(tmp_path))
    one_clear_line(result, "is a folder")
    assert f"e.g. {tmp_path / f'session.{fmt}'}" in result.output


def test_export_to_an_unwritable_place_says_so(rec: Recorded) -> None:
    # /proc refuses new files even to root; a chmod would not stop root.
    one_clear_line(cli(rec.ws, "export", rec.ids[0], "-o", "/proc/x.html"), "cannot write")


def test_report_never_overwrites_a_file_without_force(rec: Recorded, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("last month's")
    one_clear_line(cli(rec.ws, "report", "--since", "3650d", "-o", str(target)), "--force")
    assert target.read_text() == "last month's"


# --- a reply cut off mid-stream -----------------------------------------------------------------


@pytest.fixture
def llm_env(fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    use_llm(monkeypatch, fake_llm.url)
    monkeypatch.setenv("ROLEPLAY_LLM_API_KEY", "sk-not-checked-123")
    return fake_llm


def test_a_stream_that_ends_without_finishing_is_cut_off_and_retried(
    mini_workspace: Path, llm_env: FakeOpenAI
) -> None:
    llm_env.queue(
        Reply("Honestly, the price is what worries me most.", chunk_size=4, cut_after=3),
        Reply("Honestly, the price is what worries me most."),
        Reply("Fine, send the invite. [[end:win]]"),
    )
    result = cli(
        mini_workspace,
        "practice",
        "mini",
        input="What worries you?\nr\nCan I send an invite for Tuesday?\n",
    )
    assert result.exit_code == 0, result.output
    assert "stopped mid-reply" in result.output and "[r]etry" in result.output
    doc = json.loads(cli(mini_workspace, "show", "last", "--json").stdout)
    customer = [t for t in doc["turns"] if t["speaker"] == "customer"]
    cut = [t for t in customer if "interrupted" in t["tags"]]
    whole = [t for t in customer if t["text"] == "Honestly, the price is what worries me most."]
    assert whole and "interrupted" not in whole[0]["tags"]
    assert all(t["text"] != "Honestly, the price is what worries me most." for t in cut)
    assert [t["text"] for t in doc["turns"] if t["speaker"] == "rep"] == [
        "What worries you?",
        "Can I send an invite for Tuesday?",
    ]


def test_bookkeeping_is_never_written_through_a_linked_index_folder(
    rec: Recorded, tmp_path: Path
) -> None:
    outside = tmp_path / "outside-index"
    outside.mkdir()
    meta = rec.recordings / ".index"
    if meta.exists():
        import shutil

        shutil.rmtree(meta)
    meta.symlink_to(outside, target_is_directory=True)
    result = cli(rec.ws, "review", "comment", rec.ids[0], "Nice")
    one_clear_line(result, ".index is a link")
    assert list(outside.iterdir()) == []


def test_show_notes_a_torn_last_line_and_shows_the_rest(rec: Recorded) -> None:
    path = rec.folder(1) / "transcript.jsonl"
    with path.open("ab") as fh:
        fh.write(b'{"index": 7, "spea')
    lines = len(path.read_bytes().split(b"\n"))
    result = cli(rec.ws, "show", rec.ids[1])
    assert result.exit_code == 0
    assert f"note: {path}:{lines}: not a turn" in result.stderr
    assert "You (turn " in result.stdout
