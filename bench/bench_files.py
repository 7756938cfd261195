"""What the benches share: the repository they measure, and a workspace made of its bundled
scenarios and rubrics with an empty recordings folder (as the tests' `workspace` fixture is).

A bench imports it as `from bench_files import REPO, workspace`: `python3 bench/X.py` puts
bench/ first on the import path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def workspace(root: Path) -> Path:
    ws = root / "ws"
    shutil.copytree(REPO / "scenarios", ws / "scenarios")
    shutil.copytree(REPO / "rubrics", ws / "rubrics")
    (ws / "recordings").mkdir()
    return ws
