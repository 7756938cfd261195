"""One place where a failure in the app meets the user: a dialog, never an exit.

Every worker runs with `exit_on_error=False`; the app and each screen that starts workers mix in
`ReportsFailures`, so a worker that raises ends in `RoleplayApp.show_failure`: a `RoleplayError`
shows its message and hint; anything else shows what failed and where the details were logged.
The app keeps running, and whatever was saved before (turns, sessions) stays saved.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from roleplay.domain.text import printable  # an error may quote a file: no control character
from roleplay.errors import RoleplayError, disk_problem


class FailureDialog(ModalScreen[None]):
    """A failure, said plainly: a title, what happened, what to do. Enter or Esc closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="failure.close"),
        Binding("enter", "dismiss", "Close", show=False, id="failure.ok"),
    ]
    DEFAULT_CSS = """
    FailureDialog { align: center middle; }
    FailureDialog > Vertical {
        width: 72; max-width: 90%; height: auto; padding: 1 2;
        border: thick $error; background: $surface;
    }
    FailureDialog #failure-title { text-style: bold; color: $error; }
    FailureDialog #failure-hint { color: $text-muted; margin-top: 1; }
    FailureDialog Button { margin-top: 1; }
    """

    def __init__(self, title: str, message: str, hint: str = "") -> None:
        super().__init__()
        self.title_text, self.message, self.hint = title, message, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(printable(self.title_text), id="failure-title", markup=False)
            yield Static(printable(self.message), id="failure-message", markup=False)
            if self.hint:
                yield Static(printable(self.hint), id="failure-hint", markup=False)
            yield Button("OK", id="failure-ok", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss()


def describe(error: BaseException) -> tuple[str, str, str]:
    """(title, message, hint) for any failure; RoleplayError says what to do itself."""
    if isinstance(error, RoleplayError):
        return error.title, error.message, error.hint
    problem = disk_problem(error) if isinstance(error, OSError) else None
    if problem is not None:  # a full disk, a read-only folder: the user can fix it
        what, hint = problem
        return "Could not save", f"{what}.", f"Everything saved before is intact; {hint}."
    what = str(error) or type(error).__name__
    return (
        "Something went wrong",
        what,
        "Everything saved before is intact. The details are in roleplay.log in the data "
        "folder (`roleplay doctor` shows where); please include them in a bug report.",
    )


SCREENS_CSS = Path(__file__).with_name("screens.tcss")


class ReportsFailures:
    """Mixed into the app and every screen that starts workers (Worker.StateChanged does not
    bubble): a worker that failed becomes a dialog.

    It also brings those screens' rules (screens.tcss): Textual reads a screen's CSS_PATH when
    the screen first opens, so the rules of every screen but Today (which sets none) are not
    parsed before the first frame (~65M instructions, a twentieth of it). The app has its own
    (app.tcss, Today's rules)."""

    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = str(SCREENS_CSS)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            show = getattr(self.app, "show_failure", None)  # type: ignore[attr-defined]
            if show is not None:
                show(event.worker.error, event.worker.name)
