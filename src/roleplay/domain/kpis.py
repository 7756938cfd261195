"""Hard KPIs computed locally from the turns: talk ratio, pace, fillers, questions, monologues.

Time-based figures need real speech timings (voice sessions, transcribed calls). In typed
sessions the timings measure typing, so those figures are left empty rather than misleading.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from roleplay.domain import text as txt

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
    rep_words = sum(txt.word_count(t.text) for t in rep)
    customer_words = sum(txt.word_count(t.text) for t in customer)
    all_words = rep_words + customer_words
    fillers = sum(len(txt.filler_hits(t.text, language)) for t in rep)
    qs = [q for t in rep for q in txt.questions(t.text, language)]
    rep_secs = sum(max(0.0, t.end - t.start) for t in rep) if timed else 0.0
    cust_secs = sum(max(0.0, t.end - t.start) for t in customer) if timed else 0.0
    rep_minutes = rep_secs / 60
    latencies: list[float] = []
    interruptions = 0
    for prev, cur in itertools.pairwise(turns):
        if prev.speaker == "customer" and cur.speaker == "rep":
            if "interrupted" in prev.tags or (timed and cur.start < prev.end):
                interruptions += 1
            elif timed:
                latencies.append(cur.start - prev.end)
    return Kpis(
        rep_turns=len(rep),
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
        longest_monologue_words=max((txt.word_count(t.text) for t in rep), default=0),
        longest_monologue_seconds=(
            round(max((t.end - t.start for t in rep), default=0.0), 2) if timed else None
        ),
        avg_response_latency=(
            round(sum(latencies) / len(latencies), 2) if timed and latencies else None
        ),
        interruptions=interruptions,
    )


def describe(k: Kpis) -> list[tuple[str, str]]:
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
