"""What a transcript and a scorecard show of the KPIs, without the Kpis model (pydantic):
which turns hold the floor, whom a backchannel was said over, and the numbers a rep reads.
domain/kpis.py names all of these too; `roleplay show` imports only this (issue 18)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from roleplay.domain.kpis import Kpis
    from roleplay.domain.shown_session import ShownKpis


class _Tagged(Protocol):
    @property
    def speaker(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...


T = TypeVar("T", bound=_Tagged)

OVERLAP = "overlap"  # the tag of a turn said wholly inside another speaker's (domain/call.py)


def holds_floor(turn: _Tagged) -> bool:
    """False for a turn said wholly inside another speaker's ("mm-hm", "right")."""
    return OVERLAP not in turn.tags


def floor(turns: Sequence[T]) -> list[T]:
    """The turns someone took: every turn but those said over another speaker's."""
    return [t for t in turns if holds_floor(t)]


def said_over(turn: _Tagged, rep: str = "the rep", customer: str = "the customer") -> str | None:
    """Whom a turn was said over ("the customer" for the rep's "Right."), or None when it
    holds the floor: what a transcript shows beside such a line, indented under its host."""
    if holds_floor(turn):
        return None
    return customer if turn.speaker == "rep" else rep


def describe(k: Kpis | ShownKpis) -> list[tuple[str, str]]:
    """The numbers a rep sees, as (label, value) pairs; empty figures are left out."""

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.0f}%"

    talk = f"{pct(k.talk_ratio_words)} of words"
    if k.talk_ratio_time is not None:
        talk += f", {pct(k.talk_ratio_time)} of time"
    fillers = str(k.fillers)
    if k.fillers_per_minute is not None:
        fillers += f" ({k.fillers_per_minute:.1f}/min)"
    pairs = [
        ("talk ratio", talk),
        ("questions", f"{k.questions_open} open, {k.questions_closed} closed"),
        ("fillers", fillers),
        ("longest monologue", f"{k.longest_monologue_words} words"),
    ]
    if k.words_per_minute is not None:
        pairs.append(("pace", f"{k.words_per_minute:.0f} words/min"))
    if k.avg_response_latency is not None:
        pairs.append(("response latency", f"{k.avg_response_latency:.1f} s"))
    if k.interruptions:
        pairs.append(("interruptions", str(k.interruptions)))
    return pairs
