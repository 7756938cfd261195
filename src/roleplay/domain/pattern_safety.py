"""Which signal patterns may run: the subset of Python regular expressions that cannot
backtrack badly.

Python's `re` backtracks, so `(a+)+$` takes exponential time on a 36-character line. A
linear-time engine (RE2) was not an option: the bundled files rely on look-ahead
(`^(?!.*\\b(not|if)\\b)...`) and on Unicode word boundaries (Norwegian `\\båtte`), which RE2
lacks. So patterns are checked when a file is loaded, and a pattern outside the subset is a
validation error with its file and line. The subset refuses the shapes behind
catastrophic backtracking:

- a repetition inside a repetition where either is unbounded: `(a+)+`, `(\\w+\\s?)*`;
- alternatives inside a repetition that can match the same text: `(a|a)+`, `(a|aa)+`;
- two unbounded repetitions of one character class in a row that overlap: `\\w*\\w*`, `.*.*`;
- an optional part inside a repetition that what follows can also match: `(?:a?a)*`;
plus back-references, deep nesting, very long patterns, and more than one `.*`-like
repetition (two after a leading ^), which multiply the work by the line's length. What the
subset still allows is at worst polynomial, and a pattern reads at most MAX_TEXT characters of
a sentence. bench/pattern_safety_bench.py measures it on random patterns: none of ~920
accepted was slow on a 29-character line (about 200 rejected ones were), a few percent were
quadratic or worse on a 1,000-character run of one letter; the bundled patterns take at most
~20 ms on 2,000-character adversarial lines.
"""

from __future__ import annotations

import functools
import re
from typing import Any

MAX_PATTERN = 4000  # characters (the longest bundled one has ~1,400)
MAX_DEPTH = 20  # nested groups
MAX_TEXT = 1000  # characters of one sentence that a pattern reads (~170 spoken words)

_sre: Any = re._parser  # type: ignore[attr-defined]  # the parser `re` itself uses
_c: Any = re._constants  # type: ignore[attr-defined]
_ALPHABET = [chr(i) for i in range(0x250)]  # ASCII and Latin letters: enough to see overlap


class _Unsafe(Exception):
    pass


@functools.lru_cache(maxsize=4096)  # a workspace is loaded many times; its patterns repeat
def problem(pattern: str) -> str | None:
    """None when `pattern` may be used; else what is wrong, in words, with what to do."""
    if len(pattern) > MAX_PATTERN:
        return f"the pattern is {len(pattern):,} characters long; at most {MAX_PATTERN:,}"
    depth = _depth(pattern)
    if depth > MAX_DEPTH:
        return f"the pattern nests groups {depth} deep; at most {MAX_DEPTH}"
    try:
        re.compile(pattern, re.IGNORECASE)
        tree = _sre.parse(pattern, re.IGNORECASE)
    except re.error as exc:
        return f"not a valid regular expression ({exc})"
    except (RecursionError, OverflowError, ValueError) as exc:
        return f"not a valid regular expression ({type(exc).__name__})"
    try:
        _walk(list(tree), None, frozenset())
        _check_spans(list(tree))
    except _Unsafe as exc:
        return (
            f"{exc}: this pattern can take minutes on some lines and freeze a "
            "call; rewrite it (e.g. (a+)+ -> a+, (a|aa)+ -> a+, \\w*\\w* -> \\w*)"
        )
    return None


MAX_SPANS_ANCHORED = 2  # `^.*a.*b`: a line is tried from its start only, ~n^2 steps
MAX_SPANS = 1  # `.*a`: tried from every position, ~n^2 steps; `.*a.*b.*c` took 6 s on 500


def _check_spans(items: list[tuple[Any, Any]]) -> None:
    """Limit the unbounded repetitions that run across words (`.*`, `[^x]+`, `\\D*`): each
    one multiplies the work on a line that almost matches by the line's length."""
    anchored = (
        bool(items)
        and items[0][0] == _c.AT
        and items[0][1]
        in (
            _c.AT_BEGINNING,
            _c.AT_BEGINNING_STRING,
        )
    )
    spans = _spans(items)
    limit = MAX_SPANS_ANCHORED if anchored else MAX_SPANS
    if spans > limit:
        raise _Unsafe(
            f"{spans} repetitions like .* that run across words (at most {limit}"
            + ("" if anchored else "; 2 when the pattern starts with ^")
            + ")"
        )


