"""The read commands and `score last` say exactly what they said before they were made faster
(issue 18): the same text and the same JSON, byte for byte, as an earlier tree of roleplay run
beside this one on the same workspaces, one command after the other. Workspaces: empty, 20 and
300 scored sessions, a broken scenario and a broken rubric file, and an index damaged on disk.

The earlier tree is ROLEPLAY_BEFORE_SRC (a `src` folder), by default the round's baseline
checkout if this machine has one; without it the test is skipped (it is a check of a speed
change against what came before, not of behaviour on its own). It lives beside the benches, not
in tests/: a fresh clone has no earlier tree, so CI could only ever skip it. Run it with
`ROLEPLAY_BEFORE_SRC=/path/to/old/src python -m pytest bench/same_output_check.py` after any
change made for speed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AFTER = ROOT / "src"
BEFORE = Path(os.environ.get("ROLEPLAY_BEFORE_SRC", "/work/wt/before28/src"))

pytestmark = pytest.mark.skipif(
    not (BEFORE / "roleplay").is_dir() or BEFORE.resolve() == AFTER.resolve(),
    reason="no earlier roleplay tree to compare with (ROLEPLAY_BEFORE_SRC)",
)

READS = [
    ["--help"],
    ["scenarios"],
    ["scenarios", "--json"],
    ["sessions"],
    ["sessions", "--json"],
    ["show", "last"],
    ["show", "last", "--json"],
    ["today"],
    ["today", "--json"],
    ["progress"],
    ["progress", "--json"],
    ["progress", "--skill", "active-listening"],
]
SCORE = [["score", "last", "--judge", "offline"], ["score", "last", "--judge", "offline", "--json"]]


def _workspace(root: Path, sessions: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import cli_bench  # the bench's workspace: bundled files and scored sessions
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return cli_bench.make_workspace(root, sessions)


def _run(src: Path, home: Path, ws: Path, args: list[str]) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROLEPLAY_", "OPENAI_"))}
    env.update(
        PYTHONPATH=str(src),
        ROLEPLAY_HOME=str(home),
        ROLEPLAY_REP="ana",
        ROLEPLAY_TIMEZONE="UTC",
        COLUMNS="100",
    )
    done = subprocess.run(
        [sys.executable, "-m", "roleplay", "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    # Each tree has its own home (its own index): the paths and a moved file's stamp differ.
    said = [done.stdout, done.stderr]
    for i, text in enumerate(said):
        text = text.replace(str(home), "<HOME>")
        said[i] = re.sub(r"damaged-\d[\d-]*", "damaged-<STAMP>", text)
    return done.returncode, said[0], said[1]


def _compare(tmp: Path, ws: Path, commands: list[list[str]], damage: bool = False) -> None:
    homes = {"before": tmp / "home-before", "after": tmp / "home-after"}
    trees = {"before": BEFORE, "after": AFTER}
    if damage:  # each tree builds its index, which is then overwritten with garbage
        for label, home in homes.items():
            _run(trees[label], home, ws, ["today"])
            index = home / "data" / "index.sqlite"
            if index.exists():
                index.write_bytes(b"this is not a database" * 200)
    for args in commands:
        said = {label: _run(trees[label], homes[label], ws, args) for label in trees}
        if args[0] == "show" and "--json" not in args:  # numbered turns since stop 31, on purpose
            said = {k: (c, _unnumbered(out), err) for k, (c, out, err) in said.items()}
        assert said["after"] == said["before"], f"roleplay {' '.join(args)} differs"


# `show` numbers each transcript line as the scorecard cites it ("You (turn 3): ..."), a
# deliberate change of its text (readpath8): compared without the numbers, and without line
# breaks (a longer line wraps elsewhere); every other character must stay the same.
_TURN = re.compile(r" \(turn \d+\):")


def _unnumbered(text: str) -> str:
    return " ".join(_TURN.sub(":", text).split())


@pytest.mark.parametrize("sessions", [0, 20, 300])
def test_reads_say_what_they_said(tmp_path: Path, sessions: int) -> None:
    ws = _workspace(tmp_path, sessions)
    _compare(tmp_path, ws, READS)


def test_reads_with_broken_trainer_files_say_what_they_said(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, 20)
    (ws / "scenarios" / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    first = sorted((ws / "rubrics").glob("*.yaml"))[0]
    (ws / "rubrics" / "broken.yaml").write_text(first.read_text() + "\nnot_a_key: 3\n")
    _compare(tmp_path, ws, READS)


def test_reads_on_a_damaged_index_say_what_they_said(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, 20)
    _compare(tmp_path, ws, READS, damage=True)


def test_score_last_says_what_it_said(tmp_path: Path) -> None:
    """Each tree re-scores its own copy of the workspace (a re-score writes); what it writes
    is compared too: every scorecard, the index's rows and the schedule (and its quick copy)."""
    for args in SCORE:
        said, wrote = {}, {}
        for label, src in (("before", BEFORE), ("after", AFTER)):
            ws = tmp_path / label / "ws-20"
            if not ws.exists():
                ws = _workspace(tmp_path / label, 20)
            home = tmp_path / f"home-{label}"
            _run(src, home, ws, ["today"])
            code, out, err = _run(src, home, ws, args)
            said[label] = (code, out.replace(str(tmp_path / label), "<WS>"), err)
            wrote[label] = _written(ws, home)
        assert said["after"] == said["before"], f"roleplay {' '.join(args)} differs"
        for what in wrote["before"]:
            assert wrote["after"][what] == wrote["before"][what], f"{what} differs"


def _written(ws: Path, home: Path) -> dict[str, object]:
    """What a re-score writes: the scorecards (bytes), the index's sessions, criterion scores
    and skill cards (rows), the schedule and its quick copy (bytes, without the random mark
    each save writes at its head)."""
    import sqlite3

    cards = {p.parent.name: p.read_bytes() for p in (ws / "recordings").glob("*/scorecard.json")}
    origin = (ws / "recordings" / ".index" / "origin").read_text().strip()  # each copy's own
    db = sqlite3.connect(home / "data" / "index.sqlite")
    rows: dict[str, list[str]] = {}
    try:
        for table in ("sessions", "criterion_scores", "skill_cards"):
            cursor = db.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            rows[table] = sorted(  # without when it was indexed (the clock's, not the row's)
                repr([v for n, v in zip(names, r, strict=True) if n != "indexed_at"]).replace(
                    origin, "<ORIGIN>"
                )
                for r in cursor
            )
    finally:
        db.close()
    habit = {
        p.name[p.name.index(".json") :]: re.sub(rb'"written": ?"[0-9a-f]+"', b"", p.read_bytes())
        for p in (home / "data" / "habit").glob("*.json*")
        # (named by the workspace's path; the note names the index's list: this tree's stamps)
        if not p.name.endswith(".note")
    }
    return {"scorecards": cards, "index rows": rows, "schedule": habit}
