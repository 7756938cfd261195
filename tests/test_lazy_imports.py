"""Start-up stays fast: the CLI and the composition root load no heavy library at import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import roleplay

HEAVY = [
    "openai",
    "faster_whisper",
    "ctranslate2",
    "numpy",
    "sounddevice",
    "pyttsx3",
    "textual",
    "onnxruntime",
    "sqlalchemy",
    "alembic",
    "matplotlib",
]


def test_cli_and_services_import_no_heavy_library() -> None:
    code = (
        "import sys, json\n"
        "import roleplay.cli, roleplay.composition\n"
        "from roleplay.composition import build\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_a_python_a_test_starts_runs_this_checkouts_code(tmp_path: Path) -> None:
    """Child processes (`python -m roleplay`, the probes above) test this tree, not an
    installed copy from another checkout, wherever they run and whatever PYTHONPATH said."""
    here = Path(__file__).resolve().parents[1] / "src" / "roleplay" / "__init__.py"
    assert Path(roleplay.__file__).resolve() == here
    code = "import roleplay; print(roleplay.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert Path(out.stdout.strip()).resolve() == here
