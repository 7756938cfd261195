"""Is a change to the scheduler better, learner by learner? A paired comparison of two trees.

The medians bench/scheduler_sim.py prints move by a day between seeds for the same code (one
median of 200 learners, each a whole number of days), so a change worth a fraction of a day
cannot be told from noise there. This runs the `scheduler` strategy of scheduler_sim.py in
this tree and in another (e.g. main's checkout) on the same learners, with the same judge, and
prints the mean change in days to every skill at each threshold, with its standard error.
Both trees must have the same learner model (their checksums are compared).

The other tree's days can be kept in a file (`--cache`) so that trying several changes against
the same baseline simulates it once (on this 2-core machine, 200 learners and six seeds take
several minutes a tree when it is busy); the file is reused only for the same tree, commit,
seeds and number of learners, so use it for a tree that does not change (a baseline checkout).

    python3 bench/scheduler_paired.py --other /work/wt/before26 [--learners 200] [--seeds 1,2,3]
        [--cache /tmp/main-days.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

# Run inside one tree (its src first on the path): days to every skill, per learner.
CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1] + "/bench")
import scheduler_sim as sim
seeds, learners = [int(s) for s in sys.argv[2].split(",")], int(sys.argv[3])
days = {
    seed: [
        [o.days_to_all.get(th, sim.HORIZON + 1) for th in sim.THRESHOLDS]
        for o in (sim.run("scheduler", seed * 100_003 + n, sim.Model()) for n in range(learners))
    ]
    for seed in seeds
}
print(json.dumps({"checksum": sim.learner_checksum(), "thresholds": sim.THRESHOLDS, "days": days}))
"""


def days_in(tree: Path, seeds: str, learners: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), seeds, str(learners)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, Any] = json.loads(out.stdout)
    return found


def cached_days_in(tree: Path, seeds: str, learners: int, cache: Path | None) -> dict[str, Any]:
    """days_in, kept in `cache` for the same tree, commit, seeds and learners."""
    if cache is None:
        return days_in(tree, seeds, learners)
    head = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    key = {"tree": str(tree), "commit": head, "seeds": seeds, "learners": learners}
    if cache.exists():
        kept = json.loads(cache.read_text())
        if kept.get("key") == key:
            found: dict[str, Any] = kept["found"]
            return found
    found = days_in(tree, seeds, learners)
    cache.write_text(json.dumps({"key": key, "found": found}))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--other", type=Path, required=True, help="the tree to compare with")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument(
        "--cache", type=Path, help="keep the other tree's days in this file (see the docstring)"
    )
    args = parser.parse_args()
    print(f"Simulating {args.learners} learners in both trees...", file=sys.stderr, flush=True)
    this = days_in(REPO, args.seeds, args.learners)
    other = cached_days_in(args.other.resolve(), args.seeds, args.learners, args.cache)
    if this["checksum"] != other["checksum"]:
        sys.exit(f"the learner models differ ({this['checksum']} here, {other['checksum']})")
    print(
        f"days to every skill, this tree minus {args.other} (negative: fewer drills), "
        f"{args.learners} learners a seed, learner model sha256 {this['checksum']}"
    )
    pooled: dict[int, list[int]] = {}
    for seed in this["days"]:
        cells = []
        pairs = list(zip(this["days"][seed], other["days"][seed], strict=True))
        for i, th in enumerate(this["thresholds"]):
            diff = [a[i] - b[i] for a, b in pairs]
            pooled.setdefault(i, []).extend(diff)
            cells.append(f">= {th}: {_mean(diff)}")
        print(f"  seed {seed}: " + " · ".join(cells))
    ths = this["thresholds"]
    print("  all:    " + " · ".join(f">= {ths[i]}: {_mean(d)}" for i, d in pooled.items()))


def _mean(diff: list[int]) -> str:
    se = statistics.stdev(diff) / math.sqrt(len(diff)) if len(diff) > 1 else float("nan")
    return f"{statistics.fmean(diff):+.2f} days (se {se:.2f})"


if __name__ == "__main__":
    main()
