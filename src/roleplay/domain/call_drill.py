"""From a scored real call to drills: its weakest moments, and a scenario file for each.

A moment is a low-scoring criterion with the customer's words just before the rep's turn that
the judge cited for it (counter-evidence first, since it shows what went wrong; else evidence;
else the rep's reply to the customer's longest turn). The drill opens with the customer's actual
words, shows the turns before them as the call so far, and trains the criterion's skill. The
persona and context come from a scenario the trainer chooses (its rubric must not matter: the
drill is scored with the call's rubric), or from a minimal one made from the call itself. The
result is plain scenario YAML: a trainer can edit it like any other, and it validates.

A backchannel ("Right." said inside the customer's sentence, kpis.floor) is not a turn of the
call so far: the drill opens with a turn the customer took and shows the three turns taken
before it. Before, "You: Right." stood between the customer's sentence and the rep's next
question in the set-up, and pushed a real turn out of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from roleplay.domain.call import SIDE_NAMES
from roleplay.domain.kpis import floor, holds_floor
from roleplay.domain.rubric import Rubric
from roleplay.domain.scenario import parse_duration
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import Transcript, Turn

DRILL_PREFIX = "from-call-"  # scenario ids of drills made from real calls


@dataclass(frozen=True)
class Moment:
    criterion: str
    name: str
    skill: str
    level: int
    tip: str
    opening: Turn  # the customer's words the drill opens with
    before: tuple[Turn, ...]  # the turns before them (the call so far, shown to the rep)


def weakest_moments(t: Transcript, card: Scorecard, limit: int = 2) -> list[Moment]:
    """The lowest-scoring criteria below the pass level (at least the lowest one), each with
    the customer turn just before the rep's turn it was judged on."""
    scored = sorted(
        (c for c in card.criteria if c.level is not None),
        key=lambda c: (c.level or 0, -c.weight, c.id),
    )
    weak = [c for c in scored if (c.level or 0) < card.pass_threshold] or scored[:1]
    moments: list[Moment] = []
    for c in weak:
        cited = [e.turn for e in (*c.counter_evidence, *c.evidence)]
        rep_turn = next((i for i in cited if 0 <= i < len(t.turns)), None)
        opening = _customer_before(t.turns, rep_turn) if rep_turn is not None else None
        if opening is None:
            opening = _longest_customer_turn(t.turns)
        if opening is None:
            continue
        if any(m.opening.index == opening.index and m.skill == c.skill for m in moments):
            continue
        taken = floor(t.turns[: opening.index])
        moments.append(
            Moment(
                c.id,
                c.name,
                c.skill,
                c.level or 1,
                c.tip,
                opening,
                tuple(taken[-3:]),
            )
        )
        if len(moments) >= limit:
            break
    return moments


def _customer_before(turns: tuple[Turn, ...], rep_index: int) -> Turn | None:
    for turn in reversed(turns[:rep_index]):
        if turn.speaker == "customer" and turn.text.strip() and holds_floor(turn):
            return turn
    return None


def _longest_customer_turn(turns: tuple[Turn, ...]) -> Turn | None:
    said = [t for t in floor(turns) if t.speaker == "customer" and t.text.strip()]
    return max(said, key=lambda t: len(t.text.split()), default=None)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "call"


def drill_id(t: Transcript, moment: Moment) -> str:
    """The scenario id of a drill made from `t`: the call's file name and the skill, as a
    trainer would name it ("from-call-acme-renewal-active-listening"). Before, it was made
    of the session id ("from-call-call-ff9524-active-listening"). Not unique by itself: two
    calls can share a file name (services/call_drills.py numbers the second)."""
    source = call_name(t)
    stem = PurePath(source).stem if source else ""
    name = re.sub(r"^(?:call-)+|(?:-call)+$", "", slug(stem)) if stem else ""
    if not name or name == "call":  # "call.wav" said nothing: the day it was scored
        name = f"{t.record.started_at:%Y-%m-%d}"
    return f"{DRILL_PREFIX}{name}-{slug(moment.skill)}"


def call_name(t: Transcript) -> str:
    """The recorded call's file name ("Berg renewal.wav"), or "" when it was not kept."""
    return str(t.record.settings.get("source") or t.record.scenario.title or "")


def legacy_drill_id(t: Transcript, moment: Moment) -> str:
    """The id drills made from `t` had before drill_id: a file made then is still the drill
    made from this moment (found again, not made a second time)."""
    tag = slug(t.record.id)[-12:].strip("-")
    return f"{DRILL_PREFIX}{tag}-{slug(moment.criterion)}"


