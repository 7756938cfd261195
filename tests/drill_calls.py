"""A real call scored and kept from a text transcript, and the drills made from it: the set-up
the call-drill tests share (CLI and app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import Result

from tests.cli_helpers import invoke as invoke  # re-exported: the drill tests call it from here

# A real call where the rep pitches instead of asking: open questions score low.
CALL = """\
[00:00.0 - 00:03.0] Kari: Hi Dana, thanks for taking my call.
[00:03.4 - 00:07.0] Dana: Sure. We keep losing mornings re-planning routes by hand.
[00:07.5 - 00:15.0] Kari: Our product is the best on the market and it has many features.
[00:15.4 - 00:19.0] Dana: Honestly, I'm not sure that's what we need right now.
[00:19.3 - 00:24.0] Kari: It has great reviews, so you should buy it.
"""
EDITED = "# the trainer's own words\n"


def as_kari(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rep and time zone every call-drill test runs as."""
    monkeypatch.setenv("ROLEPLAY_REP", "Kari")
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "Europe/Oslo")


def score_call(
    ws: Path, folder: Path, *extra: str, text: str = CALL, name: str = "call.txt"
) -> Result:
    """`score --transcript NAME --save` with the offline judge, the call written to
    `folder`/`name` (the drills made from it are named after its file); `extra` decides the
    drills."""
    folder.mkdir(parents=True, exist_ok=True)
    call = folder / name
    call.write_text(text, encoding="utf-8")
    return invoke(
        ws, "score", "--transcript", str(call), "--rubric", "mini", "--rep", "Kari",
        "--judge", "offline", "--save", *extra,
    )  # fmt: skip


def session_ids(ws: Path) -> list[str]:
    return [str(row["id"]) for row in json.loads(invoke(ws, "sessions", "--json").stdout)]


def saved_call(ws: Path, folder: Path, text: str = CALL, name: str = "call.txt") -> str:
    """The session id of the call, kept without drills: the one session it adds to `ws`
    (a workspace can hold several calls, each found by the id `score --json` gives)."""
    before = session_ids(ws)
    result = score_call(ws, folder, "--no-make-drills", "--json", text=text, name=name)
    assert result.exit_code == 0, result.output
    sid = str(json.loads(result.stdout)["session"])
    after = session_ids(ws)
    assert sorted(after) == sorted([*before, sid]), (before, after)
    return sid


def made_files(ws: Path, sid: str) -> list[Path]:
    result = invoke(ws, "call-drills", sid, "--make", "--json")
    assert result.exit_code == 0, result.output
    return [Path(d["file"]) for d in json.loads(result.stdout)]


def edited_drill(ws: Path, tmp_path: Path) -> tuple[str, Path, str]:
    """A kept call whose first drill a trainer has since edited: (session, file, its text)."""
    sid = saved_call(ws, tmp_path)
    path = made_files(ws, sid)[0]
    edited = path.read_text() + EDITED
    path.write_text(edited)
    return sid, path, edited
