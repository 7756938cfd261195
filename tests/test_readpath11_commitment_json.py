"""`roleplay today --json` writes an open commitment from the plain views, without pydantic
(issue 18: it validated a Commitment model only to dump it), and writes exactly the JSON the
model writes: the same keys in the same order, the same time format."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from roleplay.cli.habit_render import commitment_json
from roleplay.domain.commitment import Commitment
from roleplay.domain.plain_commitment import read_commitment
from tests.test_fast_commands import practise
from tests.test_readpath10_today import commit, today

TIMES = [
    datetime(2026, 1, 5, 9, tzinfo=UTC),
    datetime(2026, 1, 5, 9, 0, 0, 500000, tzinfo=UTC),
    datetime(2026, 1, 5, 9, 0, 0, 7, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 30, 15, 120000, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(2026, 10, 25, 2, 59, 59, tzinfo=timezone(timedelta(hours=-7))),
    datetime(2026, 10, 25, 2, 59, 59, tzinfo=timezone(timedelta(0))),  # +00:00 read back
    datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=timezone(timedelta(hours=23, minutes=59))),
    datetime(2026, 1, 5, 9, 0, 0),  # naive: the model takes it, so may the copy hold it
]


def commitments() -> list[Commitment]:
    rng = random.Random(11)
    found = []
    for n, at in enumerate(TIMES):
        found.append(
            Commitment(
                text=rng.choice(["Ask first.", "Spør om morgenen først ✓", 'Say "why" \\ twice']),
                suggested=rng.choice(["Ask first.", "", "Ø"]),
                skill=f"skill-{n}",
                criterion=f"c{n}",
                criterion_name="Discovery questions",
                rubric="discovery",
                level=None if n % 3 == 0 else n % 5 + 1,
                made_at=at,
            )
        )
    return found


@pytest.mark.parametrize("made", commitments(), ids=lambda c: c.made_at.isoformat())
def test_a_plain_commitment_writes_the_models_json_byte_for_byte(made: Commitment) -> None:
    plain = read_commitment(json.loads(made.model_dump_json()))  # as the quick copy holds it
    for made_in in (None, "s1"):
        mine, models = commitment_json(plain, made_in), commitment_json(made, made_in)
        assert json.dumps(mine, ensure_ascii=False) == json.dumps(models, ensure_ascii=False)


def test_today_json_writes_an_open_commitment_without_pydantic(workspace: Path) -> None:
    practise(workspace)
    commit(workspace)
    today(workspace)  # the first one after the call syncs the schedule (the models)
    done, modules = today(workspace, "--json")
    assert modules == []  # neither pydantic nor the schedule's models
    [made] = json.loads(done.stdout)["commitments"]
    assert made["text"] == "Ask about the morning first."
    models, loaded = today(workspace, "--json", "--rebuild")  # the Habit and its models
    assert "pydantic" in loaded
    assert models.stdout == done.stdout
