"""Start-up stays fast: the CLI and the composition root load no heavy library at import."""

from __future__ import annotations

import json
import subprocess
import sys

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
