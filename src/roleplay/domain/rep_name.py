"""A rep's name, as it is entered (config file, ROLEPLAY_REP, the app's settings, `--rep`).

The name goes on every session, into the index, on team reports and in the judge's prompt. A
line break in it forged extra lines wherever it was printed, and a name of only spaces made a
rep nobody could find again; both were taken without a word. Spaces around a name are dropped
(a stray one from a shell or a form), anything else is said, with what a name looks like.
"""

from __future__ import annotations

import unicodedata

from roleplay.domain.text import BIDI_CONTROLS, character_name

LONGEST = 80
EXAMPLE = "e.g. 'Ann Smith' or 'ann.smith'"
# Invisible characters that let one name pass for another on every list and report: every
# bidirectional control (domain/text.py: the overrides, embeddings, isolates and marks;
# '\u202eKari' shows as 'Kari', and terminals are shown it without them), the zero-width
# space, word joiner and BOM.
ZERO_WIDTH = "\u200b\u2060\ufeff"
# The joiners: Persian and Indic names and emoji sequences need them between their own
# characters ('مریم\u200cسادات', '👩\u200d💻'); next to a Latin letter, a digit or a space,
# or at either end, they only hide ('Kari\u200d' is not 'Kari').
JOINERS = "\u200c\u200d"


def hidden_in_name(name: str) -> list[int]:
    """Where `name` (a rep's or a persona's) holds an invisible character that would let it
    pass for another name (indexes). Shared by the rep's name and `validate`."""
    found = []
    for at, char in enumerate(name):
        if char in BIDI_CONTROLS or char in ZERO_WIDTH:
            found.append(at)
        elif char in JOINERS:
            around = name[at - 1 : at] if at else "", name[at + 1 : at + 2]
            if any(not c or c.isascii() for c in around):
                found.append(at)
    return found


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
    hidden = hidden_in_name(name)
    if hidden:
        return (
            f"the name {name!r} holds an invisible character "
            f"({character_name(name[hidden[0]])}) that would let it pass for another name; "
            f"{EXAMPLE}"
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