def drill_scenario(
    moment: Moment,
    t: Transcript,
    rubric: Rubric,
    day: date,
    base: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A scenario mapping (to dump as YAML) holding one drill on `moment`.

    `base`: the chosen scenario's own mapping (as loaded from its YAML); persona, context,
    facts, objections, endings and variations are kept; its drills are not."""
    words = moment.opening.text.strip()
    trained = set(rubric.skills)
    drill: dict[str, Any] = {
        "id": slug(f"{moment.criterion}"),
        "title": f"From your call: {moment.name}",
        "skills": [moment.skill],
        "time_limit": 150,
        "brief": (
            f"From your recorded call of {day.isoformat()}. At this moment {moment.name} "
            f"scored {moment.level} of 5 ({moment.tip.strip().rstrip('.')}). The customer "
            "says again what they said then; take it from here."
        ),
        "start": {"say": [words]},
    }
    setup = [
        {"speaker": x.speaker, "text": x.text.strip()} for x in moment.before if x.text.strip()
    ]
    if setup:
        drill["start"]["setup"] = setup
    if base is not None:
        doc = {k: v for k, v in base.items() if k not in {"drills", "notes"}}
        skills = [s for s in doc.get("skills", []) if s in trained]
        doc["skills"] = [moment.skill, *[s for s in skills if s != moment.skill]]
        doc["id"] = drill_id(t, moment)
        doc["title"] = f"{base.get('title', 'Call')} · from {_the_call(t)}"
        doc["version"] = 1
        doc["rubric"] = rubric.id
        doc["notes"] = (
            f"Made by roleplay from session {t.record.id} ({rubric.id}: {moment.name} at level "
            f"{moment.level}), on scenario '{base.get('id')}'. Edit freely."
        )
        whole = parse_duration(base.get("time_limit", 300))
        if isinstance(whole, int | float):  # a drill must be shorter than the whole call
            drill["time_limit"] = int(max(60, min(150, whole - 30)))
        doc["drills"] = [drill]
        return doc
    return _minimal(moment, t, rubric, drill)


def _minimal(
    moment: Moment, t: Transcript, rubric: Rubric, drill: dict[str, Any]
) -> dict[str, Any]:
    """A scenario made from the call alone: the customer as they came across on it."""
    said = [x.text.strip() for x in floor(t.turns) if x.speaker == "customer" and x.text.strip()]
    heard = " / ".join(said[:8])[:900].rstrip(" .")  # the sentence below ends it: never ".."
    words = moment.opening.text.strip()
    return {
        "id": drill_id(t, moment),
        "title": f"From {_the_call(t)}: {moment.name}",
        "version": 1,
        "language": t.record.language,
        "skills": [moment.skill],
        "difficulty": 2,
        "time_limit": "5m",
        "rubric": rubric.id,
        "persona": {
            "name": _customer_name(t),
            # "You are calling Customer, a customer at the company on your recorded call."
            # (it read "..., the customer from your recorded call at their company.")
            "role": "a customer",
            "company": "the company on your recorded call",
            "personality": "As on the recorded call: their concerns are the ones they raised.",
            "speaking_style": "Like on the call: short, everyday sentences.",
        },
        "brief": f'A moment from your recorded call. The customer said: "{words}"',
        "context": (
            "You are the customer from a real recorded sales call. What you said on it: "
            f"{heard}. Stay consistent with that; do not invent big new problems."
        ),
        "opening": [words],
        "end": {
            "win": {
                "when": "The rep handles the moment well and agrees a concrete next step.",
                "signals": {"phrases": ["next step", "follow up", "send you", "book"]},
                "lines": ["Alright, let's do that."],
            },
            "loss": {
                "when": "The rep pushes or talks over the customer's concern.",
                "signals": {"phrases": ["sign today", "you have to"]},
                "lines": ["I don't think this is for us."],
            },
            "time": {"lines": ["I have to go, let's pick this up later."]},
        },
        "notes": (
            f"Made by roleplay from session {t.record.id} ({rubric.id}: {moment.name} at level "
            f"{moment.level}). Edit freely: add a persona, facts and objections."
        ),
        "drills": [drill],
    }


def _the_call(t: Transcript) -> str:
    """How a drill's title names its call: two calls' drills on one skill were both "From a
    real call: Active listening" in `today` and the app's lists."""
    name = call_name(t)
    return f"the call {name}" if name else "a real call"


# What `transcribe --speakers` calls the sides until told who is who, and the customer after.
_NO_NAME = {*(n.casefold() for n in SIDE_NAMES.values()), "customer"}


def _customer_name(t: Transcript) -> str:
    """The customer's name as the transcript gives it ("Dana"), else "Customer": the app and
    the CLI label the customer's lines with the name's first word, and "The customer" made
    every line read "The: ..."."""
    for turn in t.turns:
        if turn.speaker == "customer":
            for tag in turn.tags:
                name = tag.removeprefix("speaker:").strip()
                if tag.startswith("speaker:") and name and name.casefold() not in _NO_NAME:
                    return name
    return "Customer"
