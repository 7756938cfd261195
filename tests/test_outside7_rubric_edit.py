"""A trainer breaks the rubric while a rep is in a call of it (a half-saved edit).

The call ended with "rubric 'discovery' of session ... is not in the workspace any more;
restore rubrics/discovery.yaml": the file was right there, only it no longer validated, and
"restore" sent the trainer looking for a deleted file. Now the problem is named with its file
and line, and what to run once it is fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from roleplay.services.practice import RubricMissing
from tests.app_helpers import make_services, make_workspace


def test_a_rubric_broken_during_the_call_is_named_with_its_problem(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    rubric = ws / "rubrics" / "discovery.yaml"
    services = make_services(ws)
    call = services.practice.begin("discovery-spin", services.profile(), seed=1)
    list(call.start())
    list(call.rep_says("What happens on the line when a machine goes down?"))
    good = rubric.read_text("utf-8")
    rubric.write_text(good + "\n  broken: [\n", "utf-8")  # saved in the middle of an edit
    with pytest.raises(RubricMissing) as failed:
        services.end_of_call().finish(call)
    said = str(failed.value)
    assert "not in the workspace any more" not in said
    assert "restore" not in said
    assert "discovery.yaml:" in said  # the file and the line of the problem
    assert "roleplay validate" in said
    assert f"roleplay score {call.record.id}" in said
    rubric.write_text(good, "utf-8")  # fixed: the command the message gave scores the call
    again = CliRunner().invoke(app, ["-w", str(ws), "score", call.record.id])
    assert again.exit_code == 0, again.output
    assert (ws / "recordings" / call.record.id / "scorecard.json").is_file()
