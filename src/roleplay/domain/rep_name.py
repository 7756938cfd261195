"""A rep's name, as it is entered (config file, ROLEPLAY_REP, the app's settings, `--rep`).

The name goes on every session, into the index, on team reports and in the judge's prompt. A
line break in it forged extra lines wherever it was printed, and a name of only spaces made a
rep nobody could find again; both were taken without a word. Spaces around a name are dropped
(a stray one from a shell or a form), anything else is said, with what a name looks like.
"""

from __future__ import annotations

import unicodedata

LONGEST = 80
EXAMPLE = "e.g. 'Ann Smith' or 'ann.smith'"
# Invisible characters that let one name pass for another on every list and report: the
# bidirectional overrides, embeddings and isolates ('\u202eKari' shows as 'Kari', and
# terminals are shown it without them) and the zero-width space, word joiner and BOM. The
# joiners U+200C/U+200D stay: Persian and Indic names and emoji sequences need them.
_INVISIBLE = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff")


def rep_name_problem(name: str) -> str | None:
    """Why `name` cannot be a rep's name, or None."""
    for char in name:
        if unicodedata.category(char) in {"Cc", "Zl", "Zp"}:  # \n, \r, \t, ESC, U+2028...
            kind = (
                "a line break" if char in "\n\r\x0b\x0c\x85\u2028\u2029" else "a control character"
            )
            return (
                f"the name {name!r} holds {kind} (U+{ord(char):04X}); a name is one line of "
                f"text, {EXAMPLE}"
            )
    if any(unicodedata.category(char) == "Cs" for char in name):  # how Python keeps a bad byte
        return (
            f"the name {name!r} holds a byte that is not UTF-8 text (is the terminal set to "
            f"another encoding?); {EXAMPLE}"
        )
    hidden = next((char for char in name if char in _INVISIBLE), None)
    if hidden is not None:
        return (
            f"the name {name!r} holds an invisible character (U+{ord(hidden):04X}) that would "
            f"let it pass for another name; {EXAMPLE}"
        )
    if not name.strip():
        return f"the name {name!r} is empty or only spaces; give a name, {EXAMPLE}"
    if len(name.strip()) > LONGEST:
        return f"the name is {len(name.strip())} characters long; at most {LONGEST}"
    return None


def checked_rep_name(name: str) -> str:
    """`name` without the spaces around it; ValueError saying why when it cannot be a name."""
    problem = rep_name_problem(name)
    if problem is not None:
        raise ValueError(problem)
    return name.strip()
