"""A trainer's first hour, word for word as the README has it: `roleplay -w . new rubric
renewal` "starts a workspace in the current folder", then `new scenario`, `validate` and `test`
are run there without `-w`.

`-w . new rubric` made only rubrics/, and a folder without scenarios/ is no workspace: the next
step, `roleplay new scenario renewal-call`, refused ("not in a workspace: ... has no
scenarios/"), and `roleplay validate` there said "All good: 8 scenario(s), 6 rubric(s)" about
roleplay's own data folder, never looking at the rubric just written.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from roleplay.cli import app

runner = CliRunner()


def test_the_readme_s_first_hour_for_a_trainer_works_in_the_new_folder() -> None:
    here = Path.cwd()
    made = runner.invoke(app, ["-w", ".", "new", "rubric", "renewal"])
    assert made.exit_code == 0, made.output
    assert (here / "scenarios").is_dir()  # the folder is a workspace from now on
    made = runner.invoke(app, ["new", "scenario", "renewal-call"])
    assert made.exit_code == 0, made.output
    assert (here / "scenarios" / "renewal-call.yaml").is_file()
    assert "Its rubric is 'renewal'" in made.output
    checked = runner.invoke(app, ["validate"])
    assert checked.exit_code == 0, checked.output
    assert "1 scenario(s), 1 rubric(s)" in checked.output  # these files, not the bundled ones
    tested = runner.invoke(app, ["test", "renewal-call"])
    assert tested.exit_code == 0, tested.output
