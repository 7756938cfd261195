"""The rows of the KPI table (domain/kpis.py, `tracked()`), as plain values: what kpis.py makes
its Kpi rows of, and what `progress` reads to print its summary from plain views without the
Kpis model (pydantic, issue 18). One table, so a row added here reaches both.
"""

from __future__ import annotations

from typing import Literal

Better = Literal["higher", "lower"] | None

# (key, label, unit, better, format): see kpis.Kpi for what each means.
ROWS: tuple[tuple[str, str, str, Better, str], ...] = (
    ("talk_ratio_words", "Talk share by words", "% of words", None, "{:.0%}"),
    ("talk_ratio_time", "Talk share by speaking time", "% of time", None, "{:.0%}"),
    ("questions_open", "Open questions", "questions", "higher", "{:.0f}"),
    ("questions_closed", "Closed questions", "questions", None, "{:.0f}"),
    ("fillers_per_100_words", "Fillers per 100 words", "per 100 words", "lower", "{:.1f}"),
    ("longest_monologue_words", "Longest monologue (words)", "words", "lower", "{:.0f}"),
    ("words_per_minute", "Pace (words per minute)", "words per minute", None, "{:.0f}"),
    ("avg_response_latency", "Response latency (seconds)", "seconds", "lower", "{:.1f}"),
    ("interruptions", "Interruptions", "times", "lower", "{:.0f}"),
)
