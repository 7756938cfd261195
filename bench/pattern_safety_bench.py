"""How well the signal-pattern subset (domain/pattern_safety.py) separates patterns that
backtrack badly from those that do not, on random patterns.

Random patterns over a small alphabet (a, b, space, \\w, ., classes, groups, alternation,
quantifiers) are checked, then each is run on adversarial lines (a run of one character or of
a pair, 28 long, then a character that makes the match fail; accepted ones also 1,000 long)
with a time budget. Prints how
many were accepted and slow (the figure that must be 0), rejected and slow (caught), and
rejected though fast (the price of a conservative check).

    PYTHONPATH=src python bench/pattern_safety_bench.py [count] [seed]
"""

from __future__ import annotations

import random
import re
import signal
import sys
import time

from roleplay.domain import pattern_safety

BUDGET = 0.25  # seconds per pattern and line before it counts as "slow" (and is stopped)
SLOW = 0.05  # seconds: a sentence is matched against many patterns per turn
ATOMS = ["a", "b", " ", r"\w", ".", "[ab]", r"\s", "ab", "a b", r"\d"]
QUANTIFIERS = ["", "", "", "?", "*", "+", "{1,3}", "{2,}"]


def random_pattern(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        if depth < 3 and rng.random() < 0.35:
            inner = random_pattern(rng, depth + 1)
            if rng.random() < 0.4:
                inner += "|" + random_pattern(rng, depth + 1)
            parts.append(f"(?:{inner}){rng.choice(QUANTIFIERS)}")
        else:
            parts.append(rng.choice(ATOMS) + rng.choice(QUANTIFIERS))
    return "".join(parts)


def lines(n: int = 28) -> list[str]:
    return [c * n + "!" for c in ("a", "b", " ", "1")] + [p * (n // 2) + "!" for p in ("ab", "a ")]


LONG = 1000  # a long run-on sentence: where polynomial (not exponential) blow-ups show


class _Slow(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise _Slow


def worst_time(pattern: str, n: int = 28) -> float:
    compiled = re.compile(pattern, re.IGNORECASE)
    worst = 0.0
    for line in lines(n):
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, BUDGET)
        try:
            compiled.search(line)
        except _Slow:
            return BUDGET
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        worst = max(worst, time.perf_counter() - started)
    return worst


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    signal.signal(signal.SIGALRM, _alarm)
    seen: set[str] = set()
    accepted_slow: list[str] = []
    tally = {"accepted": 0, "rejected": 0, "rejected_slow": 0, "rejected_fast": 0}
    while len(seen) < count:
        pattern = random_pattern(rng)
        if pattern in seen:
            continue
        seen.add(pattern)
        ok = pattern_safety.problem(pattern) is None
        short = worst_time(pattern)
        long = worst_time(pattern, LONG) if ok else 0.0
        slow = short >= SLOW or long >= SLOW
        tally["accepted" if ok else "rejected"] += 1
        if ok:
            tally["accepted_short_slow"] = tally.get("accepted_short_slow", 0) + (short >= SLOW)
            tally["accepted_budget"] = tally.get("accepted_budget", 0) + (long >= BUDGET)
        if ok and slow:
            accepted_slow.append(pattern)
        elif not ok:
            tally["rejected_slow" if slow else "rejected_fast"] += 1
    print(
        f"{count} random patterns, lines of 29 (and for accepted ones {LONG + 1}) characters, "
        f"slow = {SLOW * 1000:.0f} ms or more"
    )
    print(
        f"  accepted: {tally['accepted']}, of which slow: {len(accepted_slow)} "
        f"(on 29 characters: {tally.get('accepted_short_slow', 0)}; "
        f"past {BUDGET * 1000:.0f} ms on {LONG + 1}: {tally.get('accepted_budget', 0)})"
    )
    print(
        f"  rejected: {tally['rejected']}, of which slow: {tally['rejected_slow']} "
        f"(fast, rejected to be safe: {tally['rejected_fast']})"
    )
    for pattern in accepted_slow[:10]:
        print(f"  accepted but slow: {pattern!r}")


if __name__ == "__main__":
    main()
