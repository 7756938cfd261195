"""A config file that is not valid TOML is said with its file, line and column, as every other
config error, also when tomllib only says "at end of document" (an unclosed string, table
header or list: the usual half-finished edit). It said "(... (at end of document))", with no
line to go to."""

from __future__ import annotations

import pytest

from roleplay.cli import main
from roleplay.config import ConfigError, config_file, load_settings, save_settings


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('rep = "dana"\n[llm]\nmodel = "llama3\n', ":3:", "Illegal character"),
        ('rep = "dana"\n[llm]\nmodel = "llama3', ":3:16:", "Unterminated string"),
        ('rep = "dana"\n\n[llm\n\n', ":3:5:", "Expected ']'"),
        ('daily_goal_drills = 3\n[ui]\ntheme = [\n  "dark",\n\n', ":4:10:", "Invalid value"),
    ],
    ids=["newline in a string", "string left open", "table header left open", "list left open"],
)
def test_broken_toml_is_placed_at_its_line(text: str, where: str, what: str) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"{config_file()}{where}"), message
    assert "not valid TOML" in message and what in message
    assert "end of document" not in message  # tomllib's words, with no line to go to
    # Saving from the app's Settings screen says the same, not tomlkit's own error.
    with pytest.raises(ConfigError) as saving:
        save_settings({"daily_goal_drills": 4})
    assert str(saving.value) == message
    assert config_file().read_text() == text  # and nothing was written


def test_the_cli_says_where_without_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text('rep = "dana"\n[llm]\nmodel = "llama3')
    monkeypatch.setattr("sys.argv", ["roleplay", "sessions"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"{config_file()}:3:16: not valid TOML: Unterminated string" in err
    assert "fix or delete the file" in err and "Traceback" not in err
