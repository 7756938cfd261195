"""Validation problems with a location a trainer can jump to."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# A problem found inside one parsed file, before positions are attached: (key path, message, hint)
Finding = tuple[tuple[str | int, ...], str, str | None]


def format_path(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1-based (1 for an empty file: an editor opens it there); 0: nothing to open
    # (a missing file, a folder, a link that loops or leads nowhere, a pipe, an oversized file)
    column: int  # 1-based
    path: str  # key path, e.g. objections[1].trigger.signals
    message: str  # what is wrong and what was expected
    hint: str | None = None  # what to do (did-you-mean, an example)

    def __str__(self) -> str:
        """One line fit for a terminal: a file name or key from a trainer's repo may hold a
        newline (forging an 'All good' line) or an escape sequence (retitling the terminal)."""
        from roleplay.domain.text import one_line

        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}"
        return one_line(f"{text} ({self.hint})" if self.hint else text)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class InvalidFile(Exception):
    """A trainer file that cannot be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        # What of the file is valid (a model, or None), and where its keys are: lets the
        # workspace check references of a broken file in the same run.
        self.partial: Any = None
        self.positions: Any = None
        super().__init__("\n".join(str(p) for p in problems))
