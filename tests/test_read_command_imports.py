"""A read command loads only what it runs (issue 18): the YAML parser when no trainer file
changed, the file lock when nothing is written, the scheduler when no card is rated, the
call, report and retention services, and every heavy library stay out of `scenarios`,
`sessions`, `show`, `today` and `progress`. Each of them cost a command milliseconds that a
rep waits for; this keeps them from coming back through an import at the top of a module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fresh_cli import SRC, python, watching
from tests.test_fast_commands import practise
from tests.test_lazy_imports import HEAVY

NOT_FOR_READING = [
    *HEAVY,
    "yaml",  # the catalog comes from the cache when no file changed
    "roleplay.domain.loading",
    "filelock",  # only a write takes the recordings' lock
    "roleplay.services.engine",  # a call's machinery
    "roleplay.services.drill_call",
    "roleplay.services.end_of_call",
    "roleplay.services.report",
    "roleplay.services.retention",
    "roleplay.adapters.openai_llm",
    "logging.handlers",  # the log file opens for the first record written (none here)
    "roleplay.services.calibration",  # the judge's agreement with trainers
    "roleplay.domain.coaching",  # only when a call is scored
    "roleplay.domain.review",  # a reviewer's comments: read by review commands only
    "roleplay.domain.history",
    "roleplay.presentation.assignments",  # a rep alone has no assignments to show
    "importlib.metadata",  # pydantic's plugin lookup, switched off (cli/no_plugins.py)
    "roleplay.domain.call_drill",  # making drills from real calls (today reads its prefix only)
    "roleplay.services.ports.customer",  # the customer speaks in a call only
    "roleplay.services.scoring",  # the LLM judge's fallback: no LLM here, and nothing scored
]
# The read commands see the catalog's summary (services/catalog_summary.py): no scenario or
# rubric model is built, and the catalog's own types load only when a file changed.
SCENARIO_MODELS = [
    "roleplay.domain.scenario",
    "roleplay.domain.rubric",
    "roleplay.domain.scenario_tests",
    "roleplay.domain.signals",
    "roleplay.services.catalog",
]
NOT_FOR_READING = [*NOT_FOR_READING, *SCENARIO_MODELS]
# `today` draws no series: progress's day-by-day, KPI and commitment series stay out.
NOT_FOR_TODAY = [*NOT_FOR_READING, "roleplay.domain.progress"]
# The scheduler (fsrs) is the habit's: the lists need it not.
NOT_FOR_LISTS = [*NOT_FOR_READING, "fsrs", "roleplay.domain.schedule"]
# `scenarios` reads trainer files only: the index (and sqlite3) is not looked at.
NOT_FOR_SCENARIOS = [*NOT_FOR_LISTS, "sqlite3", "roleplay.adapters.index_peek"]
# `sessions` reads records and scores, no trainer file.
NOT_FOR_SESSIONS = NOT_FOR_LISTS


def loaded(ws: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    watched = sorted({*NOT_FOR_SESSIONS, *NOT_FOR_SCENARIOS, *NOT_FOR_TODAY})
    return watching(ws, watched, *args)


@pytest.mark.parametrize(
    ("args", "shown", "unwanted"),
    [
        (["scenarios"], "discovery-spin", NOT_FOR_SCENARIOS),
        (["sessions"], "discovery-spin", NOT_FOR_SESSIONS),
        (["show", "last"], "dispatch team", NOT_FOR_LISTS),
        (["today"], "Today,", NOT_FOR_TODAY),
        (["progress"], "discovery", NOT_FOR_READING),
    ],
)
def test_a_read_command_loads_only_what_it_runs(
    workspace: Path, args: list[str], shown: str, unwanted: list[str]
) -> None:
    practise(workspace)  # one scored session, so each command has something to show
    loaded(workspace, *args)  # the first run fills the catalog cache and saves the schedule
    done, modules = loaded(workspace, *args)
    assert done.returncode == 0, done.stderr
    assert shown in done.stdout
    assert [m for m in modules if m in unwanted] == []


def test_today_knows_a_drill_made_from_a_real_call_by_the_prefix_that_makes_it() -> None:
    """`today` keeps its own copy of the prefix (not to load the drill maker to read it)."""
    from roleplay.domain.call_drill import DRILL_PREFIX
    from roleplay.services import daily

    assert daily.DRILL_PREFIX == DRILL_PREFIX


def test_score_last_writes_a_local_index_without_sqlalchemy(workspace: Path) -> None:
    """`score last` writes the scorecard and the index; a rep's local index that is already
    at the newest schema is written with stdlib sqlite3 (the rows are the same:
    tests/contracts/test_index_writers.py), so SQLAlchemy and Alembic stay out."""
    practise(workspace)  # one scored session; its index is created (by SQLAlchemy) here
    done, modules = loaded(workspace, "score", "last", "--judge", "offline")
    assert done.returncode == 0, done.stderr
    assert "Overall" in done.stdout or "overall" in done.stdout
    assert [m for m in modules if m in ("sqlalchemy", "alembic")] == []


def test_the_garbage_collector_runs_again_once_the_command_runs(workspace: Path) -> None:
    """The entry point holds the cyclic collector off while the command starts (it would only
    scan what start-up loaded, ~100,000 objects, again and again); once the command's module
    is loaded it collects again, so a long call or a big reindex frees its cycles."""
    probe = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('collecting', gc.isenabled(), gc.get_freeze_count() > 0,"
        " file=sys.stderr))\n"
        "from roleplay.cli.start import main\n"
        "sys.argv = ['roleplay', *sys.argv[1:]]\n"
        "main()\n"
    )
    done = python("-c", probe, "--workspace", str(workspace), "scenarios")
    assert done.returncode == 0, done.stderr
    assert "discovery-spin" in done.stdout
    assert "collecting True True" in done.stderr


def _plugin_site(tmp_path: Path) -> Path:
    """A folder on the path where an installed package registers a pydantic plugin
    (`spy_plugin`, whose module the test writes)."""
    site = tmp_path / "site"
    (site / "spy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "spy_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n"
    )
    (site / "spy_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[pydantic]\nspy = spy_plugin:plugin\n"
    )
    return site


@pytest.mark.parametrize(("setting", "plugin_loads"), [(None, False), ("other-plugin", True)])
def test_a_command_does_not_look_for_pydantic_plugins(
    workspace: Path, tmp_path: Path, setting: str | None, plugin_loads: bool
) -> None:
    """pydantic would read the entry points of every installed package (10-20 ms a command)
    and load any plugin registered there; roleplay uses none, so a command loads none. Someone
    who switches off only some plugins (PYDANTIC_DISABLE_PLUGINS names them) keeps the rest."""
    site = _plugin_site(tmp_path)
    marker = tmp_path / "loaded"
    (site / "spy_plugin.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('yes')\n"
        "class Plugin:\n"
        "    def new_schema_validator(self, *args, **kwargs):\n"
        "        return None, None, None\n"
        "plugin = Plugin()\n"
    )
    done = python(
        *("-m", "roleplay", "--workspace", str(workspace), "scenarios"),
        src=os.pathsep.join([SRC, str(site)]),
        env={"PYDANTIC_DISABLE_PLUGINS": setting},  # None: unset
    )
    assert done.returncode == 0, done.stderr
    assert "discovery-spin" in done.stdout
    assert marker.exists() == plugin_loads


def test_pydantic_finds_plugins_again_once_they_are_switched_back_on(tmp_path: Path) -> None:
    """The stand-in for pydantic's plugin lookup answers "none" only while the setting
    switches every plugin off; a program that switches them back on gets pydantic's own."""
    site = _plugin_site(tmp_path)
    (site / "spy_plugin.py").write_text(
        "seen = []\n"
        "class Plugin:\n"
        "    def new_schema_validator(self, schema, *args, **kwargs):\n"
        "        seen.append(1)\n"
        "        return None, None, None\n"
        "plugin = Plugin()\n"
    )
    code = (
        "import os, sys\n"
        "from roleplay.cli.no_plugins import skip_plugin_lookup\n"
        "skip_plugin_lookup()\n"
        "from pydantic import BaseModel\n"
        "class A(BaseModel):\n"
        "    x: int\n"
        "assert 'importlib.metadata' not in sys.modules and 'spy_plugin' not in sys.modules\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = 'other'\n"
        "class B(BaseModel):\n"
        "    y: int\n"
        "import spy_plugin\n"
        "print(len(spy_plugin.seen))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, str(site)])}
    env["PYDANTIC_DISABLE_PLUGINS"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"  # B's validator went through the plugin, A's did not


def test_a_warning_still_reaches_the_log_file_redacted(tmp_path: Path) -> None:
    """The log file opens for the first record (not at start-up), and that record is
    written, redacted, to the same rotating file as before."""
    code = (
        "import logging, sys\n"
        "from roleplay.config import setup_logging\n"
        "path = setup_logging()\n"
        "assert path is not None and path.exists()  # a folder that cannot be written says so now\n"
        "assert 'logging.handlers' not in sys.modules\n"
        "logging.getLogger('roleplay.x').warning('the server said no to %s', 'sk-secret-123')\n"
        "print(path)\n"
    )
    done = python(
        "-c", code, env={"ROLEPLAY_HOME": str(tmp_path), "ROLEPLAY_LLM_API_KEY": "sk-secret-123"}
    )
    assert done.returncode == 0, done.stderr
    written = Path(done.stdout.strip()).read_text("utf-8")
    assert "WARNING roleplay.x: the server said no to" in written
    assert "sk-secret-123" not in written
