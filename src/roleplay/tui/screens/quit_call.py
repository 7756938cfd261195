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
either way: the exit waits for the scoring, and the services it uses stay open until it is
done, so the index and the schedule get it too; tui/app.py on_unmount).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, TypeVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static
from textual.widgets.button import ButtonVariant

QuitChoice = Literal["score", "keep", "stay"]
ScoringChoice = Literal["wait", "quit"]
C = TypeVar("C", bound=str)


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
        f"The call was being scored as roleplay quit: session {session_id}. roleplay exits "
        "once its scorecard is saved and your practice schedule updated."
        f"\nSee it with: roleplay show {session_id}"
    )


@dataclass(frozen=True)
class Answer:
    """One button of a quit question: its words, the choice it makes (its id), its look."""

    label: str
    choice: str
    variant: ButtonVariant = "default"


Line = tuple[str, str]  # (id, words): a line of a quit question


class QuitQuestion(ModalScreen[C]):
    """The shape both quit questions share: a title; what is saved whatever the rep
    chooses; what each answer means, muted; one button per answer, the first focused (the
    one that loses nothing). A button answers with its choice, Esc with `stay` (each
    question binds it, with its own words); Ctrl+Q again is answered by the app
    (RoleplayApp.action_quit)."""

    heading: ClassVar[str]
    answers: ClassVar[tuple[Answer, ...]]
    stay: ClassVar[str]  # Esc's choice, and that of anything but an answer

    def __init__(self, saved: Line, *means: Line) -> None:
        super().__init__()
        self._saved = saved
        self._means = means

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.heading, classes="title")
            yield Static(self._saved[1], id=self._saved[0])
            for means_id, means in self._means:
                yield Static(means, id=means_id, classes="muted")
            with Horizontal(classes="buttons"):
                for answer in self.answers:
                    yield Button(answer.label, id=answer.choice, variant=answer.variant)

    def on_mount(self) -> None:
        self.query_one(f"#{self.answers[0].choice}", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or self.stay)

    def action_choose(self, choice: str) -> None:
        chosen = choice if choice in {a.choice for a in self.answers} else self.stay
        self.dismiss(cast("C", chosen))


class QuitDuringCall(QuitQuestion[QuitChoice]):
    """Quit while a call is open? Esc keeps talking; Ctrl+Q again quits, to score it later."""

    # Ctrl+Q again (by habit) quits, the call kept to score later: the app's own Ctrl+Q
    # binding comes first and answers for the dialog (RoleplayApp.action_quit).
    BINDINGS = [Binding("escape", "choose('stay')", "Keep talking", show=False)]
    heading = "Quit in the middle of the call?"
    answers = (
        Answer("End and score", "score", "primary"),
        Answer("Quit, score later", "keep", "error"),
        Answer("Keep talking", "stay"),
    )
    stay = "stay"

    def __init__(self, turns: int, offline: bool) -> None:
        super().__init__(
            ("quit-saved", f"Everything said so far is saved ({turns} turn(s))."),
            (
                "quit-score-means",
                f"End and score: the call ends now and is scored {judge_words(offline)}; "
                "its scorecard opens.",
            ),
            (
                "quit-keep-means",
                "Quit, score later: not scored and not in your schedule yet. A call "
                "cannot be resumed; score it later with `roleplay score last` (its id is "
                "printed as roleplay quits).",
            ),
        )


class QuitWhileScoring(QuitQuestion[ScoringChoice]):
    """Quit while a call is being scored? Esc (or the scorecard, once ready) waits; Ctrl+Q
    again quits (RoleplayApp.action_quit answers for the dialog, as for QuitDuringCall)."""

    BINDINGS = [Binding("escape", "choose('wait')", "Wait for the scorecard", show=False)]
    heading = "Scoring the call…"
    answers = (Answer("Wait and see it", "wait", "primary"), Answer("Quit now", "quit", "error"))
    stay = "wait"

    def __init__(self, offline: bool) -> None:
        super().__init__(
            (
                "scoring-saved",
                f"The call has ended and is being scored {judge_words(offline)}. "
                "The scorecard is saved when the scoring is done, whichever you choose.",
            ),
            (
                "scoring-means",
                "Wait: its scorecard opens here as soon as it is ready. Quit now: roleplay "
                "closes and the scorecard is saved as the scoring ends (see it later with "
                "`roleplay show last`; the session's id is printed as roleplay quits).",
            ),
        )
