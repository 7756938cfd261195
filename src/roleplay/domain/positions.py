"""Where each value of a trainer file is written. Its own module, away from the YAML
parser: the catalog cache's pickles hold Positions, and unpickling them must not import yaml
(a read command that finds every file unchanged never parses one)."""

from __future__ import annotations

from dataclasses import dataclass, field

Path = tuple[str | int, ...]


@dataclass
class Positions:
    """1-based (line, column) of each key path's value, and of each mapping key itself."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def of(self, path: Path) -> tuple[int, int]:
        """Where `path` is written: its key when it has one (a trainer looks for the key), else
        its value (list items), else its nearest ancestor that exists in the file."""
        for n in range(len(path), -1, -1):
            found = self.keys.get(path[:n]) or self.values.get(path[:n])
            if found:
                return found
        return (1, 1)