def _spans(items: list[tuple[Any, Any]]) -> int:
    count = 0
    for op, av in items:
        if _is_repeat(op):
            body = list(av[2])
            chars = _chars(body)
            if av[1] == _c.MAXREPEAT and _single_step(body) and " " in chars and "a" in chars:
                count += 1
            else:
                count += _spans(body)
        elif op == _c.SUBPATTERN:
            count += _spans(list(av[-1]))
        elif op == _c.BRANCH:
            count += max((_spans(list(alt)) for alt in av[1]), default=0)
    return count  # look-arounds are not counted: each runs once per position, on its own


def _depth(pattern: str) -> int:
    """Deepest group nesting, counted before parsing (the parser recurses per level)."""
    depth = deepest = 0
    escaped = in_class = False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth = max(depth - 1, 0)
    return deepest


def _is_repeat(op: Any) -> bool:
    return op in (_c.MAX_REPEAT, _c.MIN_REPEAT)


def _walk(
    items: list[tuple[Any, Any]],
    outer: tuple[int, int] | None,
    follow: frozenset[str],
    loop: frozenset[str] = frozenset(),
) -> None:
    """`outer`: (min, max) of the closest enclosing repetition that repeats (max > 1);
    `follow`: characters that can come right after `items` inside that repetition; `loop`:
    characters that can start its next round."""
    previous: frozenset[str] | None = None  # chars of an unbounded repetition just before
    for i, (op, av) in enumerate(items):
        rest = items[i + 1 :]
        after = _first(rest) | (follow if _nullable(rest) else frozenset())
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            raise _Unsafe("back-references (\\1, (?P=name)) are not allowed")
        if _is_repeat(op):
            low, high, body = av
            body = list(body)
            chars = _chars(body)
            nested = outer is not None and _c.MAXREPEAT in (high, outer[1])
            # Ambiguous only when what the inner repetition matches could also be matched
            # by what comes after it: then each split of the text is tried.
            if high > 1 and nested and chars & after:
                raise _Unsafe("a repetition inside a repetition")
            # An optional part in an unbounded repetition that what follows could also
            # start with ((?:a?a)*, (?:\\d?\\w?)+): each round may take it or leave it.
            in_loop = outer is not None and outer[1] == _c.MAXREPEAT
            if high == 1 and low == 0 and in_loop and _first(body) & after:
                raise _Unsafe("an optional part inside a repetition")
            unbounded = high == _c.MAXREPEAT
            single = _single_step(body)
            if unbounded and single and previous is not None and previous & chars:
                raise _Unsafe("two repetitions in a row that can match the same characters")
            if high > 1:
                _walk(body, (low, high), _first(body) | after, _first(body))
            else:
                _walk(body, outer, after, loop)
            previous = chars if unbounded and single else None
            continue
        if op == _c.AT:
            previous = None  # a boundary (\b, ^, $) fixes where the repetition stops
            continue
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            _walk(list(av[1]), None, frozenset())  # a look-around is matched on its own
            continue  # zero width: what came before is still "just before"
        previous = None
        if op == _c.SUBPATTERN:
            _walk(list(av[-1]), outer, after, loop)
        elif op == _c.BRANCH:
            if outer is not None and outer[1] == _c.MAXREPEAT:
                _check_alternatives([list(alt) for alt in av[1]], after, loop)
            for alternative in av[1]:
                _walk(list(alternative), outer, after, loop)


def _single_step(body: list[tuple[Any, Any]]) -> bool:
    """A repetition of one character class (`\\w*`, `.+`, `[a-z]*`): two of these in a row
    split a run of characters every possible way; longer bodies are anchored by their parts."""
    return len(body) == 1 and body[0][0] in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN)


def _nullable(items: list[tuple[Any, Any]]) -> bool:
    """Whether `items` can match the empty string (approximately)."""
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if _is_repeat(op):
            if av[0] == 0 or _nullable(list(av[2])):
                continue
            return False
        if op == _c.SUBPATTERN:
            if _nullable(list(av[-1])):
                continue
            return False
        if op == _c.BRANCH:
            if any(_nullable(list(alt)) for alt in av[1]):
                continue
            return False
        return False
    return True


