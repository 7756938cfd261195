"""Does the scripted customer answer what the rep said? The share of relevant replies.

Plays every rep line of tests/data/customer_relevance.yaml (written for this measure, each
labelled with the kinds of reply a trainer accepts as relevant) against the scripted customer,
for a few variation seeds, and prints the share of replies whose kind is one of the accepted
ones. The kind of a reply comes from its tags: fact:ID, objection:ID, handled:ID, end:win/loss,
and reaction:KIND for the customer's generic answers. A reply that carries two kinds (an answer
followed by a due objection) counts as relevant when either is accepted.

An older scripted customer tags every generic answer just `reaction`; its kind is then read from
the list the line came from (warm, pushback, neutral), so the figure before and after is
measured the same way:

    PYTHONPATH=/work/main/src python bench/customer_relevance.py --scenarios /work/main/scenarios
    PYTHONPATH=src python bench/customer_relevance.py
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from roleplay.adapters import scripted_customer
from roleplay.domain.scenario import Scenario
from roleplay.domain.session import Turn
from roleplay.domain.variation import draw
from roleplay.services.catalog import load_catalog
from roleplay.services.ports import CustomerRequest, Marker, Sentence

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "customer_relevance.yaml"


def reply_kinds(scenario: Scenario, text: str, tags: Sequence[str]) -> set[str]:
    kinds = {t for t in tags if t.split(":", 1)[0] in {"fact", "objection", "handled", "end"}}
    kinds |= {t.split(":", 1)[1] for t in tags if t.startswith("reaction:")}
    if "reaction" in tags:  # an older customer: which list did the line come from?
        defaults = getattr(scripted_customer, "_DEFAULT_REACTIONS", {})
        lang = scenario.language.split("-")[0]
        for kind in ("warm", "pushback", "neutral"):
            pool = list(getattr(scenario.reactions, kind)) + list(
                defaults.get(lang, defaults.get("en", {})).get(kind, ())
            )
            if any(line in text for line in pool):
                kinds.add(kind)
    return kinds


def play(scenario: Scenario, seed: int, before: Sequence[str], say: str) -> tuple[str, set[str]]:
    customer = scripted_customer.ScriptedCustomer()
    run = draw(scenario, seed)
    turns: list[Turn] = []

    def reply() -> tuple[str, list[str]]:
        said, tags = [], []
        for event in customer.respond(CustomerRequest(run, tuple(turns))):
            if isinstance(event, Sentence):
                said.append(event.text)
            elif isinstance(event, Marker):
                tags.append(event.tag)
        text = " ".join(said)
        turns.append(
            Turn(index=len(turns), speaker="customer", text=text, start=0, end=0, tags=tuple(tags))
        )
        return text, tags

    reply()
    for line in [*before, say]:
        turns.append(Turn(index=len(turns), speaker="rep", text=line, start=0, end=0))
        text, tags = reply()
    return text, reply_kinds(run.scenario, text, tags)


def measure(scenarios_dir: Path, data: Path = DATA, seeds: int = 3) -> dict[str, Any]:
    catalog = load_catalog([scenarios_dir], [scenarios_dir.parent / "rubrics"])
    labelled = yaml.safe_load(data.read_text("utf-8"))
    rows = []
    for sid, items in labelled.items():
        scenario = catalog.scenario(sid).scenario
        for item in items:
            for seed in range(seeds):
                text, kinds = play(scenario, seed, item.get("before", []), item["say"])
                rows.append(
                    {
                        "scenario": sid,
                        "seed": seed,
                        "say": item["say"],
                        "reply": text,
                        "kinds": sorted(kinds),
                        "accept": item["accept"],
                        "relevant": bool(kinds & set(item["accept"])),
                    }
                )
    lines = sum(len(v) for v in labelled.values())
    share = sum(r["relevant"] for r in rows) / len(rows)
    per = {
        sid: sum(r["relevant"] for r in rows if r["scenario"] == sid)
        / sum(r["scenario"] == sid for r in rows)
        for sid in labelled
    }
    return {"lines": lines, "replies": len(rows), "share": share, "per": per, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=Path, default=REPO / "scenarios")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--show", action="store_true", help="list the irrelevant replies")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.scenarios, seeds=args.seeds)
    if args.json:
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
        return
    if args.show:
        for r in result["rows"]:
            if not r["relevant"]:
                print(f"[{r['scenario']} s{r['seed']}] {r['say']}\n    -> {r['reply']}")
                print(f"    kinds {r['kinds']}, accepted {r['accept']}")
    for sid, share in result["per"].items():
        print(f"  {share:6.1%}  {sid}")
    print(
        f"relevant replies: {result['share']:.1%} of {result['replies']} "
        f"({result['lines']} rep lines x {args.seeds} seeds)"
    )


if __name__ == "__main__":
    main()
