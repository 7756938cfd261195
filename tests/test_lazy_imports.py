"""Start-up stays fast: the CLI and the composition root load no heavy library at import."""

from __future__ import annotations

import json
import os
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


def test_show_redacts_secrets_without_building_the_review_service(workspace: Path) -> None:
    """`show` hides every known secret (here a token that happens to be a phrase the rep said)
    with the one redaction function, and loads none of the review service, its player, charts
    or templates to do it."""
    from tests.test_fast_commands import practise

    practise(workspace)
    watched = [
        "roleplay.services.review",
        "roleplay.adapters.audio_player",
        "roleplay.adapters.charts",
        "roleplay.adapters.html_templates",
        "roleplay.adapters.index_login",
    ]
    code = (
        "import atexit, json, sys\n"
        "from roleplay.cli.root import main\n"
        f"atexit.register(lambda: print(json.dumps([m for m in {watched!r} if m in sys.modules]),"
        " file=sys.stderr))\n"
        "main()\n"
    )
    env = {**os.environ, "CRM_TOKEN": "dispatch team", "ROLEPLAY_REP": "ana"}
    for args in (["show", "last"], ["show", "last", "--json"]):
        done = subprocess.run(
            [sys.executable, "-c", code, "--workspace", str(workspace), *args],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "dispatch team" not in done.stdout and "your ***" in done.stdout
        assert json.loads(done.stderr.strip().splitlines()[-1]) == []
