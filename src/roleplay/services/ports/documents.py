"""Documents: charts and HTML pages for exports and reports (matplotlib and jinja2 live in
the adapters; services see only these)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from roleplay.domain.kpis import Kpis
    from roleplay.domain.session import Turn
    from roleplay.domain.trends import Series


class Charts(Protocol):
    """Charts as inline SVG for HTML documents (each `salt` keeps ids apart on one page).
    Raises MissingExtra when the charting library is not installed."""

    def levels(
        self, rows: Sequence[tuple[str, int | None, int | None]], salt: str = "levels"
    ) -> str:
        """Bars: the judge's level per criterion (name, judge, reviewer)."""
        ...

    def kpis(self, k: Kpis, turns: Sequence[Turn], salt: str = "kpis") -> str:
        """Talk share, questions asked, and the words of each turn."""
        ...

    def trend(
        self,
        series: Sequence[Series],
        *,
        title: str,
        ylabel: str,
        ylim: tuple[float, float] | None = None,
        xlim: tuple[date, date] | None = None,
        salt: str,
    ) -> str:
        """One line per series over time."""
        ...


class Templates(Protocol):
    """HTML pages from roleplay's bundled templates, autoescaped: a transcript line like
    `<script>` is shown as text, never run."""

    def render(self, name: str, **context: Any) -> str: ...
