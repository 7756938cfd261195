"""The workspace's change log (`recordings/.index/changes`), written and read by several homes
at once, in real processes. Before, it only grew: a line per write, for good, in a team
workspace used daily; now a writer compacts it past a size (one line per session), and
every home still reads every change another home made, exactly once past what it had read."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from roleplay.adapters import change_log
from roleplay.adapters.change_log import SeenChanges

ORIGIN = "workspace"


def _home(meta: str, name: str, rounds: int, pool: int, limit: int, barrier: Any, out: Any) -> None:
    """One home in its own process: writes (a session of its own and one of a few shared
    ones, as re-scores and comments do), and reads what the others wrote after each write,
    noting how far in its data folder (as an index does). Reports what it read and the
    largest the log was."""
    change_log.COMPACT_AT = limit
    folder = Path(meta)
    notes = SeenChanges(folder.parent / f"{name}.notes", "index")
    read: set[str] = set()
    largest = 0
    barrier.wait()
    for n in range(rounds):
        mine = {f"{name}-{n}"} if pool == 0 else set()
        change_log.append(folder, {*mine, f"shared-{n % max(pool, 13)}"}, writer=name)
        largest = max(largest, (folder / change_log.LOG).stat().st_size)
        ids, to = change_log.read(folder, notes.get(ORIGIN), not_from=name)
        read |= ids
        if to is not None:
            notes.put(ORIGIN, to)
    barrier.wait()  # every home has written all it will: what is left to read is all there
    ids, _ = change_log.read(folder, notes.get(ORIGIN), not_from=name)
    out.put((name, sorted(read | ids), largest))


def _run_homes(meta: Path, homes: int, rounds: int, pool: int, limit: int) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(homes)
    out = ctx.Queue()
    names = [f"home{h}" for h in range(homes)]
    procs = [
        ctx.Process(target=_home, args=(str(meta), name, rounds, pool, limit, barrier, out))
        for name in names
    ]
    for p in procs:
        p.start()
    found = {}
    for _ in procs:
        name, read, largest = out.get(timeout=600)
        found[name] = (set(read), largest)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return found


def test_homes_writing_and_compacting_at_once_miss_no_change_of_another(tmp_path: Path) -> None:
    meta = tmp_path / ".index"
    meta.mkdir()
    rounds = 250
    found = _run_homes(meta, homes=4, rounds=rounds, pool=0, limit=1024)
    for name, (read, _) in found.items():
        others = {f"{o}-{n}" for o in found if o != name for n in range(rounds)}
        assert others - read == set(), f"{name} missed changes of other homes"
        assert not {i for i in read if i.startswith(f"{name}-")}  # its own: no news to it
    first = (meta / change_log.LOG).read_bytes().split(b"\n", 1)[0]
    assert first.startswith(b"#changes ")  # it was compacted while they wrote and read


def test_the_log_stays_small_while_homes_keep_rewriting_the_same_sessions(
    tmp_path: Path,
) -> None:
    meta = tmp_path / ".index"
    meta.mkdir()
    limit, rounds = 4096, 600
    found = _run_homes(meta, homes=3, rounds=rounds, pool=20, limit=limit)
    written = 3 * rounds * len("shared-10 home0\n")
    assert written > 6 * limit  # what the log held before, at the end: every write's line
    for read, largest in found.values():
        # The limit, and at most a line of each home appending while another compacts.
        assert largest <= limit + 3 * len("shared-10 home0\n")
        assert read == {f"shared-{n}" for n in range(20)}
    assert (meta / change_log.LOG).stat().st_size <= limit


def _log(meta: Path, *lines: str, compact_at: int | None = None) -> None:
    for line in lines:
        session, writer = line.split()
        change_log.append(meta, [session], writer=writer, compact_at=compact_at)


def test_a_home_reads_only_what_is_new_after_a_compaction(tmp_path: Path) -> None:
    """A home that had read to the end before another compacted the log reads on from where it
    was, not the whole log again (every one of those sessions indexed again)."""
    meta = tmp_path / "meta"
    meta.mkdir()
    _log(meta, *(f"s{n} b" for n in range(10)))
    _, seen = change_log.read(meta, None, not_from="a")
    _log(meta, "s1 b", "s2 b", "new b", compact_at=40)  # compacted at the first of these
    assert (meta / change_log.LOG).read_bytes().startswith(b"#changes ")
    assert change_log.unread(meta, seen)
    ids, seen = change_log.read(meta, seen, not_from="a")
    assert ids == {"s1", "s2", "new"}
    assert not change_log.unread(meta, seen)
    assert change_log.read(meta, seen, not_from="a")[0] == set()


def test_a_home_two_compactions_behind_still_reads_every_change(tmp_path: Path) -> None:
    meta = tmp_path / "meta"
    meta.mkdir()
    _log(meta, *(f"s{n} b" for n in range(10)))
    _, seen = change_log.read(meta, None, not_from="a")
    generations = set()
    for n in range(60):  # compacted several times: this home's generation is long gone
        _log(meta, f"later{n % 7} b", f"mine{n} a", compact_at=40)
        generations.add((meta / change_log.LOG).read_bytes().split(b"\n", 1)[0])
    assert len(generations) > 2
    ids, _ = change_log.read(meta, seen, not_from="a")
    assert {f"later{n}" for n in range(7)} <= ids
    assert not {i for i in ids if i.startswith("mine")}


def test_a_session_several_homes_wrote_is_read_by_each_after_a_compaction(
    tmp_path: Path,
) -> None:
    """Compacted to one line, a session two homes wrote is still another's change to each of
    them (a home's own writes are not news to it: before the compaction they are skipped)."""
    meta = tmp_path
    _log(meta, "s1 a", "s1 b", "s2 a")
    _, seen_a = change_log.read(meta, None, not_from="a")
    _, seen_b = change_log.read(meta, None, not_from="b")
    _log(meta, "s2 a", "s1 b")  # after both read: s2 is a's news to b, s1 b's news to a
    assert change_log.read(meta, seen_a, not_from="a")[0] == {"s1"}
    assert change_log.read(meta, seen_b, not_from="b")[0] == {"s2"}
    _log(meta, "s3 c", compact_at=20)  # compacted: s1 and s2 are one line each
    assert (meta / change_log.LOG).read_bytes().count(b"s1 ") == 1
    assert "s1" in change_log.read(meta, seen_a, not_from="a")[0]
    assert "s2" in change_log.read(meta, seen_b, not_from="b")[0]


WRITER = """
import sys
from pathlib import Path
from roleplay.adapters import change_log
meta, name = Path(sys.argv[1]), sys.argv[2]
n = 0
while True:
    change_log.append(meta, [f"{name}-{n}", f"shared-{n % 5}"], writer=name, compact_at=300)
    print(f"{name}-{n}", flush=True)
    n += 1
"""


def test_a_writer_killed_while_compacting_loses_no_line(tmp_path: Path) -> None:
    """Writers compacting all the time, killed (SIGKILL) at some point of their work: every
    line a writer had appended is still in the log, and no half-written file is left."""
    meta = tmp_path / "meta"
    meta.mkdir()
    written: set[str] = set()
    for round_ in range(6):
        survivor = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(meta), f"live{round_}"], stdout=subprocess.PIPE
        )
        victim = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(meta), f"killed{round_}"], stdout=subprocess.PIPE
        )
        for proc, lines in ((victim, 20 + 15 * round_), (survivor, 30)):
            assert proc.stdout is not None
            for _ in range(lines):
                written.add(proc.stdout.readline().decode().strip())
        os.kill(victim.pid, signal.SIGKILL)
        survivor.terminate()
        for proc in (victim, survivor):
            proc.wait(timeout=60)
            assert proc.stdout is not None
            written |= {line.decode().strip() for line in proc.stdout if line.endswith(b"\n")}
    ids, _ = change_log.read(meta, None)
    assert written - ids == set()
    head = (meta / change_log.LOG).read_bytes().split(b"\n", 1)[0]
    n = 0
    while (meta / change_log.LOG).read_bytes().split(b"\n", 1)[0] == head:
        change_log.append(meta, [f"last{n}"], writer="x", compact_at=300)  # until compacted:
        n += 1
    assert sorted(p.name for p in meta.iterdir()) == ["changes"]  # no leftover is kept
