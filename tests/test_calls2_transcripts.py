"""A text transcript holding several recordings (`roleplay transcribe --speakers a.wav b.wav`)
is refused the way a JSON of several is, naming the lines that start each recording."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.domain.transcript_file import TranscriptFileError, parse

FIRST = """\
calls/a.wav (24.0 s, en)
  [00:00.0 - 00:03.0] Kari: Hi Dana, thanks for taking my call.
  [00:03.4 - 00:07.0] Dana: Sure. We keep losing mornings re-planning routes by hand.
"""
SECOND = """\
calls/b.wav (9.5 s, en)
  [00:00.0 - 00:02.0] Kari: Hello Lee, how are the routes this week?
  [00:02.5 - 00:09.5] Lee: Better, thanks. Same problem with Mondays though.
"""


def test_two_recordings_in_one_text_transcript_are_refused_naming_where_each_starts() -> None:
    with pytest.raises(TranscriptFileError) as raised:
        parse(FIRST + SECOND, "Kari", file="calls.txt")
    message = str(raised.value)
    assert "calls.txt: holds 2 recordings" in message
    assert "line 1 ('calls/a.wav (24.0 s, en)')" in message
    assert "line 4 ('calls/b.wav (9.5 s, en)')" in message
    assert "split the file" in message


def test_turns_before_a_recordings_header_line_count_as_a_recording() -> None:
    body = FIRST.split("\n", 1)[1]
    with pytest.raises(TranscriptFileError, match="holds 2 recordings"):
        parse(body + "\n" + SECOND, "Kari", file="calls.txt")


def test_one_recording_and_a_turn_that_looks_like_a_header_still_parse() -> None:
    one = parse(FIRST + "  Dana: it took a while (10 s, ok)\n", "Kari", file="call.txt")
    assert len(one.turns) == 2 and "(10 s, ok)" in one.turns[-1].text
    assert len(parse(SECOND, "Kari").turns) == 2


def test_score_refuses_a_transcript_of_two_calls(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_TIMEZONE", "Europe/Oslo")
    calls = tmp_path / "calls.txt"
    calls.write_text(FIRST + SECOND)
    result = CliRunner().invoke(
        app,
        ["--workspace", str(mini_workspace), "score", "--transcript", str(calls),
         "--rubric", "mini", "--rep", "Kari", "--judge", "offline"],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "holds 2 recordings" in result.output and "line 4" in result.output
