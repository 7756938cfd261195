"""Hard KPIs computed locally from the turns: talk ratio, pace, fillers, questions, monologues.

Time-based figures need real speech timings (voice sessions, transcribed calls). In typed
sessions the timings measure typing, so those figures are left empty rather than misleading.

`tracked()` is the one table of the KPIs followed over time: the rep's progress, the habit's
per-session record, team reports (CSV and JSON columns, HTML trends) and session exports all
read it, so a KPI is added by adding one row to it (its
plain rows are in kpi_rows.py).

A turn tagged `OVERLAP` (domain/call.py: "Right." said wholly inside the customer's sentence) is
not a turn the rep took. It counts where what was said counts: words, talk share (by words and
by time), pace and fillers. It does not count where turns count: the rep's turns, questions
asked (a backchannel "Really?" puts no question to a customer who keeps the floor), the longest
monologue, replies and interruptions. `floor()` is that one rule, for every per-turn count shown
(scorecards, the offline judge's reading, drills made from a call).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from roleplay.domain import text as txt
from roleplay.domain.kpi_rows import ROWS

# What a transcript and a scorecard show need no model (`show` reads plain views, issue 18):
# they live in kpi_words, named here as ever.
from roleplay.domain.kpi_words import OVERLAP as OVERLAP
from roleplay.domain.kpi_words import describe as describe
from roleplay.domain.kpi_words import floor as floor
from roleplay.domain.kpi_words import holds_floor as holds_floor
from roleplay.domain.kpi_words import said_over as said_over

if TYPE_CHECKING:
    from roleplay.domain.session import Turn


class Kpis(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    rep_turns: int
    rep_words: int
    customer_words: int
    talk_ratio_words: float | None  # rep share of all words, 0-1
    talk_ratio_time: float | None  # rep share of speaking time, 0-1
    words_per_minute: float | None
    fillers: int
    fillers_per_minute: float | None
    fillers_per_100_words: float | None
    questions_open: int
    questions_closed: int
    longest_monologue_words: int
    longest_monologue_seconds: float | None
    avg_response_latency: float | None  # seconds from customer end to rep start
    interruptions: int


def compute(turns: Sequence[Turn], language: str = "en", timed: bool = False) -> Kpis:
    rep = [t for t in turns if t.speaker == "rep"]
    customer = [t for t in turns if t.speaker == "customer"]
    took = [t for t in rep if holds_floor(t)]  # the rep's turns (see the module's docstring)
    rep_words = sum(txt.word_count(t.text) for t in rep)
    customer_words = sum(txt.word_count(t.text) for t in customer)
    all_words = rep_words + customer_words
    fillers = sum(len(txt.filler_hits(t.text, language)) for t in rep)
    qs = [q for t in took for q in txt.questions(t.text, language)]
    rep_secs = sum(max(0.0, t.end - t.start) for t in rep) if timed else 0.0
    cust_secs = sum(max(0.0, t.end - t.start) for t in customer) if timed else 0.0
    rep_minutes = rep_secs / 60
    latencies: list[float] = []
    interruptions = 0
    # A turn said wholly inside another's neither answers nor interrupts: replies and
    # interruptions are read between the turns that hold the floor.
    for prev, cur in itertools.pairwise(floor(turns)):
        if prev.speaker == "customer" and cur.speaker == "rep":
            if "interrupted" in prev.tags or (timed and cur.start < prev.end):
                interruptions += 1
            elif timed:
                latencies.append(cur.start - prev.end)
    return Kpis(
        rep_turns=len(took),
        rep_words=rep_words,
        customer_words=customer_words,
        talk_ratio_words=round(rep_words / all_words, 3) if all_words else None,
        talk_ratio_time=(
            round(rep_secs / (rep_secs + cust_secs), 3) if timed and rep_secs + cust_secs else None
        ),
        words_per_minute=round(rep_words / rep_minutes, 1) if timed and rep_minutes else None,
        fillers=fillers,
        fillers_per_minute=round(fillers / rep_minutes, 2) if timed and rep_minutes else None,
        fillers_per_100_words=round(100 * fillers / rep_words, 2) if rep_words else None,
        questions_open=sum(1 for q in qs if q.kind == "open"),
        questions_closed=sum(1 for q in qs if q.kind == "closed"),
        longest_monologue_words=max((txt.word_count(t.text) for t in took), default=0),
        longest_monologue_seconds=(
            round(max((t.end - t.start for t in took), default=0.0), 2) if timed else None
        ),
        avg_response_latency=(
            round(sum(latencies) / len(latencies), 2) if timed and latencies else None
        ),
        interruptions=interruptions,
    )


# --- the KPIs tracked over time ----------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    """One hard number followed per session, declared once (see the module's docstring)."""

    key: str  # a field of Kpis, or the name of what `read` computes; a column in reports
    label: str  # what a person reads: "Open questions"
    unit: str  # what one value counts (a chart's axis); a unit starting "%" is a 0-1 share
    better: Literal["higher", "lower"] | None  # None: neither way (a talk share has a sweet spot)
    format: str  # one value as text, e.g. "{:.0%}" for a share, "{:.1f}"
    read: Callable[[Kpis], float | None] | None = None  # default: the field named `key`

    def value(self, k: Kpis) -> float | None:
        """This KPI of one session (None: not measured, e.g. pace in a typed session)."""
        if self.read is not None:
            return self.read(k)
        value: float | None = getattr(k, self.key)
        return value

    def text(self, value: float) -> str:
        return self.format.format(value)

    @property
    def share(self) -> bool:
        """A 0-1 share, plotted as a percentage."""
        return self.unit.startswith("%")


# The rows themselves are plain values in kpi_rows.py, which `progress` reads without this
# module's model: add a row there.
KPIS: tuple[Kpi, ...] = tuple(Kpi(*row) for row in ROWS)


def tracked() -> tuple[Kpi, ...]:
    """The table above, read when called (so every user sees the same rows, tests included)."""
    return KPIS


def stored_fields() -> tuple[str, ...]:
    """The fields of Kpis the table reads: a long report reads only these from each stored
    scorecard (all of them when a row computes its value from others)."""
    if any(k.read is not None for k in tracked()):
        return tuple(Kpis.model_fields)
    return tuple(dict.fromkeys([*(k.key for k in tracked()), "questions_open", "questions_closed"]))


def numbers(k: Kpis) -> list[tuple[Kpi, float]]:
    """Every tracked KPI this session measured, in table order."""
    return [(kpi, v) for kpi in tracked() if (v := kpi.value(k)) is not None]
