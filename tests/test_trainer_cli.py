"""The trainer's first hour (issue 17): the JSON Schema matches the files an editor checks,
`validate` reports every problem in one run, `scenarios` shows drill ids, and a wrong schema
name is answered in plain words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from roleplay.cli import app

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _schema(kind: str) -> Draft202012Validator:
    result = runner.invoke(app, ["schema", kind])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    Draft202012Validator.check_schema(doc)
    return Draft202012Validator(doc)


def _as_an_editor_sees_it(path: Path) -> object:
    """YAML as an editor's schema check sees it: JSON, so keys like 1..5 become "1".."5"."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8"))))


def _errors(validator: Draft202012Validator, path: Path) -> list[str]:
    found = validator.iter_errors(_as_an_editor_sees_it(path))
    return [f"{path.name}: {list(e.absolute_path)}: {e.message}" for e in found]


def _new(tmp_path: Path, kind: str, name: str) -> Path:
    ws = tmp_path / "ws"
    result = runner.invoke(app, ["--workspace", str(ws), "new", kind, name])
    assert result.exit_code == 0, result.output
    return ws / f"{kind}s" / f"{name}.yaml"


@pytest.mark.parametrize("kind", ["scenario", "rubric"])
def test_every_bundled_file_and_new_template_validates_against_the_schema(
    kind: str, tmp_path: Path
) -> None:
    validator = _schema(kind)
    files = sorted((REPO / f"{kind}s").glob("*.yaml"))
    files += sorted((REPO / "tests" / "data" / "valid" / f"{kind}s").glob("*.yaml"))
    files.append(_new(tmp_path, kind, f"my-{kind}"))
    assert len(files) >= 3
    problems = [e for path in files for e in _errors(validator, path)]
    assert problems == []


def test_the_schema_accepts_durations_and_has_no_pydantic_only_keys() -> None:
    text = runner.invoke(app, ["schema", "scenario"]).stdout
    doc = json.loads(text)
    for key in ('"gt"', '"ge"', '"lt"', '"le"'):
        assert key not in text, f"{key} is not a JSON Schema keyword"
    validator = Draft202012Validator(doc["properties"]["time_limit"])
    for good in (300, "5m", "4m30s", "90s", "1h"):
        assert validator.is_valid(good), good
    for bad in (0, "five minutes", "", 99999):
        assert not validator.is_valid(bad), bad


def test_the_schema_still_rejects_what_the_loader_rejects(tmp_path: Path) -> None:
    """The schema is not loosened into accepting anything: a misspelt key and a wrong level
    key are caught in the editor, as `validate` catches them."""
    validator = _schema("rubric")
    path = REPO / "rubrics" / "discovery.yaml"
    doc = _as_an_editor_sees_it(path)
    assert isinstance(doc, dict)
    doc["critera"] = doc.pop("criteria")
    doc_levels = json.loads(json.dumps(_as_an_editor_sees_it(path)))
    doc_levels["criteria"][0]["levels"]["7"] = "off the scale"
    assert any("critera" in e.message for e in validator.iter_errors(doc))
    assert any("'7'" in e.message for e in validator.iter_errors(doc_levels))


def test_schema_of_an_unknown_kind_names_the_choices() -> None:
    result = runner.invoke(app, ["schema", "foo"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: there is no schema for 'foo': choose scenario or rubric"
    )
    assert "Value error" not in result.output
    close = runner.invoke(app, ["schema", "rubrik"])
    assert "(did you mean 'rubric'?)" in close.stderr


def test_scenarios_lists_drill_ids(workspace: Path) -> None:
    result = runner.invoke(app, ["--workspace", str(workspace), "scenarios"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("price-objection "))
    assert lines[at + 1].split() == ["drills:", "too-high,", "discount-squeeze"]
    doc = json.loads(
        runner.invoke(app, ["--workspace", str(workspace), "scenarios", "--json"]).stdout
    )
    drills = {s["id"]: s["drills"] for s in doc["scenarios"]}
    assert drills["price-objection"] == ["too-high", "discount-squeeze"]
    assert drills["negotiation-close"] == []
    # What `scenarios` lists is what `practice --drill` accepts.
    started = runner.invoke(
        app,
        ["--workspace", str(workspace), "practice", "price-objection", "--drill", "too-high"],
        input="Hello, how is business?\n/end\nskip\n",
    )
    assert started.exit_code == 0, started.output


def test_validate_reports_shape_and_reference_problems_in_one_run(
    mini_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six planted mistakes used to take three runs; all six come in the first."""
    monkeypatch.chdir(mini_workspace)  # paths are shown relative to the current folder
    path = mini_workspace / "scenarios" / "mini.yaml"
    text = path.read_text()
    for old, new in [
        ("brief: Find out", "breif: Find out"),  # a misspelt key
        ("difficulty: 2", "difficulty: hard"),  # a wrong type
        (
            "speaking_style: Short sentences.",
            "speaking_style: Short sentences.\n  voice: {rate: 1000}",
        ),
        ("      after: [pain]", "      after: [pian]"),  # an unknown fact
        ('"{competitor} pitched us last quarter."', '"{competitr} pitched us last quarter."'),
        ("rubric: mini", "rubric: mnii"),  # an unknown rubric
    ]:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text)
    result = runner.invoke(app, ["--workspace", str(mini_workspace), "validate"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "scenarios/mini.yaml:6:1: difficulty: expected a whole number, got 'hard'",
        "scenarios/mini.yaml:8:1: rubric: unknown rubric 'mnii' (did you mean 'mini'?)",
        "scenarios/mini.yaml:15:11: persona.voice.rate: expected at most 300, got 1000",
        "scenarios/mini.yaml:16:1: breif: unknown key 'breif' (did you mean 'brief'?)",
        "scenarios/mini.yaml:31:15: facts[1].earn.after[0]: unknown fact 'pian' "
        "(did you mean 'pain'?)",
        "scenarios/mini.yaml:53:9: objections[1].phrasings[1]: placeholder {competitr} is not "
        "set by any variation (did you mean {competitor}?)",
        "6 problem(s) in 1 file(s)",
    ]


def test_a_broken_list_item_does_not_cause_made_up_problems(mini_workspace: Path) -> None:
    """The fact with a shape error is set aside for the reference check; what refers to it
    is not then reported as an unknown fact (that would be a consequence, not a mistake)."""
    path = mini_workspace / "scenarios" / "mini.yaml"
    text = path.read_text().replace(
        "  - id: pain\n    fact: Dispatchers", "  - id: pain\n    fact:\n      - Dispatchers"
    )
    path.write_text(text)
    result = runner.invoke(app, ["--workspace", str(mini_workspace), "validate"])
    assert result.exit_code == 1
    assert "facts[0].fact: expected text" in result.stdout
    assert "unknown fact 'pain'" not in result.stdout, result.stdout
    assert result.stdout.splitlines()[-1] == "1 problem(s) in 1 file(s)"
