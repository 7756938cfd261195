"""Business outcomes (hard KPIs) per rep and period, read from a CRM or call-system export.

The file is CSV with a header naming at least `rep`, `period_start`, `metric` and `value`
(other columns are ignored). Every bad line is reported with file:line and what was expected;
a file with any bad line imports nothing. Excel's habits are accepted: a byte-order mark, `;` as
the separator with a decimal comma, tabs and UTF-16 ("Unicode Text"). The bytes are decoded
as an outside transcript's are (domain/encoding.py): another encoding is said, never guessed.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

from roleplay.errors import RoleplayError

Direction = Literal["higher", "lower"]
REQUIRED = ("rep", "period_start", "metric", "value")
MAX_PROBLEMS = 50

# Metrics whose better direction is common knowledge; anything else can be declared on import.
KNOWN_DIRECTIONS: dict[str, Direction] = {
    "meetings_booked": "higher",
    "conversion_rate": "higher",
    "average_deal_size": "higher",
    "revenue": "higher",
    "csat": "higher",
    "nps": "higher",
    "first_call_resolution": "higher",
    "average_handle_time": "lower",
    "churn": "lower",
}


@dataclass(frozen=True)
class Outcome:
    rep: str
    period_start: date
    metric: str
    value: float
    source: str = ""  # file:line


class OutcomeFileError(RoleplayError, ValueError):
    """The file has bad lines; `problems` lists each as `file:line: what; expected ...`."""

    title = "Outcomes not imported"

    def __init__(self, problems: list[str], total: int) -> None:
        more = f"\n... and {total - len(problems)} more" if total > len(problems) else ""
        super().__init__(
            f"{total} problem(s); nothing was imported:\n" + "\n".join(problems) + more,
            "fix the lines and import the file again",
        )
        self.problems = problems


def _key(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def metric_name(text: str) -> str:
    return _key(text)


def parse(text: str, name: str) -> list[Outcome]:
    """Every row of the file, or OutcomeFileError naming every bad line."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    # Excel writes ';' (with a decimal comma) where ',' is the decimal mark, and tabs when
    # saved as "Unicode Text" (UTF-16): the header's most frequent of the three says which.
    delimiter = max(",;\t", key=first.count)
    semicolons = delimiter != ","  # the decimal comma is read where ',' cannot separate
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[str] = []
    total = 0

    def bad(line: int, message: str) -> None:
        nonlocal total
        total += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(f"{name}:{line}: {message}")

    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise OutcomeFileError([f"{name}:1: {exc}"], 1) from None
    if header is None or not any(h.strip() for h in header):
        raise OutcomeFileError(
            [f"{name}:1: the file is empty; expected a header: {','.join(REQUIRED)}"], 1
        )
    columns = [_key(h) for h in header]
    aliases = {"period": "period_start", "week": "period_start", "name": "rep"}
    columns = [aliases.get(c, c) for c in columns]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise OutcomeFileError(
            [
                f"{name}:1: the header lacks {', '.join(missing)}; expected the columns "
                f"{','.join(REQUIRED)} (found: {','.join(h.strip() for h in header)})"
            ],
            1,
        )
    at = {c: columns.index(c) for c in REQUIRED}
    rows: list[Outcome] = []
    seen: dict[tuple[str, date, str], tuple[int, float]] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines (a trailing one is common)
            if len(cells) < len(header):
                bad(line, f"{len(cells)} column(s); expected {len(header)} as in the header")
                continue
            rep = cells[at["rep"]].strip()
            metric = metric_name(cells[at["metric"]])
            raw_day, raw_value = cells[at["period_start"]].strip(), cells[at["value"]].strip()
            errors = []
            if not rep:
                errors.append("rep is empty; expected the rep's name or login")
            if not metric:
                errors.append("metric is empty; expected a name like meetings_booked")
            try:
                day = date.fromisoformat(raw_day)
            except ValueError:
                errors.append(f"period_start '{raw_day[:40]}' is not a date; expected YYYY-MM-DD")
                day = date.min
            value = _number(raw_value.replace(",", ".") if semicolons else raw_value)
            if value is None:
                errors.append(f"value '{raw_value[:40]}' is not a number; expected e.g. 12 or 0.35")
            if errors:
                bad(line, "; ".join(errors))
                continue
            assert value is not None
            key = (rep, day, metric)
            if key in seen and seen[key][1] != value:
                bad(
                    line,
                    f"{rep} {day} {metric} is {value:g} here but {seen[key][1]:g} on line "
                    f"{seen[key][0]}; expected one value per rep, period and metric",
                )
                continue
            seen[key] = (line, value)
            rows.append(Outcome(rep, day, metric, value, f"{name}:{line}"))
    except csv.Error as exc:
        bad(reader.line_num, f"{exc}; expected comma-separated values")
    if total:
        raise OutcomeFileError(problems, total)
    if not rows:
        raise OutcomeFileError([f"{name}:2: no rows after the header"], 1)
    return rows


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
