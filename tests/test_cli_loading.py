"""Commands load on first use: `--help` lists every command from cli/app.py's table without
importing a command module, and the table cannot drift from what the modules register."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

import roleplay.cli
from roleplay.cli import app
from roleplay.cli.app import COMMANDS


def _registered() -> dict[str, tuple[str, str]]:
    """Every command the modules under roleplay.cli register: name -> (module, summary)."""
    for info in pkgutil.iter_modules(roleplay.cli.__path__):
        importlib.import_module(f"roleplay.cli.{info.name}")
    found: dict[str, tuple[str, str]] = {}
    for command in app.registered_commands:
        assert command.callback is not None
        name = command.name or command.callback.__name__.replace("_", "-")
        text = command.help or inspect.getdoc(command.callback) or ""
        module = command.callback.__module__.removeprefix("roleplay.cli.")
        found[name] = (module, " ".join(text.split("\n\n")[0].split()))
    for group in app.registered_groups:
        sub = group.typer_instance
        assert sub is not None and group.name
        owner = next(
            m.removeprefix("roleplay.cli.")
            for m, mod in sys.modules.items()
            if m.startswith("roleplay.cli.") and any(v is sub for v in vars(mod).values())
        )
        text = inspect.cleandoc(str(sub.info.help))
        found[group.name] = (owner, " ".join(text.split("\n\n")[0].split()))
    return found


def test_the_table_names_every_command_its_module_and_its_summary() -> None:
    # A new command that is not in the table would never load; a changed summary would show
    # the old one in `--help`. Either way this fails and says which.
    registered = _registered()
    assert set(registered) == set(COMMANDS), "add the command to COMMANDS in cli/app.py"
    for name, (module, summary) in registered.items():
        assert COMMANDS[name] == (module, summary), name


def test_help_lists_every_command_with_its_summary() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    rows = result.output.split("Commands:")[1].splitlines()
    listed = [line.split()[0] for line in rows if line[2:3].strip()]  # not a wrapped line
    assert listed == list(COMMANDS)
    for name, (_, summary) in COMMANDS.items():
        assert " ".join(summary.split()[:6]) in " ".join(result.output.split()), name


def _modules_after(code: str) -> list[str]:
    """The modules of roleplay and typer loaded after running `code` in a fresh process."""
    # At exit: run as the program, the command line ends the process itself (after what is
    # registered to run at exit), so nothing after `main()` would run.
    code = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(sys.modules))))\n" + code
    )
    src = str(Path(roleplay.cli.__file__).parents[2])  # this checkout's code, wherever we run
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return [
        m for m in json.loads(out.stdout.splitlines()[-1]) if m.startswith(("roleplay", "typer"))
    ]


def test_help_imports_no_command_module() -> None:
    loaded = _modules_after(
        "import sys\nsys.argv = ['roleplay', '--help']\nfrom roleplay.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    modules = {m.removeprefix("roleplay.cli.") for m in loaded}
    assert "roleplay.cli.root" in loaded  # it did run
    assert not modules & {module for module, _ in COMMANDS.values()}, loaded


def test_the_app_imports_neither_typer_nor_a_command() -> None:
    loaded = _modules_after("import roleplay.tui.app")
    assert "roleplay.tui.app" in loaded
    assert not [m for m in loaded if m.startswith("typer") or m == "roleplay.cli.root"], loaded
    modules = {m.removeprefix("roleplay.cli.") for m in loaded}
    assert not modules & {module for module, _ in COMMANDS.values()}, loaded


def test_a_command_loads_when_it_runs(tmp_path: object) -> None:
    result = CliRunner().invoke(app, ["today", "--help"])
    assert result.exit_code == 0, result.output
    assert "Today's queue" in result.output
    assert isinstance(typer.main.get_command(app), typer.core.TyperGroup)


def test_bare_roleplay_at_a_terminal_opens_the_app_without_the_command_line(
    workspace: Path,
) -> None:
    """`roleplay` alone at a terminal: the app gets the services of the chosen workspace, and
    neither typer nor a command was loaded on the way (the first frame waits for neither)."""

    code = (
        "import sys, json\n"
        "sys.argv = ['roleplay']\n"
        "import roleplay.tui.app as tui\n"
        "def shown(services):\n"
        "    loaded = [m for m in sys.modules if m.startswith(('typer', 'roleplay.cli'))]\n"
        "    services = services() if callable(services) else services  # built after a frame\n"
        "    print(json.dumps([str(services.workspace.root), loaded]), flush=True)\n"
        "tui.run_app = shown  # the app itself is tested elsewhere; here: what opens it\n"
        "from roleplay.cli import main\n"
        "main()\n"
    )
    src = str(Path(roleplay.cli.__file__).parents[2])
    env = {**os.environ, "PYTHONPATH": src, "ROLEPLAY_WORKSPACE": str(workspace)}
    out = _at_a_terminal(code, env)
    root, loaded = json.loads(out.strip().splitlines()[-1])
    assert Path(root) == workspace
    commands = {f"roleplay.cli.{module}" for module, _ in COMMANDS.values()}
    assert "roleplay.cli.start" in loaded
    assert not [m for m in loaded if m.startswith("typer") or m in commands], loaded
    assert "roleplay.cli.root" not in loaded


def test_roleplay_with_a_workspace_at_a_terminal_opens_the_app_before_building(
    workspace: Path, tmp_path: Path
) -> None:
    """`roleplay -w PATH` alone at a terminal opens the app as bare `roleplay` does: the app
    gets a function that builds the services (after its first frame), on PATH."""

    code = (
        "import sys, json\n"
        f"sys.argv = ['roleplay', '-w', {str(workspace)!r}]\n"
        "import roleplay.tui.app as tui\n"
        "def shown(services):\n"
        "    deferred = callable(services)\n"
        "    services = services() if deferred else services\n"
        "    print(json.dumps([str(services.workspace.root), deferred]), flush=True)\n"
        "tui.run_app = shown  # the app itself is tested elsewhere; here: what opens it\n"
        "from roleplay.cli import main\n"
        "main()\n"
    )
    src = str(Path(roleplay.cli.__file__).parents[2])
    other = tmp_path / "elsewhere"  # the configured workspace: -w wins over it
    env = {**os.environ, "PYTHONPATH": src, "ROLEPLAY_WORKSPACE": str(other)}
    out = _at_a_terminal(code, env)
    root, deferred = json.loads(out.strip().splitlines()[-1])
    assert Path(root) == workspace
    assert deferred is True


def _at_a_terminal(code: str, env: dict[str, str]) -> str:
    """Run `python -c code` with a terminal for its input and output; what it printed."""
    import pty

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            stdin=follower,
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return os.read(leader, 65536).decode()
    finally:
        os.close(leader)
        os.close(follower)
