"""Hostile corpus, part 3 (issue 11, section 5): damaged storage, a full or read-only disk.

Each case damages one thing and runs the real commands: one clear line (what, where, what to
do), no traceback, and every other session still listed and intact. Read-only folders and a
full disk are real: a read-only bind mount and a tiny tmpfs in a private mount namespace
(`unshare -m`, skipped where that is not allowed), or ENOSPC injected at the write.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from roleplay.adapters import file_store
from roleplay.config import data_dir
from tests.hostile import (
    LINES,
    SUBPROCESS_LIMIT_S,
    Recorded,
    cli,
    copy_workspace,
    damage_index,
    one_clear_line,
    others,
    record_sessions,
    roleplay_process,
)


@pytest.fixture
def rec(tmp_path: Path) -> Recorded:
    ws = copy_workspace(tmp_path / "ws")
    recorded = record_sessions(ws, [LINES, LINES[:2], LINES[1:]])
    # A fresh index: it is rebuilt from the recordings, as on a new machine.
    for path in data_dir().glob("index.sqlite*"):
        path.unlink()
    return recorded


def _bad_utf8_line(rec: Recorded, n: int) -> Path:
    path = rec.folder(n) / "transcript.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"morning", b"mor\xff\xfening")
    path.write_bytes(b"\n".join(lines))
    return path


def _listed(rec: Recorded, result: Any, *ns: int) -> None:
    for n in ns:
        assert rec.ids[n] in result.stdout, (rec.ids[n], result.output)


# --- invalid UTF-8 in a transcript line: every command ----------------------------------------


def test_bad_utf8_show_prints_the_readable_turns_and_names_the_line(rec: Recorded) -> None:
    path = _bad_utf8_line(rec, 1)
    result = cli(rec.ws, "show", rec.ids[1])
    assert result.exit_code == 1
    assert f"{path}:2: not UTF-8" in result.stderr and "Traceback" not in result.output
    assert "You (turn " in result.stdout  # the other turns are shown


def test_bad_utf8_score_refuses_with_one_line(rec: Recorded) -> None:
    path = _bad_utf8_line(rec, 1)
    card = (rec.folder(1) / "scorecard.json").read_bytes()
    kept = others(rec, 1)
    one_clear_line(cli(rec.ws, "score", rec.ids[1]), f"{path}:2: not UTF-8")
    assert (rec.folder(1) / "scorecard.json").read_bytes() == card
    assert others(rec, 1) == kept


def test_bad_utf8_reindex_skips_it_and_indexes_the_rest(rec: Recorded) -> None:
    path = _bad_utf8_line(rec, 1)
    result = cli(rec.ws, "reindex", "--json")
    assert result.exit_code == 1
    done = json.loads(result.stdout)
    assert done["indexed"] == 2
    assert any(f"{path}:2: not UTF-8" in p for p in done["problems"])


@pytest.mark.parametrize(
    "args",
    [
        ["sessions"],
        ["today"],
        ["review", "list"],
        ["report", "--since", "3650d", "-f", "json"],
        ["progress"],
    ],
    ids=" ".join,
)
def test_bad_utf8_other_commands_still_work(rec: Recorded, args: list[str]) -> None:
    _bad_utf8_line(rec, 1)
    result = cli(rec.ws, *args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    if args[0] in {"sessions", "review"}:
        _listed(rec, result, 0, 2)


def test_bad_utf8_export_says_which_line(rec: Recorded) -> None:
    path = _bad_utf8_line(rec, 1)
    one_clear_line(cli(rec.ws, "export", rec.ids[1]), f"{path}:2")
    assert cli(rec.ws, "export", rec.ids[0]).exit_code == 0


# --- a damaged scorecard.json or session.json ------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [b"", b"{\x00garbage", b'{"rubric": "discovery", "crit', bytes(range(256))],
    ids=["empty", "garbage", "truncated", "binary"],
)
def test_a_damaged_scorecard_is_listed_as_damaged_and_hides_nothing(
    rec: Recorded, damage: bytes
) -> None:
    path = rec.folder(2) / "scorecard.json"
    path.write_bytes(damage)
    kept = others(rec, 2)
    listing = cli(rec.ws, "sessions")
    assert listing.exit_code == 1
    _listed(rec, listing, 0, 1, 2)
    assert "damaged" in listing.stdout and f"{path}: cannot be read" in listing.stdout
    doc = json.loads(cli(rec.ws, "sessions", "--json").stdout)
    assert [d["status"] for d in doc if d["id"] == rec.ids[2]] == ["damaged"]
    assert sum(d["overall"] is not None for d in doc) == 2
    shown = cli(rec.ws, "show", rec.ids[2])
    assert shown.exit_code == 1 and "You (turn " in shown.stdout and str(path) in shown.stderr
    assert cli(rec.ws, "today").exit_code == 0
    assert others(rec, 2) == kept


@pytest.mark.parametrize(
    "damage",
    [b"", b'{"format": 1, "id": "x", "scen', b"\xff\xfe{}", b"[]"],
    ids=["empty", "truncated", "not-utf8", "not-an-object"],
)
def test_a_damaged_session_json_is_listed_as_damaged_and_hides_nothing(
    rec: Recorded, damage: bytes
) -> None:
    path = rec.folder(0) / "session.json"
    path.write_bytes(damage)
    kept = others(rec, 0)
    listing = cli(rec.ws, "sessions")
    assert listing.exit_code == 1
    _listed(rec, listing, 0, 1, 2)
    assert f"{path}: cannot be read" in listing.stdout
    one_clear_line(cli(rec.ws, "show", rec.ids[0]), str(path))
    one_clear_line(cli(rec.ws, "score", rec.ids[0]), str(path))
    result = cli(rec.ws, "reindex")
    assert result.exit_code == 1 and "skipped:" in result.stdout
    listing = cli(rec.ws, "review", "list")
    _listed(rec, listing, 1, 2)
    assert others(rec, 0) == kept


def test_a_damaged_review_json_is_reported_and_the_rest_indexed(rec: Recorded) -> None:
    path = rec.folder(1) / "review.json"
    path.write_bytes(b"\x00\x01not json")
    result = cli(rec.ws, "reindex")
    assert result.exit_code == 1
    assert f"{path}: cannot be read" in result.stdout
    _listed(rec, cli(rec.ws, "review", "list"), 0, 2)


def test_a_damaged_schedule_cache_is_rebuilt(rec: Recorded) -> None:
    assert cli(rec.ws, "today").exit_code == 0
    for path in (data_dir() / "habit").glob("*.json"):
        path.write_bytes(os.urandom(300))
    result = cli(rec.ws, "today")
    assert result.exit_code == 0, result.output


# --- the index database -----------------------------------------------------------------------


def test_random_bytes_in_the_index_are_moved_aside_and_rebuilt(rec: Recorded) -> None:
    assert cli(rec.ws, "reindex").exit_code == 0
    damage_index(os.urandom(40_000))
    result = cli(rec.ws, "reindex", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["indexed"] == 3
    assert list(data_dir().glob("index.sqlite.damaged-*"))  # kept for a post-mortem
    _listed(rec, cli(rec.ws, "review", "list"), 0, 1, 2)


def test_practice_works_after_the_index_was_damaged(rec: Recorded) -> None:
    assert cli(rec.ws, "reindex").exit_code == 0
    damage_index(b"SQLite format 3\x00" + os.urandom(5000))
    result = cli(rec.ws, "practice", "discovery-spin", input="What slows you down?\n/end\n")
    assert result.exit_code == 0, result.output
    listing = cli(rec.ws, "review", "list")
    assert len(listing.stdout.splitlines()) == 1 + 4  # header + the 3 sessions + the new one


@pytest.mark.parametrize(
    "url",
    ["postgresql://rep@host:port/rp", "postgresql://rep@[::1/rp", "://nothing", "mysql://x/y"],
)
def test_a_malformed_database_url_is_one_clear_line(
    rec: Recorded, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("ROLEPLAY_DATABASE_URL", url)
    for args in (["review", "list"], ["reindex"]):
        one_clear_line(cli(rec.ws, *args), "ROLEPLAY_DATABASE_URL")
    listing = cli(rec.ws, "sessions")  # the recordings are still there
    assert listing.exit_code == 0
    _listed(rec, listing, 0, 1, 2)


# --- purge ages ------------------------------------------------------------------------------


def test_purge_with_an_age_past_any_calendar_is_one_clear_line(rec: Recorded) -> None:
    kept = others(rec)
    one_clear_line(cli(rec.ws, "purge", "--older-than", "99999999999d", "--yes"), "99999999999d")
    one_clear_line(cli(rec.ws, "purge", "--older-than", "9" * 5000 + "d", "--yes"), "longer")
    assert others(rec) == kept


def test_purge_with_an_age_older_than_year_one_deletes_nothing(rec: Recorded) -> None:
    kept = others(rec)
    result = cli(rec.ws, "purge", "--older-than", "999999999d", "--yes")
    assert result.exit_code == 0 and "Nothing to delete" in result.output
    assert others(rec) == kept


# --- a full disk -------------------------------------------------------------------------------


class _FullDisk:
    """`os` as file_store sees it, with writes failing ENOSPC after `allowed` of them."""

    def __init__(self, allowed: int) -> None:
        self.allowed = allowed

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def write(self, fd: int, data: bytes) -> int:
        if self.allowed <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.allowed -= 1
        return os.write(fd, data)


def test_a_full_disk_mid_call_keeps_every_earlier_turn(
    rec: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = others(rec)
    monkeypatch.setattr(file_store, "os", _FullDisk(allowed=2))  # opening + one rep turn
    result = cli(
        rec.ws,
        "practice",
        "discovery-spin",
        input="What slows you down?\nHow often does it happen?\nTell me more.\n",
    )
    one_clear_line(result, "No space left on device", "intact")
    monkeypatch.undo()
    doc = json.loads(cli(rec.ws, "show", "last", "--json").stdout)
    assert [t["speaker"] for t in doc["turns"]] == ["customer", "rep"]
    assert doc["turns"][1]["text"] == "What slows you down?"
    assert others(rec) == kept


def _unshare(script: str) -> list[str]:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare for a private mount")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("unshare -m is not allowed here")
    return ["unshare", "-m", "sh", "-c", script + ' && exec "$@"', "sh"]


def test_a_full_disk_before_the_session_exists_is_one_clear_line(rec: Recorded) -> None:
    kept = others(rec)
    fill = rec.recordings / "full"
    fill.mkdir()
    wrap = _unshare(
        f"mount -t tmpfs -o size=64k tmpfs {fill} && "
        f"(dd if=/dev/zero of={fill}/zero bs=4k 2>/dev/null; true) && "
        f"mount --bind {fill} {rec.recordings}"
    )
    done = roleplay_process(
        "--workspace", str(rec.ws), "practice", "discovery-spin", stdin="Hello\n", wrap=wrap
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert "No space left on device" in done.stderr and "error:" in done.stderr
    fill.rmdir()
    assert others(rec) == kept


def test_a_read_only_recordings_folder_can_be_reindexed(rec: Recorded) -> None:
    kept = others(rec)
    r = rec.recordings
    wrap = _unshare(f"mount --bind {r} {r} && mount -o remount,ro,bind {r}")
    done = roleplay_process("--workspace", str(rec.ws), "reindex", "--json", wrap=wrap)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["indexed"] == 3
    assert others(rec) == kept


def test_a_read_only_data_folder_logs_to_stderr_and_the_command_runs(rec: Recorded) -> None:
    home = data_dir().parent
    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "logs").mkdir(exist_ok=True)
    d = data_dir()
    wrap = _unshare(f"mount --bind {d} {d} && mount -o remount,ro,bind {d}")
    env = {"ROLEPLAY_HOME": str(home)}
    done = roleplay_process("--workspace", str(rec.ws), "sessions", env=env, wrap=wrap)
    assert done.returncode == 0, done.stderr
    assert all(id_ in done.stdout for id_ in rec.ids)
    assert "cannot write the log" in done.stderr and "Traceback" not in done.stderr


def test_purge_leaves_a_damaged_session_alone_and_purges_the_rest(rec: Recorded) -> None:
    path = _bad_utf8_line(rec, 1)
    for n in range(3):
        (rec.folder(n) / "turn-0001.wav").write_bytes(b"RIFF" + bytes(64))
    damaged = others(rec, 0, 2)
    result = cli(rec.ws, "purge", "--older-than", "1d", "--yes")
    assert result.exit_code == 0, result.output
    assert f"skipped: {path}:2" in result.stderr
    assert others(rec, 0, 2) == damaged  # untouched, transcript and audio
    for n in (0, 2):
        assert not (rec.folder(n) / "transcript.jsonl").exists()
        assert (rec.folder(n) / "retention.json").is_file()


async def test_the_app_home_screen_lists_the_rest_beside_a_damaged_scorecard(
    rec: Recorded,
) -> None:
    from textual.widgets import DataTable

    from tests.app_helpers import make_app, settle

    (rec.folder(2) / "scorecard.json").write_bytes(b"{garbage")
    app = make_app(rec.ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.is_running
        await pilot.press("f3")
        await settle(pilot)
        table = app.screen.query_one("#sessions", DataTable)
        # The two intact sessions; the damaged one is named by `sessions` and `reindex`.
        assert table.row_count == 2
        assert app.is_running


def test_a_full_disk_while_rescoring_keeps_the_old_scorecard(rec: Recorded) -> None:
    """The recordings on a tmpfs filled to the last byte: the new scorecard cannot be written,
    and the old one is intact (written atomically), checked inside the same namespace."""
    wrap = _unshare("true")[:2]  # skips where a private mount is not allowed
    spare = rec.ws / "spare"
    spare.mkdir()
    card = rec.folder(1) / "scorecard.json"
    script = (
        f"mount -t tmpfs -o size=2m tmpfs {spare} && cp -a {rec.recordings}/. {spare}/ && "
        f"mount --bind {spare} {rec.recordings} && "
        f"(dd if=/dev/zero of={rec.recordings}/.fill bs=4k 2>/dev/null; true) && "
        f'sha256sum {card} && "$@"; rc=$?; sha256sum {card}; exit $rc'
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    done = subprocess.run(
        [
            *wrap,
            "sh",
            "-c",
            script,
            "sh",
            sys.executable,
            "-m",
            "roleplay",
            "--workspace",
            str(rec.ws),
            "score",
            rec.ids[1],
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=SUBPROCESS_LIMIT_S,
        check=False,
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "No space left on device" in done.stderr and "Traceback" not in done.stderr
    before, after = [line.split()[0] for line in done.stdout.splitlines() if str(card) in line]
    assert before == after


def test_a_huge_garbage_transcript_line_is_reported_within_bounded_memory(
    rec: Recorded,
) -> None:
    """40 MB of garbage with no line break: reported with its line, in a child process whose
    address space is capped (a generous bound; a copy per byte would not fit)."""
    import resource

    path = rec.folder(0) / "transcript.jsonl"
    with path.open("ab") as fh:
        fh.write(b"\n" + b"\xff{[" * 13_000_000 + b"\n")
    lines = len(path.read_bytes().split(b"\n")) - 1

    def cap() -> None:
        limit = 3 * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "roleplay", "--workspace", str(rec.ws), "show", rec.ids[0]],
        capture_output=True,
        text=True,
        env=env,
        timeout=SUBPROCESS_LIMIT_S,
        preexec_fn=cap,  # the child only sets its own limit
        check=False,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert f"{path}:{lines}: not UTF-8" in done.stderr
    assert "Traceback" not in done.stderr and "You (turn " in done.stdout
