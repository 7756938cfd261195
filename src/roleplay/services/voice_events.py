"""What a voice call tells its interface (the plain terminal now, the app later).

Events are delivered through one callback, from worker threads: an interface must hand them
to its own thread (Textual: `call_from_thread` / `post_message`). `MicLevel` comes about ten
times a second and `PartialTranscript` whenever the words so far change; both can be
coalesced (only the latest matters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from roleplay.domain.session import Outcome, Turn


class VoiceState(StrEnum):
    LOADING = "loading"  # the speech model is loading
    LISTENING = "listening"  # waiting for the rep to speak
    REP_SPEAKING = "rep-speaking"
    THINKING = "thinking"  # the rep's turn ended; the customer's answer is on its way
    CUSTOMER_SPEAKING = "customer-speaking"
    ENDED = "ended"


@dataclass(frozen=True)
class StateChanged:
    state: VoiceState


@dataclass(frozen=True)
class MicLevel:
    db: float  # loudness of the last ~100 ms, dBFS (-90 silence .. 0 full scale)
    speech: bool  # the voice activity detector hears speech


@dataclass(frozen=True)
class PartialTranscript:
    text: str  # the rep's words so far in this turn (revised as they speak)


@dataclass(frozen=True)
class RepTurn:
    turn: Turn  # the rep's turn as saved


@dataclass(frozen=True)
class CustomerSentence:
    text: str  # a sentence the customer starts saying


@dataclass(frozen=True)
class CustomerTurn:
    turn: Turn  # the customer's turn as saved (tags tell if it was interrupted)


@dataclass(frozen=True)
class BargeIn:
    """The rep spoke over the customer; the customer stopped."""


@dataclass(frozen=True)
class Notice:
    message: str  # one line for the rep (model loading, a device problem, a fallback)


@dataclass(frozen=True)
class CallEnded:
    outcome: Outcome | None


VoiceEvent = (
    StateChanged
    | MicLevel
    | PartialTranscript
    | RepTurn
    | CustomerSentence
    | CustomerTurn
    | BargeIn
    | Notice
    | CallEnded
)
Listener = Callable[[VoiceEvent], None]
