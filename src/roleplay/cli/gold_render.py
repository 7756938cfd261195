"""Text for `roleplay calibrate` on gold calls: agreement per criterion, then the calls."""

from __future__ import annotations

from pathlib import Path

from roleplay.services.calibration import RELIABLE_PAIRS
from roleplay.services.gold import GoldReport, mean, worst

PARAPHRASE_LIMIT = 0.5  # a judge that reads behaviour loses at most this much to a paraphrase
GAMING_LIMIT = 0.1  # ... and gains at most this much from stuffing or instructions


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None, fmt: str = "{:.2f}") -> str:
    return "-" if x is None else fmt.format(x)


def gold_report(r: GoldReport, folder: Path) -> str:
    rows = [f"Judge: {r.judge}   gold calls: {len(r.calls)} from {folder}", ""]
    if r.failed:
        rows[0] += f"   ({r.failed} more gave no usable answer: see the end)"
    rows.append(
        f"{'CRITERION':<22} {'PAIRS':>5} {'EXACT':>6} {'±1':>5} {'KAPPA':>6} "
        f"{'95% INTERVAL':>13} {'BIAS':>5}"
    )
    for a in r.criteria:
        interval = "-" if a.kappa_low is None else f"{a.kappa_low:.2f} to {_num(a.kappa_high)}"
        flag = "" if a.reliable else "  *"
        rows.append(
            f"{a.criterion[:22]:<22} {a.pairs:>5} {_pct(a.exact):>6} {_pct(a.within_one):>5} "
            f"{_num(a.kappa):>6} {interval:>13} {_num(a.mean_difference, '{:+.1f}'):>5}{flag}"
        )
    done, total = r.ranking
    rows.append("")
    rows.append(
        f"Ranking (strong > mixed > poor, per scenario): {done}/{total} pairs in the trainers' "
        f"order ({_pct(done / total if total else None)})"
    )
    rows.append(
        f"Paraphrase drop (base minus paraphrased overall): mean "
        f"{_num(mean(r.paraphrase_drop))}, worst {_num(worst(r.paraphrase_drop))} "
        f"(a judge that reads behaviour: at most {PARAPHRASE_LIMIT})"
    )
    rows.append(
        f"Gaming gain (gamed or instructed minus base overall): mean "
        f"{_num(mean(r.gaming_gain))}, worst {_num(worst(r.gaming_gain))} "
        f"(at most {GAMING_LIMIT})"
    )
    rows.append("")
    rows.append(f"{'CALL':<40} {'KIND':<12} {'TRAINER':>7} {'JUDGE':>6}")
    for c in r.calls:
        rows.append(
            f"{c.name[:40]:<40} {c.kind:<12} {c.gold_overall:>7.2f} {_num(c.judge_overall):>6}"
        )
    rows.append("")
    rows.append(
        "KAPPA is quadratic-weighted Cohen's kappa (1 = perfect, 0 = chance), with a bootstrap "
        "95% interval. BIAS is the judge's level minus the trainer's, on average (+ means "
        "generous)."
    )
    thin = [a.criterion for a in r.criteria if not a.reliable]
    if thin:
        rows.append(
            f"* Fewer than {RELIABLE_PAIRS} pairs: these figures are not yet reliable. Add gold "
            "calls (gold/<scenario>/<call>.yaml) to narrow them."
        )
    for p in r.problems:
        rows.append(f"skipped: {p}")
    return "\n".join(rows)
