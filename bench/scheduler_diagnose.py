"""Where the scheduler's drills go, and how far its level estimate is off: the figures behind
the next change to domain/skill_level.py or domain/queue.py, from bench/scheduler_sim.py's
learners (the same learners, judge and evidence; the learner model is that file's).

Four tables, over days 1-60 (or until every skill is at the pass level):
- drills on a skill already at the pass level while another was below it, by why the queue
  picked it (estimated below the pass level, or at it but likelier below than the rest; FSRS
  brought it back; a new skill): the drills the oracle would have spent elsewhere;
- the estimate minus the true level (levels, 1 + 4p), by reviews of the skill and days since
  the last one, and that error in units of the estimate's spread (1.0: the spread is right);
- the weight the estimate gives each lift and each span after the first practice (first span
  x growth; the learner's is 0.25 and 4 days) on days 10, 20, 40 and 60.
- in the end game (day END_GAME on, until every skill passed), by reviews of the skill: the
  estimate's chance that the skill is below the pass level (a normal with its level and
  spread, as the queue's margin) against how often it truly was.

Issue 18, stop 27 (200 learners, seed 1): 30% of the drills before every skill passed went to a
skill already at the pass level (true level 3.2 on average, estimated 2.9, last practised a
week before, three reviews); the skills left below it meanwhile were estimated 3.1 for a true
2.8, practised twice, two weeks before. Skills practised once are estimated 0.2-0.26 level too
high a week or more later: on day 20 the estimate still spreads its weight evenly over spans of
1.5 to 48 days after a first practice (the learner's: 4), so some of the practice's gain is
believed to last. Skills practised lately and often are estimated 0.1 too low (the evidence
only ever moves a showing down). Spreads are too wide, not too narrow (errors 0.7-0.9 spreads).

Issue 18, stop 30 (60 learners, seed 1, day 30 on): the chance of being below is too low for
skills practised once and estimated safe (said 0.08, truly 0.24, 680 skill-days) and too high
for skills practised four times or more and estimated below (said 0.68, truly 0.42; said 0.48,
truly 0.39): the queue spends end-game drills on the second and leaves the first. What
bench/scheduler_variants.py's `own-prior*` variants did about it is in its docstring.

Issue 18, stop 31 (40 learners, seed 1): every showing the estimate is fed (the judge's level
moved by its evidence) minus the true level the rep performed at: mean -0.11, sd 0.46; the
last of a rep's new skills is first practised on day 36 on average.

Issue 18, stop 32 (60 learners; seeds 1 and 5 fall below 24% at the pass level, seed 2 does
not): the skill that passes last was introduced as #6.6 / #7.1 / #7.5 of 12 on average (seeds 1
/ 5 / 2), first practised on day 16 / 20 / 18.5, drilled 3.6-3.9 times: no late skill holds the
short seeds back. Skills a rep starts at the pass level or above (2.2-2.3 a rep) are drilled
5.1 / 4.8 / 4.3 times a rep before every skill passes: once each to find them out, the rest
because a true 3.0-3.4 shows as 3 or 2 and cannot be told from just below the pass level.

    python3 bench/scheduler_diagnose.py [--learners 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
from collections import Counter, defaultdict
from datetime import UTC, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scheduler_sim as sim
from roleplay.domain.queue import DUE_BELOW, PASS_LEVEL, Need, ahead, needs
from roleplay.domain.schedule import showing

CHECK_DAYS = (10, 20, 40, 60)
END_GAME = 30  # the calibration table's first day
AGES = ("<3", "3-7", "8-15", "16+")  # days since the last review


def why(need: Need, source: str) -> str:
    if need.kind == "new":
        return "a new skill"
    if source == "ahead":
        return "practised ahead (nothing due)"
    if need.level is not None and need.level < PASS_LEVEL:
        return "estimated below the pass level"
    if need.level is not None and need.level < DUE_BELOW:
        return "estimated near the pass level"
    return "brought back by FSRS"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    wasted: Counter[str] = Counter()
    drills = 0
    errors: defaultdict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    weights: defaultdict[int, defaultdict[tuple[str, float], float]] = defaultdict(
        lambda: defaultdict(float)
    )
    # End game (day END_GAME on, before every skill passed): (reviews, chance bin) -> the
    # estimate's chances of being below the pass level and whether the skill truly was.
    calibration: defaultdict[tuple[int, int], list[tuple[float, bool]]] = defaultdict(list)
    # Every showing the estimate was fed minus the true level the rep performed at, and the
    # day each rep's last new skill was first practised.
    showing_errors: list[float] = []
    last_new: list[int] = []
    # Per rep, until every skill passed: the skill that passed last (its place in the
    # introduction order, the day it was first practised, its drills) and the drills spent on
    # skills the rep started at the pass level or above (which never need one).
    last_passed: list[tuple[int, int, int]] = []
    strong_start: list[tuple[int, int]] = []
    model = sim.Model()
    for n in range(args.learners):
        seed = args.seed * 100_003 + n  # as scheduler_sim.compare numbers its learners
        setup = random.Random(seed)
        learner = sim.Learner(
            model, {s: setup.uniform(model.start_low, model.start_high) for s in sim.SKILLS}
        )
        judge, quotes = random.Random(seed * 7919 + 1), random.Random(seed * 6151 + 3)
        sched = sim.Scheduler()
        assert sched.levels is not None
        passed = False
        drilled: Counter[str] = Counter()
        for day in range(sim.DAYS + 1):
            now = sim.START + timedelta(days=day)
            if day in CHECK_DAYS:
                _weigh(sched, weights[day], args.learners)
            if day == sim.DAYS:
                break
            truth = {s: 1 + 4 * learner.now(s, float(day)) for s in sim.SKILLS}
            for skill, est in sched.levels.estimates(list(sched.cards), now).items():
                card = sched.cards[skill]
                if day >= END_GAME and not passed:
                    below = _below(est.level, est.spread)
                    key = (min(card.reviews, 4), min(int(below * 5), 4))
                    calibration[key].append((below, truth[skill] < PASS_LEVEL))
                ago = (now - card.last_review).days
                age = 0 if ago < 3 else 1 if ago < 8 else 2 if ago < 16 else 3
                errors[(min(card.reviews, 5), age)].append((est.level - truth[skill], est.spread))
            allowed = sim.NEW_PER_DAY - sum(1 for d in sched.first.values() if d == day)
            found, source = (
                needs(sim.SKILLS, sched.cards, now, now.date(), UTC, allowed, sched.levels),
                "needs",
            )
            if not found:
                found = ahead(sim.SKILLS, sched.cards, now, now.date(), UTC, sched.levels)
                source = "ahead"
            pick = found[0]
            if not passed:
                drills += 1
                if truth[pick.skill] >= PASS_LEVEL and min(truth.values()) < PASS_LEVEL:
                    wasted[why(pick, source)] += 1
            performed = learner.now(pick.skill, float(day))
            level = learner.drill(pick.skill, float(day), judge)
            evidence = sim.judge_evidence(performed, level, quotes)
            showing_errors.append(showing(level, evidence) - (1 + 4 * performed))
            sched.scored(day, pick.skill, level, evidence)
            if not passed:
                drilled[pick.skill] += 1
            if not passed and min(learner.now(s, day + 1.0) for s in sim.SKILLS) >= 0.5:
                passed = True  # the skill drilled today was the last below the pass level
                skill = pick.skill
                last_passed.append(
                    (sim.SKILLS.index(skill) + 1, sched.first[skill], drilled[skill])
                )
                strong = [s for s in sim.SKILLS if learner.start[s] >= 0.5]
                strong_start.append((len(strong), sum(drilled[s] for s in strong)))
        last_new.append(max(sched.first.values()))

    print(f"{args.learners} learners, seed {args.seed}, learner sha256 {sim.learner_checksum()}")
    print(f"\nDrills until every skill passed: {drills}; on a skill already at the pass level")
    print("while another was below it, by why the queue picked it:")
    for reason, count in wasted.most_common():
        print(f"  {reason:<34}{count:>6} ({100 * count / drills:.0f}%)")
    print("\nEstimate minus true level, by reviews and days since the last one:")
    print(f"  {'reviews':>7}{'days':>6}{'n':>7}{'mean':>8}{'sd':>7}{'sd in spreads':>15}")
    for (reviews, age), pairs in sorted(errors.items()):
        if len(pairs) < 30:
            continue
        errs = [e for e, _ in pairs]
        z = [e / max(s, 1e-6) for e, s in pairs]
        print(
            f"  {reviews:>7}{AGES[age]:>6}{len(pairs):>7}{statistics.fmean(errs):>+8.2f}"
            f"{statistics.stdev(errs):>7.2f}{statistics.stdev(z):>15.2f}"
        )
    print(f"\nEnd game (day {END_GAME} on, until every skill passed): the estimate's chance")
    print("that a skill is below the pass level against how often it truly was:")
    print(f"  {'reviews':>7}{'chance':>10}{'n':>7}{'estimated':>11}{'truly':>8}")
    for (reviews, band), seen in sorted(calibration.items()):
        if len(seen) < 30:
            continue
        shown = f"{band / 5:.1f}-{(band + 1) / 5:.1f}"
        said = statistics.fmean(b for b, _ in seen)
        were = statistics.fmean(float(t) for _, t in seen)
        print(f"  {reviews:>7}{shown:>10}{len(seen):>7}{said:>11.2f}{were:>8.2f}")
    print(
        f"\nThe showing (level moved by its evidence) minus the true level, days 1-60: mean "
        f"{statistics.fmean(showing_errors):+.3f}, sd {statistics.stdev(showing_errors):.3f} "
        f"(the estimate assumes 0 and SHOWING_SD); the last new skill first practised on day "
        f"{statistics.fmean(last_new):.1f} on average"
    )
    if last_passed:
        order = Counter(i for i, _, _ in last_passed)
        place = statistics.fmean(i for i, _, _ in last_passed)
        places = range(1, len(sim.SKILLS) + 1)
        print(
            f"\nThe skill that passed last (reps who got there by day {sim.DAYS}: "
            f"{len(last_passed)}): introduced as #{place:.1f}"
            f" of 12 on average, first practised on day "
            f"{statistics.fmean(d for _, d, _ in last_passed):.1f}, drilled "
            f"{statistics.fmean(n for _, _, n in last_passed):.1f} times; by its place in the "
            f"introduction order: {' '.join(f'#{i}: {order[i]}' for i in places)}"
        )
        print(
            f"Skills a rep started at the pass level or above (they never need a drill): "
            f"{statistics.fmean(n for n, _ in strong_start):.2f} a rep, drilled "
            f"{statistics.fmean(d for _, d in strong_start):.1f} times a rep before every skill "
            "passed"
        )
    print("\nWeight of each candidate lift and span after the first practice (days):")
    for day, weighed in sorted(weights.items()):
        kept = sorted((k, v) for k, v in weighed.items() if v >= 0.02)
        cells = " ".join(f"{name} {x:g}: {v:.2f}" for (name, x), v in kept)
        print(f"  day {day}: {cells}")


def _below(level: float, spread: float) -> float:
    """The estimate's chance that the skill is below the pass level (a normal, as the queue's
    margin assumes)."""
    return 0.5 * (1 + math.erf((PASS_LEVEL - level) / max(spread, 1e-6) / math.sqrt(2)))


def _weigh(
    sched: sim.Scheduler, into: defaultdict[tuple[str, float], float], learners: int
) -> None:
    assert sched.levels is not None
    fits = sched.levels.fits
    best = min(f.misfit for f in fits)
    raw = [math.exp(-(f.misfit - best) / 2) for f in fits]
    total = sum(raw)
    for w, f in zip(raw, fits, strict=True):
        into[("lift", f.lift)] += w / total / learners
        if f.lift > 0:  # without a lift, no gain to keep: its span means nothing
            into[("span", f.first_span * f.growth)] += w / total / learners


if __name__ == "__main__":
    main()
