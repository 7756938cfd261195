"""`roleplay score last` (issue 18), stop 35: what a re-score no longer does, and that what it
still does is as before.

- The log: the re-score's own write opens the index, whose catch-up indexes that very session
  (`sync` then skips it). That was logged as news, "index caught up: 1 folder(s) indexed", on
  every re-score (and loaded the log file's handler to say it). A folder changed behind the
  index's back is still logged, counted without the re-score's own session.
- The offline judge's word patterns and the scenario tests' patterns are compiled on first use,
  not at import; compiled lazily they are the same patterns and match the same lines.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from tests.fresh_cli import python
from tests.helpers import play, services

CAUGHT_UP = "index caught up"


def _two_scored(workspace: Path) -> list[str]:
    clock = ManualClock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    first = services(workspace, clock)
    ids = []
    for line in ["How does a typical morning look for your team?", "What happens after that?"]:
        call = first.practice.begin("discovery-spin", first.profile())
        play(call, [line], clock)
        ids.append(first.end_of_call().finish(call).session_id)
        clock.advance(3600)
    first.close()
    return ids


def _rescored(workspace: Path, caplog: pytest.LogCaptureFixture, ref: str) -> list[str]:
    s = services(workspace, ManualClock(datetime(2026, 11, 3, 9, tzinfo=UTC)))
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="roleplay.services.index"):
        s.end_of_call().rescore(ref, s.judge("offline"))
    s.close()
    return [r.getMessage() for r in caplog.records if CAUGHT_UP in r.getMessage()]


def test_a_rescore_does_not_log_its_own_session_as_caught_up(
    workspace: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ids = _two_scored(workspace)
    assert _rescored(workspace, caplog, "last") == []
    assert _rescored(workspace, caplog, ids[0]) == []


def test_a_folder_changed_behind_the_index_is_still_logged_without_the_rescored_one(
    workspace: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ids = _two_scored(workspace)
    pending = workspace / "recordings" / ".index" / "pending"
    pending.mkdir(exist_ok=True)
    (pending / ids[0]).touch()  # another process wrote the first session, not indexed yet
    assert _rescored(workspace, caplog, ids[1]) == [f"{CAUGHT_UP}: 1 folder(s) indexed, 0 removed"]
    assert not (pending / ids[0]).exists()  # indexed, as before


LAZY = """
import re, sys
ours = []

def compiling(pattern, flags, real=re._compile):
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.endswith(("re/__init__.py",)):
        frame = frame.f_back
    if frame is not None and "roleplay" in frame.f_code.co_filename:
        ours.append(frame.f_code.co_filename)
    return real(pattern, flags)

re._compile = compiling
import roleplay.domain.conversation, roleplay.domain.scenario_tests, roleplay.domain.scenario
print(sorted({f.rsplit("/", 1)[-1] for f in ours if "/domain/" in f}))
"""


def test_importing_the_judges_and_scenarios_patterns_compiles_none_of_them() -> None:
    done = python("-c", LAZY)
    assert done.returncode == 0, done.stderr
    # domain/scenario.py's PLACEHOLDER is imported by name (variation.py): one, left as is.
    assert done.stdout.strip() == "['scenario.py']"


def test_patterns_compiled_on_first_use_match_as_before() -> None:
    from roleplay.domain import conversation as c
    from roleplay.domain import scenario as sc
    from roleplay.domain import scenario_tests as st

    assert c.when("I'll send it by 3pm", "en") == 3
    assert c.when("I'll send it tomorrow", "en") == 2
    assert c.when("I'll send it next week", "en") == 1
    assert c.when("I'll send it", "en") == 0
    assert c.when("Jeg sender det klokka tre", "nb") == 3
    assert c.when("Jeg sender det i morgen", "nb") == 2
    assert c.agrees("Yes, that works.", "en") and not c.agrees("No, not really.", "en")
    assert c.agrees("Ja, det passer.", "nb") and not c.agrees("Nei, ikke nå.", "nb")
    assert c.first_person("Let me check that", "en") and not c.first_person("Sounds good", "en")
    assert c.first_person("Jeg sjekker det", "nb")
    assert sc.parse_duration("1h 5m 3s") == 3903
    assert sc.parse_duration("90s") == 90
    assert st._tags().search("[[fact:budget]]")
    assert st._ai().search("As an AI language model I cannot")
    named = st._named().search("Hi, my name is Olivia.")
    assert named is not None and named.group(1) == "Olivia"
    works = st._works_at().search("I work at Acme Ltd")
    assert works is not None and works.group(1) == "Acme"
    found = [m.group(0) for m in st._name_or_number().finditer("Budget is 40,000 for Oslo")]
    assert found == ["Budget", "40,000", "Oslo"]
    # Compiled once: the same object on every use (re's own cache holds 512 patterns; these
    # are kept beside the code that uses them).
    assert st._tags() is st._tags()
    assert isinstance(st._tags(), re.Pattern)
