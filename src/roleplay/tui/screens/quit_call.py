"""Ctrl+Q in the middle of a call. It used to quit at once: every turn was kept, but the
session stayed unfinished and unscored, with no word said, so a rep who quits apps with Ctrl+Q
by habit lost the scored practice. Now the app asks, and each answer does what it says:

- end and score: the call ends as Esc would end it and its scorecard opens (the judge of
  every call: the LLM's, or the offline judge, which says so on the scorecard when the LLM
  could not be reached);
- quit, score later: roleplay quits and prints the session's id; `roleplay score ID`
  scores it later (the CLI cannot resume a call, so no wording promises it; a spoken call is
  hung up as the app exits, else its listening thread held the exit for good);
- keep talking: back to the call.

Nothing said is lost whichever is chosen: every turn is in transcript.jsonl as it ends.

Ctrl+Q once the call has ended and is being scored (a few seconds offline, longer with an
LLM judge) quit at once and said nothing, though the scorecard was still being made: now
`QuitWhileScoring` says so, and the rep waits to see it or quits (the scorecard is saved
either way: the exit waits for the scoring).
"""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

QuitChoice = Literal["score", "keep", "stay"]
ScoringChoice = Literal["wait", "quit"]


def judge_words(offline: bool) -> str:
    """Who scores the call, as the rep reads it before choosing."""
    if offline:
        return "by the offline judge (no LLM is configured)"
    return "by the LLM judge (the offline judge if the LLM cannot be reached)"


def unfinished_words(session_id: str, turns: int) -> str:
    """What roleplay prints as it quits with the call kept to score later (a typed call
    stays unfinished; a spoken one is hung up, its listening stopped, and is not scored)."""
    return (
        f"The call is saved, not scored: session {session_id}, {turns} turn(s).\n"
        f"Score it when you like: roleplay score {session_id}"
    )


def scoring_words(session_id: str) -> str:
    """What roleplay prints as it quits while a call is being scored."""
    return (
        f"The call was being scored as roleplay quit: session {session_id}. Its scorecard "
        f"is saved when the scoring is done.\nSee it with: roleplay show {session_id}"
    )


class QuitDuringCall(ModalScreen[QuitChoice]):
    """Quit while a call is open? Esc keeps talking; Ctrl+Q again quits, to score it later."""

    # Ctrl+Q again (by habit) quits, the call kept to score later: the app's own Ctrl+Q
    # binding comes first and answers for the dialog (RoleplayApp.action_quit).
    BINDINGS = [Binding("escape", "choose('stay')", "Keep talking", show=False)]

    def __init__(self, turns: int, offline: bool) -> None:
        super().__init__()
        self._turns = turns
        self._offline = offline

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Quit in the middle of the call?", classes="title")
            yield Static(
                f"Everything said so far is saved ({self._turns} turn(s)).", id="quit-saved"
            )
            yield Static(
                f"End and score: the call ends now and is scored {judge_words(self._offline)}"
                "; its scorecard opens.",
                id="quit-score-means",
                classes="muted",
            )
            yield Static(
                "Quit, score later: not scored and not in your schedule yet. A call "
                "cannot be resumed; score it later with `roleplay score last` (its id is "
                "printed as roleplay quits).",
                id="quit-keep-means",
                classes="muted",
            )
            with Horizontal(classes="buttons"):
                yield Button("End and score", id="score", variant="primary")
                yield Button("Quit, score later", id="keep", variant="error")
                yield Button("Keep talking", id="stay")

    def on_mount(self) -> None:
        self.query_one("#score", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or "stay")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice if choice in ("score", "keep") else "stay")  # type: ignore[arg-type]


class QuitWhileScoring(ModalScreen[ScoringChoice]):
    """Quit while a call is being scored? Esc (or the scorecard, once ready) waits; Ctrl+Q
    again quits (RoleplayApp.action_quit answers for the dialog, as for QuitDuringCall)."""

    BINDINGS = [Binding("escape", "choose('wait')", "Wait for the scorecard", show=False)]

    def __init__(self, offline: bool) -> None:
        super().__init__()
        self._offline = offline

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Scoring the call…", classes="title")
            yield Static(
                f"The call has ended and is being scored {judge_words(self._offline)}. "
                "The scorecard is saved when the scoring is done, whichever you choose.",
                id="scoring-saved",
            )
            yield Static(
                "Wait: its scorecard opens here as soon as it is ready. Quit now: roleplay "
                "closes and the scorecard is saved as the scoring ends (see it later with "
                "`roleplay show last`; the session's id is printed as roleplay quits).",
                id="scoring-means",
                classes="muted",
            )
            with Horizontal(classes="buttons"):
                yield Button("Wait and see it", id="wait", variant="primary")
                yield Button("Quit now", id="quit", variant="error")

    def on_mount(self) -> None:
        self.query_one("#wait", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or "wait")

    def action_choose(self, choice: str) -> None:
        self.dismiss("quit" if choice == "quit" else "wait")
