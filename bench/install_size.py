"""What installing roleplay costs: time and disk in a fresh virtualenv, and what each direct
dependency adds.

    python3 bench/install_size.py [--extras EXTRA,...] [--python /usr/bin/python3]

Makes a fresh virtualenv in a temporary folder, times `pip install .` into it (pip's download
cache is used when warm: the figure is install time, not download time), then attributes every
installed distribution to the direct dependencies that pull it in. "alone" is what only that
dependency brings (removing it would save that much); "shared" is what it needs that others
need too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

# Run inside the new virtualenv: every distribution's size and requirements.
PROBE = r"""
import importlib.metadata as md, json, re, os
from packaging.requirements import Requirement
out = {}
for d in md.distributions():
    name = re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower()
    size = 0
    for f in d.files or ():
        p = d.locate_file(f)
        try:
            size += os.path.getsize(p)
        except OSError:
            pass
    reqs = []
    for r in d.requires or ():
        req = Requirement(r)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            reqs.append(re.sub(r"[-_.]+", "-", req.name).lower())
            reqs.extend(f"{reqs[-1]}[{e}]" for e in req.extras)
    extras = {}
    for e in d.metadata.get_all("Provides-Extra") or ():
        extras[e] = [re.sub(r"[-_.]+", "-", Requirement(r).name).lower()
                     for r in d.requires or ()
                     if Requirement(r).marker is not None
                     and Requirement(r).marker.evaluate({"extra": e})]
    out[name] = {"size": size, "requires": reqs, "extras": extras}
print(json.dumps(out))
"""


def norm(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def closure(start: str, graph: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        n = todo.pop()
        if "[" in n:  # a requirement with an extra: what that extra adds
            base, extra = n[:-1].split("[")
            todo.extend(graph.get(base, {}).get("extras", {}).get(extra, []))
            n = base
        if n in seen or n not in graph:
            continue
        seen.add(n)
        todo.extend(graph[n]["requires"])
    return seen


def megabytes(names: set[str], graph: dict[str, Any]) -> float:
    return sum(int(graph[n]["size"]) for n in names) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python", default=sys.executable, help="interpreter for the venv")
    ap.add_argument("--extras", default="", help="extras to install too, e.g. team,calibrate")
    args = ap.parse_args()
    target = f".[{args.extras}]" if args.extras else "."
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([args.python, "-m", "venv", str(venv)], check=True)
        py = str(venv / "bin" / "python")
        subprocess.run([py, "-m", "pip", "install", "-q", "packaging"], check=True)
        before = json.loads(
            subprocess.run([py, "-c", PROBE], capture_output=True, text=True, check=True).stdout
        )
        started = time.perf_counter()
        subprocess.run(
            [py, "-m", "pip", "install", "-q", "--disable-pip-version-check", target],
            cwd=REPO,
            check=True,
        )
        took = time.perf_counter() - started
        graph = json.loads(
            subprocess.run([py, "-c", PROBE], capture_output=True, text=True, check=True).stdout
        )
    ours: dict[str, Any] = {n: v for n, v in graph.items() if n not in before}
    total = sum(int(v["size"]) for v in ours.values())
    direct = [r for r in graph["roleplay"]["requires"] if "[" not in r]
    named = graph["roleplay"]["requires"]
    reach = {
        d: set().union(*(closure(r, ours) for r in named if r.split("[")[0] == d)) for d in direct
    }
    print(
        f"install {target} into a fresh venv: {took:.0f} s, {total / 1e6:.0f} MB "
        f"in {len(ours)} distributions (pip cache warm)"
    )
    print(f"{'direct dependency':<24}{'alone MB':>10}{'shared MB':>11}  brings")
    rows = []
    for d in direct:
        others = set().union(*(reach[o] for o in direct if o != d))
        alone = reach[d] - others
        shared = reach[d] & others
        rows.append((megabytes(alone, ours), megabytes(shared, ours), d, sorted(alone - {d})))
    for alone_mb, shared_mb, d, brings in sorted(rows, reverse=True):
        more = ", ".join(brings[:6]) + (" ..." if len(brings) > 6 else "")
        print(f"{d:<24}{alone_mb:>10.1f}{shared_mb:>11.1f}  {more}")


if __name__ == "__main__":
    main()
