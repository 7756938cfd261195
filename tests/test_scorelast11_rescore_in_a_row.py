"""`roleplay score last` twice in a row at thousands of sessions (issue 18): the second and
later re-scores list no folder, read no list of the index's lines and parse no whole schedule,
with no pause between them and no `today` run between (a rep who scores twice in a row does
neither). Before, only a `today` run after 2 s of quiet made the checks that let a re-score
skip those (the index found in step with the folders, the schedule's quick copy noted against
that list): a re-score that rebuilt the schedule, or followed another write within 2 s, made
every later one list all 8,000 folders (twice), read the 8,000 lines and validate the 8.5 MB
schedule: seconds each on this machine, every time."""

from __future__ import annotations

import gc
import os
import shutil
import time
from pathlib import Path

import pytest

from tests.test_index_in_step import AGO_NS, _settled
from tests.test_read_from_index import many, run
from tests.test_scorelast10_steady_rescore import SCORE, _nothing_read_whole

__all__ = ["many"]  # the fixture, used by name below


def _only_scheduled(many: Path) -> None:
    """Without `many`'s ended sessions that have no readable scorecard (listed, never
    scheduled: the quick copy never holds exactly the list)."""
    for folder in (many / "recordings").glob("2*"):
        card = folder / "scorecard.json"
        ended = '"ended_at":null' not in (folder / "session.json").read_text().replace(" ", "")
        if ended and (not card.exists() or "{not json" in card.read_text()):
            shutil.rmtree(folder)


def _used_before(many: Path) -> None:
    """The recordings folder as in a workspace used before: its index folder made long ago,
    not by the run a moment ago (that made `.index`, which changes the folder list's stamp;
    a list changed a moment ago is never taken as settled, whatever the machine's speed).
    Only the folder list's stamp is set back: the index and the pending marks stay as the
    re-score just left them, which is what the re-scores after it must not wait for."""
    rec = many / "recordings"
    then = time.time_ns() - AGO_NS
    for folder in (rec, rec / ".index"):
        os.utime(folder, ns=(then, then), follow_symlinks=False)


def test_rescores_in_a_row_need_no_settling_nor_today(
    many: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "home-index"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    _only_scheduled(many)
    _settled(many, home)  # the folders were copied in a while ago; no index yet
    first = run(many, *SCORE)  # builds the index; the fixture's cards re-scored: rebuilt
    assert first[0] == 0, first
    gc.collect()  # that run's connections close now
    _used_before(many)
    shown = run(many, *SCORE)  # right after: finds the index in step and notes the copy
    assert shown[0] == 0, shown
    gc.collect()
    with monkeypatch.context() as m:
        _nothing_read_whole(m)
        assert run(many, *SCORE) == shown
        gc.collect()
        assert run(many, *SCORE) == shown
        gc.collect()
        assert run(many, "today", "--json")[0] == 0
    today = run(many, "today", "--json")
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home-fresh"))
    assert run(many, *SCORE) == shown  # what a new index and schedule of the folders say
    assert run(many, "today", "--json") == today
