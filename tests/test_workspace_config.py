"""Where roleplay finds its files, and how settings are read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.cli import app, main
from roleplay.config import ConfigError, Settings, config_file, load_settings, resolve_workspace

runner = CliRunner()


def test_current_folder_with_scenarios_is_the_workspace(
    mini_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_workspace)
    ws = resolve_workspace(Settings())
    assert (ws.root, ws.origin) == (mini_workspace.resolve(), "cwd")


def test_configured_workspace_is_used_outside_one(mini_workspace: Path) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text(f'workspace = "{mini_workspace}"\nrep = "Ola"\n')
    settings = load_settings()
    assert settings.rep_name == "Ola"
    assert resolve_workspace(settings).root == mini_workspace.resolve()


def test_first_run_seeds_a_workspace_in_the_user_data_folder(isolated_user_dirs: Path) -> None:
    result = runner.invoke(app, ["scenarios", "--json"])
    assert result.exit_code == 0, result.output
    seeded = isolated_user_dirs / "data" / "workspace"
    assert len(list((seeded / "scenarios").glob("*.yaml"))) >= 7
    assert (seeded / "rubrics" / "discovery.yaml").exists()
    # Gold calls come too, so `roleplay calibrate` works and trainers can add their own.
    assert len(list((seeded / "gold").glob("*/*.yaml"))) >= 48
    assert stat.S_IMODE((seeded / "recordings").stat().st_mode) == 0o700
    # A trainer's edits survive later runs: seeding never overwrites.
    edited = seeded / "scenarios" / "discovery-spin.yaml"
    edited.write_text(edited.read_text().replace("version: 1", "version: 2", 1))
    runner.invoke(app, ["scenarios"])
    assert "version: 2" in edited.read_text()


def test_environment_overrides_the_config_file(
    mini_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text('rep = "from-file"\n')
    monkeypatch.setenv("ROLEPLAY_REP", "from-env")
    assert load_settings().rep_name == "from-env"


def test_misspelt_setting_names_the_file_and_the_fix() -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text('wrokspace = "/tmp"\n')
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(config_file()) in str(err.value) and "did you mean 'workspace'" in str(err.value)


def test_broken_toml_is_reported_by_the_cli_without_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text("rep = \n")
    monkeypatch.setattr("sys.argv", ["roleplay", "sessions"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "not valid TOML" in err and str(config_file()) in err and "Traceback" not in err


def test_session_files_are_private_to_the_owner(mini_workspace: Path) -> None:
    runner.invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini"],
        input="Hello, how is business?\n/end\n",
    )
    [folder] = list((mini_workspace / "recordings").glob("[!.]*"))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for f in folder.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name
    assert os.access(folder / "session.json", os.R_OK)


def test_bare_roleplay_offers_the_scenarios_and_starts_one(mini_workspace: Path) -> None:
    result = runner.invoke(
        app, ["--workspace", str(mini_workspace)], input="1\nHello, how is business?\n/end\n"
    )
    assert result.exit_code == 0, result.output
    assert "1. Mini scenario" in result.output and "Dana:" in result.output
    assert "Scorecard" in result.output


# --- a config file that is not UTF-8 (issue 11: file, line, what was expected, what to do) --

LATIN1 = 'timezone = "UTC"\nrep = "Ren\xe9e"\n'.encode("latin-1")


def test_a_config_file_that_is_not_utf8_names_the_file_the_line_and_the_fix(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_bytes(LATIN1)
    monkeypatch.setattr("sys.argv", ["roleplay", "today"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"{config_file()}:2:11: not UTF-8 (byte 0xE9)" in err
    assert "must be saved as UTF-8" in err and "re-save it as UTF-8" in err
    assert "Traceback" not in err and "UnicodeDecodeError" not in err
    assert config_file().read_bytes() == LATIN1  # nothing was changed


def test_a_utf8_config_file_with_a_byte_order_mark_is_read() -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_bytes('\ufeffrep = "Renée"\n'.encode())
    assert load_settings().rep_name == "Renée"


def test_doctor_reports_a_config_file_that_is_not_utf8_as_a_finding() -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_bytes(LATIN1)
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    first = result.output.splitlines()[0]
    assert first.startswith(f"[FAIL] config: {config_file()}:2:11: not UTF-8")
    assert "-> re-save it as UTF-8" in first
    assert "] audio: " in result.output  # the sound system is checked anyway
    assert "checked once the config file can be read" in result.output


# --- rep names: one line, not blank, wherever they are entered --------------------------


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ('rep = "Ann\\nSmith"', "rep: the name 'Ann\\nSmith' holds a line break (U+000A)"),
        ('rep = " "', "rep: the name ' ' is empty or only spaces; give a name, e.g. 'Ann Smith'"),
        (
            'rep = "Ann\\u001b[31m"',
            "rep: the name 'Ann\\x1b[31m' holds a control character (U+001B)",
        ),
    ],
)
def test_a_rep_name_that_is_not_one_line_of_text_is_refused_in_the_config(
    toml: str, said: str
) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text(toml + "\n")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert f"{config_file()}: {said}" in str(err.value)


def test_spaces_around_a_rep_name_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text('rep = "  Ann Smith "\n')
    assert load_settings().rep_name == "Ann Smith"
    monkeypatch.setenv("ROLEPLAY_REP", " ")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith("ROLEPLAY_REP (environment variable): rep: the name ' '")


def test_a_rep_name_with_a_line_break_on_the_command_line_is_refused(
    mini_workspace: Path,
) -> None:
    result = runner.invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--rep", "Ann\nBob"],
        input="/end\n",
    )
    assert result.exit_code == 2
    said = " ".join(result.output.replace("│", " ").split())  # the usage box wraps lines
    assert "Invalid value for '--rep': the name 'Ann\\nBob' holds a line break" in said
    assert not list((mini_workspace / "recordings").glob("[!.]*"))  # no session was made
    blank = runner.invoke(app, ["--workspace", str(mini_workspace), "today", "--rep", "  "])
    assert blank.exit_code == 2 and "is empty or only spaces" in blank.output