def _check_alternatives(
    alternatives: list[list[tuple[Any, Any]]], after: frozenset[str], loop: frozenset[str]
) -> None:
    """Alternatives inside an unbounded repetition that can match the same text, like
    (a|a)+, (a|aa)+ or (\\w|a)+: each round may take either, so a failing line tries every
    mix. Checked for words and single characters; longer mixed alternatives are anchored by
    their other parts (and repetitions inside them are checked on their own)."""
    words = [_literal(alt) for alt in alternatives]
    steps = [_chars(alt) if _single_step(alt) else None for alt in alternatives]
    for i in range(len(alternatives)):
        for j in range(i + 1, len(alternatives)):
            a, b = words[i], words[j]
            if a is not None and b is not None:
                # Word lists (to|tre|tretti) are fine unless one word is another word plus
                # the start of a next round.
                short, long = sorted((a, b), key=len)
                rest = long[len(short) :]
                clash = long.startswith(short) and (not rest or bool(_case(rest) & loop))
            else:
                x, y = steps[i] or _case(a or ""), steps[j] or _case(b or "")
                one_step = (steps[i] or len(a or "") == 1) and (steps[j] or len(b or "") == 1)
                clash = bool(one_step and x & y)
            if clash:
                raise _Unsafe("a repeated group whose alternatives can match the same text")


def _literal(items: list[tuple[Any, Any]]) -> str | None:
    if all(op == _c.LITERAL for op, _ in items) and len(items) <= 40:
        return "".join(chr(av).lower() for _, av in items)
    return None


def _case(text: str) -> frozenset[str]:
    return frozenset({text[:1], text[:1].lower(), text[:1].upper()}) - {""}


def _first(items: list[tuple[Any, Any]]) -> frozenset[str]:
    """Characters a sequence can start with (approximate, over _ALPHABET)."""
    out: frozenset[str] = frozenset()
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if _is_repeat(op):
            out |= _first(list(av[2]))
            if av[0] > 0:
                return out
            continue
        if op == _c.SUBPATTERN:
            out |= _first(list(av[-1]))
            if _nullable(list(av[-1])):
                continue
            return out
        if op == _c.BRANCH:
            for alternative in av[1]:
                out |= _first(list(alternative))
            if any(_nullable(list(alt)) for alt in av[1]):
                continue
            return out
        return out | _chars([(op, av)])
    return out


def _chars(items: list[tuple[Any, Any]]) -> frozenset[str]:
    """Characters any single step of `items` can match (approximate, over _ALPHABET)."""
    out: set[str] = set()
    for op, av in items:
        if op == _c.LITERAL:
            out |= {chr(av), chr(av).lower(), chr(av).upper()}
        elif op == _c.NOT_LITERAL or op == _c.ANY:
            out |= _all_but(av if op == _c.NOT_LITERAL else None)
        elif op == _c.IN:
            out |= _in_set(tuple(av))
        elif op in (_c.SUBPATTERN, _c.BRANCH) or _is_repeat(op):
            subs = [av[-1]] if op == _c.SUBPATTERN else av[1] if op == _c.BRANCH else [av[2]]
            for sub in subs:
                out |= _chars(list(sub))
    return frozenset(out)


@functools.cache
def _all_but(code: int | None) -> frozenset[str]:
    """`.` (None) or `[^x]`: every character but a newline (or x)."""
    skip = chr(code).lower() if code is not None else "\n"
    return frozenset(ch for ch in _ALPHABET if ch != "\n" and ch.lower() != skip)


@functools.cache
def _in_set(av: tuple[tuple[Any, Any], ...]) -> frozenset[str]:
    """The characters of a class like [a-z\\d], computed once per distinct class."""
    negate = any(op == _c.NEGATE for op, _ in av)
    hit: set[str] = set()
    for op, arg in av:
        if op == _c.LITERAL:
            hit |= {ch for ch in _ALPHABET if ch.lower() == chr(arg).lower()}
        elif op == _c.RANGE:
            hit |= {ch for ch in _ALPHABET if arg[0] <= ord(_lower(ch)) <= arg[1]}
            hit |= {ch for ch in _ALPHABET if arg[0] <= ord(ch) <= arg[1]}
        elif op == _c.CATEGORY:
            hit |= _CATEGORIES.get(str(arg), frozenset(_ALPHABET))
    return frozenset(_ALPHABET) - hit if negate else frozenset(hit)


def _lower(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch  # 'İ'.lower() is two characters


_WORD = frozenset(ch for ch in _ALPHABET if ch.isalnum() or ch == "_")
_DIGIT = frozenset(ch for ch in _ALPHABET if ch.isdigit())
_SPACE = frozenset(ch for ch in _ALPHABET if ch.isspace())
_EVERY = frozenset(_ALPHABET)
_CATEGORIES = {
    "CATEGORY_DIGIT": _DIGIT,
    "CATEGORY_NOT_DIGIT": _EVERY - _DIGIT,
    "CATEGORY_SPACE": _SPACE,
    "CATEGORY_NOT_SPACE": _EVERY - _SPACE,
    "CATEGORY_WORD": _WORD,
    "CATEGORY_NOT_WORD": _EVERY - _WORD,
}
