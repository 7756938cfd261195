"""Did-you-mean suggestions for misspelt keys and references."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, options: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_reference(kind: str, ref: str, known: Iterable[str]) -> tuple[str, str]:
    """(message, hint) for a reference to something that does not exist."""
    names = sorted(known)
    hint = did_you_mean(ref, names)
    if hint:
        return f"unknown {kind} '{ref}'", f"did you mean '{hint}'?"
    listed = ", ".join(names) if names else "none are defined"
    return f"unknown {kind} '{ref}'", f"known: {listed}"
