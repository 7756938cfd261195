"""The workspace's change log (`recordings/.index/changes`) after a team's months of writes:
its size, and what a home that has read nothing yet (a new rep, a new index) reads of it, for
two source trees. Sizes, not times: they do not move with the machine's load.

    python3 bench/change_log_bench.py [--sessions 8000] [--writes 60000] [--homes 4]
                                      [--before /work/wt/before36/src] [--after src]

Each write (a new session, a re-score, a comment, a commitment) appends the session's line,
as the index does after it indexed the session: a new session is written once, then a few
in ten of the writes go back to an older one (the newest hundred most often).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ONE_TREE = """
import json, random, sys
from pathlib import Path
from roleplay.adapters import change_log
meta, sessions, writes, homes = Path(sys.argv[1]), *map(int, sys.argv[2:5])
rng = random.Random(36)
made = 0
for n in range(writes):
    if made < sessions and (made == 0 or rng.random() < sessions / writes):
        made += 1
        session = made
    elif rng.random() < 0.7:
        session = rng.randint(max(1, made - 100), made)
    else:
        session = rng.randint(1, made)
    home = f"home{rng.randrange(homes)}"
    change_log.append(meta, [f"2026{session:08d}-discovery-spin"], writer=home)
size = (meta / change_log.LOG).stat().st_size
ids, _ = change_log.read(meta, None)
print(json.dumps({"size": size, "lines": (meta / change_log.LOG).read_bytes().count(b"\\n"),
                  "named": len(ids)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8000)
    parser.add_argument("--writes", type=int, default=60000)
    parser.add_argument("--homes", type=int, default=4)
    parser.add_argument("--before", type=Path, default=Path("/work/wt/before36/src"))
    parser.add_argument("--after", type=Path, default=Path(__file__).resolve().parents[1] / "src")
    args = parser.parse_args()
    print(f"{args.sessions} sessions, {args.writes} writes by {args.homes} homes")
    print(f"  {'':<8} {'log KB':>8} {'lines':>8} {'sessions named':>15}")
    for label, src in (("before", args.before), ("after", args.after)):
        with tempfile.TemporaryDirectory() as meta:
            sizes = [str(args.sessions), str(args.writes), str(args.homes)]
            done = subprocess.run(
                [sys.executable, "-c", ONE_TREE, meta, *sizes],
                env={"PYTHONPATH": str(src.resolve()), "PATH": "/usr/bin:/bin"},
                capture_output=True,
                text=True,
                check=True,
            )
        found = json.loads(done.stdout)
        print(f"  {label:<8} {found['size'] / 1024:>8.0f} {found['lines']:>8} {found['named']:>15}")
    print("  (a new home reads the whole log once; every home reads what it has not read yet)")


if __name__ == "__main__":
    main()
