"""Wording and formatting that both interfaces show: the CLI prints it, the app puts it on
screen, so a duration, a session's status or the workspace note reads the same in both.

It sits beside the interfaces, below them: `cli` and `tui` import it, it imports only the
domain and service types it formats (no typer, no Textual), and neither interface imports the
other (import-linter contracts in pyproject.toml).
"""
