"""Hard KPIs on a golden timed transcript, every figure worked out by hand below."""

from __future__ import annotations

import pytest

from roleplay.domain.kpis import compute
from roleplay.domain.session import Turn

# (speaker, text, start, end) in seconds
CALL = [
    ("customer", "Hello, Dana speaking.", 0.0, 2.0),
    ("rep", "Hi Dana, um, thanks for taking the call. How do you plan routes today?", 2.5, 8.5),
    ("customer", "Mostly by hand, every morning, which takes a while.", 9.0, 13.0),
    (
        "rep",
        "Got it. Is that every single day? And what happens when orders come in late?",
        13.4,
        19.4,
    ),
    ("customer", "We redo everything.", 20.0, 22.0),
    ("rep", "So, you know, basically our tool fixes that, uh, automatically.", 21.5, 25.5),
]
# Rep words: 14 + 15 + 10 = 39. Customer words: 3 + 9 + 3 = 15.
# Rep speaking time: 6 + 6 + 4 = 16 s; customer: 2 + 4 + 2 = 8 s.
# Fillers (rep): "um"; "you know", "basically", "uh" -> 4.
# Questions: "How do you plan routes today?" open; "Is that every single day?" closed;
#   "And what happens when orders come in late?" open.
# Latencies (customer end -> rep start): 0.5, 0.4; the third rep turn starts 0.5 s before the
#   customer finished: an interruption, not a latency.


@pytest.fixture
def turns() -> list[Turn]:
    return [Turn(index=i, speaker=s, text=t, start=a, end=b) for i, (s, t, a, b) in enumerate(CALL)]


def test_timed_kpis_by_hand(turns: list[Turn]) -> None:
    k = compute(turns, "en", timed=True)
    assert (k.rep_words, k.customer_words, k.rep_turns) == (39, 15, 3)
    assert k.talk_ratio_words == pytest.approx(39 / 54, abs=1e-3)
    assert k.talk_ratio_time == pytest.approx(16 / 24, abs=1e-3)
    assert k.words_per_minute == pytest.approx(39 / (16 / 60), abs=0.1)  # 146.2
    assert k.fillers == 4
    assert k.fillers_per_minute == pytest.approx(4 / (16 / 60), abs=0.01)  # 15.0
    assert (k.questions_open, k.questions_closed) == (2, 1)
    assert k.longest_monologue_words == 15 and k.longest_monologue_seconds == 6.0
    assert k.avg_response_latency == pytest.approx(0.45, abs=0.01)
    assert k.interruptions == 1


def test_typed_sessions_leave_time_figures_empty(turns: list[Turn]) -> None:
    k = compute(turns, "en", timed=False)
    assert k.words_per_minute is None and k.talk_ratio_time is None
    assert k.fillers_per_minute is None and k.avg_response_latency is None
    assert k.fillers_per_100_words == pytest.approx(100 * 4 / 39, abs=0.01)


def test_fillers_are_language_aware() -> None:
    nb = [
        Turn(
            index=0, speaker="rep", text="Eh, liksom, vi kan egentlig hjelpe dere.", start=0, end=4
        )
    ]
    assert compute(nb, "nb", timed=True).fillers == 3
    assert compute(nb, "en", timed=True).fillers == 0
