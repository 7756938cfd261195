"""An assignment's note reaches the terminal as text, on one line.

`roleplay assign discovery-spin --to ana --note "..."` kept the note as typed, and `assign`,
`assignments list` and every `today` of the rep printed it as it was: on a terminal an escape
sequence in it was obeyed (colours here; OSC 52 can write the clipboard), a U+202E override
reordered the rest of the line, and a line break started a new row of the table. On a shared
index whoever may assign writes every rep's `today`. The note is now shown as one line without
control characters, as every other untrusted text is; `--json` keeps it as written.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from roleplay.cli import app
from tests.app_helpers import make_workspace

runner = CliRunner()
NOTE = "Ask \x1b[31mwhat\x1b[0m a late truck costs \u202eevil\nsecond line"


def test_a_note_with_escapes_bidi_and_a_line_break_is_shown_as_one_line_of_text(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path)
    env = {"ROLEPLAY_REP": "ana"}

    def run(*args: str) -> str:
        # color=True: the output is kept as a terminal would get it (click strips ANSI
        # sequences only when it writes elsewhere).
        result = runner.invoke(app, ["-w", str(ws), *args], env=env, color=True)
        assert result.exit_code == 0, result.output
        return result.output

    said = run("assign", "discovery-spin", "--to", "ana", "--due", "2099-01-01", "--note", NOTE)
    listed = run("assignments", "list")
    today = run("today")
    for output in (said, listed, today):
        assert "\x1b" not in output and "\u202e" not in output, repr(output)
    shown = "Ask [31mwhat[0m a late truck costs evil second line"
    assert f"Note: {shown}" in said
    (row,) = [line for line in listed.splitlines() if "discovery-spin" in line]
    assert row.endswith(shown), row  # one row, the note whole at its end
    assert "second line" not in listed.replace(row, "")
    assert f"note: {shown}" in " ".join(today.split())
    (item,) = json.loads(run("assignments", "list", "--json"))
    assert item["note"] == NOTE
