"""`roleplay practice` given arguments that cannot work: said at once, in one line.

- `--text --audio-in call.wav` typed the call and ignored the recording without a word, even
  one that does not exist; now the two are refused together with what each is for.
- `practice discovery-spn` (a typo) asked the sound system first (a child process given up to
  5 s when PortAudio hangs) and printed "No microphone found: practising by typing" before the
  unknown scenario, as if the call were about to start.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from roleplay.cli import app
from tests.app_helpers import make_workspace
from tests.hostile import one_clear_line

runner = CliRunner()


def _sessions(ws: Path) -> list[Path]:
    return [p for p in (ws / "recordings").iterdir() if not p.name.startswith(".")]


def test_text_and_audio_in_together_are_refused(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    result = runner.invoke(
        app,
        ["-w", str(ws), "practice", "discovery-spin", "--text", "--audio-in", "call.wav"],
        input="How do you plan maintenance today?\n/end\nskip\n",
    )
    one_clear_line(result, "--text", "--audio-in", "cannot be used together", "drop one")
    assert _sessions(ws) == []  # no call was typed in its place


def test_an_unknown_scenario_is_said_alone_before_the_sound_system_is_asked(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path)
    result = runner.invoke(app, ["-w", str(ws), "practice", "discovery-spn"])
    line = one_clear_line(result, "unknown scenario 'discovery-spn'", "discovery-spin")
    assert result.output.strip() == line, result.output  # no word about the microphone
    assert _sessions(ws) == []
