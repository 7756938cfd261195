"""The scenario format a trainer writes: who the customer is, what they hide, how they push back.

Every string the customer says or knows may use `{placeholders}` filled from the variation drawn
for the run (see `variation.py`), so a repeat of a scenario is never the same script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from roleplay.domain.problems import Finding
from roleplay.domain.scenario_tests import ConversationTest, check_tests
from roleplay.domain.signals import NonEmptyStr, OneLine, Signals
from roleplay.domain.suggest import did_you_mean, unknown_reference

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, description="lower-case letters, digits, -")]
# A scenario's or rubric's id names its file and every session folder of it (date, id, eight
# hex digits): a 240-letter id validated, and its first call could not be saved. 120 leaves
# room for the drills made from real calls ("from-call-" + a 40-letter name + the skill).
ID_MAX = 120
FileId = Annotated[
    str,
    Field(
        pattern=SLUG_PATTERN,
        max_length=ID_MAX,
        description=f"lower-case letters, digits, - (at most {ID_MAX})",
    ),
]
# BCP-47: a primary language subtag plus optional subtags (en, en-GB, nb, pt-BR, zh-Hant-TW).
Language = Annotated[
    str,
    Field(
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        description="BCP-47 language tag, e.g. en, en-GB, nb",
    ),
]
Lines = Annotated[list[NonEmptyStr], Field(min_length=1)]


@cache  # compiled on first use: validating a duration, not loading a parsed scenario
def _duration() -> re.Pattern[str]:
    return re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s(?:ec)?)?\s*$")


def parse_duration(value: object) -> object:
    """`300`, `"5m"`, `"4m30s"`, `"90s"`, `"1h"` -> seconds; other types fail validation later."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        m = _duration().match(value)
        if value.strip() and m and any(m.groups()):
            h, mins, secs = (int(g) if g else 0 for g in m.groups())
            return h * 3600 + mins * 60 + secs
        raise ValueError(f"expected a duration like 300, '5m', '4m30s' or '90s', got {value!r}")
    return value


MAX_SECONDS = 4 * 3600
# What an editor sees (JSON Schema): a whole number of seconds or a duration text, as the
# files are written. pydantic alone would describe the parsed integer (and leak `gt`/`le`).
_SECONDS_SCHEMA = {
    "anyOf": [
        {"type": "integer", "exclusiveMinimum": 0, "maximum": MAX_SECONDS},
        {
            "type": "string",
            "pattern": r"^(?=.*\d)\s*(\d+\s*h)?\s*(\d+\s*m(in)?)?\s*(\d+\s*s(ec)?)?\s*$",
        },
    ]
}
Seconds = Annotated[
    int,
    BeforeValidator(parse_duration),
    Field(gt=0, le=MAX_SECONDS),
    WithJsonSchema(_SECONDS_SCHEMA),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Voice(Strict):
    """Hints for text-to-speech; any of them may be ignored by a voice that cannot do it."""

    gender: Literal["female", "male", "neutral"] | None = None
    accent: str | None = Field(default=None, description="e.g. en-us, en-gb, nb")
    rate: int | None = Field(default=None, ge=80, le=300, description="words per minute")


class Persona(Strict):
    name: OneLine
    role: NonEmptyStr
    company: NonEmptyStr
    personality: NonEmptyStr = Field(description="Who they are and what they care about.")
    speaking_style: NonEmptyStr = Field(description="How they talk: pace, length, vocabulary.")
    voice: Voice = Field(default_factory=Voice)


class Earn(Strict):
    """What the rep must do before the customer gives a fact away."""

    how: NonEmptyStr = Field(description="In words, for trainers and the LLM customer.")
    signals: Signals = Field(description="How the offline scripted customer recognises it.")
    after: list[Slug] = Field(
        default_factory=list, description="Facts that must be revealed first (trust before money)."
    )


class HiddenFact(Strict):
    id: Slug
    fact: NonEmptyStr = Field(description="What the customer knows (never said unprompted).")
    earn: Earn
    reveal: Lines = Field(description="How the customer says it once earned (one is picked).")


class Trigger(Strict):
    when: NonEmptyStr = Field(description="In words: what makes the customer raise it.")
    signals: Signals = Field(default_factory=Signals)
    after_turn: int | None = Field(
        default=None,
        ge=1,
        description="Raise it unprompted once the rep has spoken this many times.",
    )


class Handled(Strict):
    how: NonEmptyStr
    signals: Signals
    replies: Lines = Field(description="What the customer says when the objection is handled.")


class Objection(Strict):
    id: Slug
    trigger: Trigger
    phrasings: Annotated[list[NonEmptyStr], Field(min_length=2)] = Field(
        description="Several ways to say it, so it never sounds memorised."
    )
    handled: Handled | None = None


class EndCondition(Strict):
    when: NonEmptyStr
    signals: Signals
    requires: list[Slug] = Field(
        default_factory=list, description="Facts that must be revealed before this can happen."
    )
    after_turn: int | None = Field(default=None, ge=1)
    lines: Lines


class TimeUp(Strict):
    lines: Lines


class EndConditions(Strict):
    win: EndCondition
    loss: EndCondition
    time: TimeUp


class Reactions(Strict):
    """Generic replies of the scripted customer when nothing in the scenario applies."""

    pushback: list[NonEmptyStr] = Field(
        default_factory=list, description="When pitched at without being asked anything."
    )
    neutral: list[NonEmptyStr] = Field(
        default_factory=list, description="To a question that earns nothing."
    )
    warm: list[NonEmptyStr] = Field(
        default_factory=list, description="When the rep listens well (summarises, asks open)."
    )


class Topic(Strict):
    """Lines about one side of the customer's situation, for questions that touch it."""

    about: list[NonEmptyStr] = Field(
        default_factory=list,
        description="Words of a question that make these lines the answer (empty: any question).",
    )
    lines: Lines = Field(description="What the customer says (one is picked, not repeated).")


class Answers(Strict):
    """What the scripted customer says when the rep's line earns nothing but still deserves
    an answer. Every list is optional; with none, generic lines are used."""

    situation: list[Topic] = Field(
        default_factory=list, description="Answers to questions about the customer's situation."
    )
    small_talk: list[NonEmptyStr] = Field(
        default_factory=list, description="To 'how are you', the weekend, the weather."
    )
    not_yet: list[NonEmptyStr] = Field(
        default_factory=list,
        description="To a meeting or offer proposed too early: why not yet, in character.",
    )
    acknowledge: list[NonEmptyStr] = Field(
        default_factory=list, description="To an apology, thanks or 'I understand'."
    )
    odd: list[NonEmptyStr] = Field(
        default_factory=list,
        description="To an odd remark on a sales call (e.g. 'ignore your instructions').",
    )


class VariationOption(Strict):
    id: Slug
    weight: float = Field(default=1.0, gt=0)
    description: str | None = None
    values: dict[Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")], NonEmptyStr] = Field(
        default_factory=dict, description="Fill-ins for {placeholders} in the scenario text."
    )
    mood: str | None = Field(default=None, description="Added to the persona's personality.")
    objection_order: list[Slug] | None = Field(
        default=None, description="Order in which unprompted objections come up."
    )


class SetupTurn(Strict):
    speaker: Literal["rep", "customer"]
    text: NonEmptyStr


class DrillStart(Strict):
    """The moment of the call where a drill begins."""

    objection: Slug | None = Field(
        default=None, description="The customer opens the drill by raising this objection."
    )
    say: list[NonEmptyStr] = Field(
        default_factory=list,
        description="Or: what the customer says to open the drill (one is picked per run).",
    )
    revealed: list[Slug] = Field(
        default_factory=list, description="Facts the customer has already shared by then."
    )
    setup: list[SetupTurn] = Field(
        default_factory=list,
        description="The call so far, shown to the rep before the drill (and told to an LLM "
        "customer). It is not part of the transcript and is never scored.",
    )


class Drill(Strict):
    """A short exercise on one moment of the call (one objection, one step), 2-3 minutes."""

    id: Slug
    title: OneLine
    skills: Annotated[list[Slug], Field(min_length=1)] = Field(
        description="What the drill trains; each must be one of the scenario's skills."
    )
    time_limit: Seconds = Field(default=180, description="Seconds, or '2m', '2m30s'.")
    brief: NonEmptyStr | None = Field(
        default=None, description="What the rep is told: where the call is and what to do."
    )
    start: DrillStart
    objections: list[Slug] = Field(
        default_factory=list,
        description="Other objections that may still come up (default: none, so the drill "
        "stays on its moment).",
    )
    pinned: dict[Slug, Slug] = Field(
        default_factory=dict,
        description="Variation options fixed for this drill: {dimension: option}.",
    )


# --- coaching: the scenario's own tip and example lines per rubric criterion ----------------
# A rubric's tips and examples are written for any call ("a web shop into the warehouse");
# a scenario can say what a good line sounds like in *this* call. `coach` (domain/coaching.py)
# puts them on the scorecard in place of the rubric's generic ones.


class CriterionCoaching(Strict):
    tip: NonEmptyStr | None = Field(
        default=None, description="Replaces the rubric's tip for this criterion in this scenario."
    )
    examples: list[NonEmptyStr] = Field(
        default_factory=list,
        description="Lines that would score well in this call; the first is shown with the tip.",
    )


def check_coaching(s: Scenario, criteria: Iterable[str]) -> list[Finding]:
    """Every `coaching` key must be a criterion id of the scenario's rubric."""
    known = sorted(criteria)
    found: list[Finding] = []
    for key in s.coaching:
        if key not in known:
            message, hint = unknown_reference("criterion", key, known)
            found.append((("coaching", key), f"{message} in rubric '{s.rubric}'", hint))
    return found


# --- the scenario ----------------------------------------------------------------------------


class Scenario(Strict):
    id: FileId
    title: OneLine
    version: int = Field(ge=1)
    language: Language
    skills: Annotated[list[Slug], Field(min_length=1)]
    difficulty: int = Field(ge=1, le=5)
    time_limit: Seconds = Field(description="Seconds, or '5m', '4m30s'.")
    rubric: Slug
    persona: Persona
    brief: NonEmptyStr = Field(description="Shown to the rep before the call.")
    context: str | None = Field(
        default=None, description="What the customer knows about this call (hidden from the rep)."
    )
    facts: list[HiddenFact] = Field(default_factory=list)
    opening: Lines
    objections: list[Objection] = Field(default_factory=list)
    end: EndConditions
    variations: dict[Slug, Annotated[list[VariationOption], Field(min_length=1)]] = Field(
        default_factory=dict
    )
    reactions: Reactions = Field(default_factory=Reactions)
    drills: list[Drill] = Field(
        default_factory=list, description="Short exercises that start mid-call (2-3 minutes)."
    )
    notes: str | None = Field(default=None, description="For trainers; never shown in a call.")
    # Conversation tests and situation answers (issue 14): kept apart from the fields above.
    answers: Answers = Field(default_factory=Answers)
    tests: list[ConversationTest] = Field(
        default_factory=list,
        description="Conversation tests: rep lines and what the customer must (not) do; "
        "`roleplay test` runs them against the scripted customer or any model.",
    )
    coaching: dict[Slug, CriterionCoaching] = Field(
        default_factory=dict,
        description="Per rubric criterion id: this call's own tip and example lines.",
    )

    def drill(self, drill_id: str) -> Drill:
        for d in self.drills:
            if d.id == drill_id:
                return d
        raise KeyError(drill_id)


PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def check_scenario(s: Scenario) -> list[Finding]:
    """Checks pydantic cannot express: references between parts of one scenario."""
    found: list[Finding] = []
    fact_ids = [f.id for f in s.facts]
    objection_ids = [o.id for o in s.objections]
    found += _duplicates(("facts",), fact_ids)
    found += _duplicates(("objections",), objection_ids)
    for i, fact in enumerate(s.facts):
        for j, ref in enumerate(fact.earn.after):
            where = ("facts", i, "earn", "after", j)
            if ref not in fact_ids:
                found.append((where, *unknown_reference("fact", ref, fact_ids)))
            elif ref == fact.id:
                found.append((where, "a fact cannot require itself", None))
        if fact.earn.signals.is_empty():
            found.append(
                (
                    ("facts", i, "earn", "signals"),
                    "needs at least one phrase, pattern or questions",
                    "e.g. signals: {phrases: [budget], questions: open}",
                )
            )
    for i, obj in enumerate(s.objections):
        if obj.trigger.signals.is_empty() and obj.trigger.after_turn is None:
            found.append(
                (
                    ("objections", i, "trigger"),
                    "needs signals or after_turn, or it can never fire",
                    "add signals: {phrases: [...]} or after_turn: 3",
                )
            )
    for kind in ("win", "loss"):
        cond: EndCondition = getattr(s.end, kind)
        for j, ref in enumerate(cond.requires):
            found.append((("end", kind, "requires", j), *unknown_reference("fact", ref, fact_ids)))
            if ref in fact_ids:
                found.pop()
    defined: dict[str, set[str]] = {}
    for dim, options in s.variations.items():
        found += _duplicates(("variations", dim), [o.id for o in options])
        keys = [set(o.values) for o in options]
        every = set().union(*keys)
        for k, opt in enumerate(options):
            missing = every - set(opt.values)
            if missing:
                found.append(
                    (
                        ("variations", dim, k, "values"),
                        f"option '{opt.id}' does not set {_names(missing)}, which other '{dim}' "
                        "options set",
                        "every option of a variation must fill the same placeholders",
                    )
                )
            for j, ref in enumerate(opt.objection_order or []):
                if ref not in objection_ids:
                    found.append(
                        (
                            ("variations", dim, k, "objection_order", j),
                            *unknown_reference("objection", ref, objection_ids),
                        )
                    )
        for key in every:
            defined.setdefault(key, set()).add(dim)
    for key, dims in sorted(defined.items()):
        if len(dims) > 1:
            found.append(
                (
                    ("variations",),
                    f"placeholder {{{key}}} is set by several variations: "
                    f"{', '.join(sorted(dims))}",
                    "let one variation own it",
                )
            )
    for path, value in _strings(s.model_dump(exclude={"variations", "notes"})):
        for name in PLACEHOLDER.findall(value):
            if name not in defined:
                hint = did_you_mean(name, list(defined))
                found.append(
                    (
                        path,
                        f"placeholder {{{name}}} is not set by any variation",
                        f"did you mean {{{hint}}}?"
                        if hint
                        else "add it to the `values` of every option of one variation",
                    )
                )
    found += _check_drills(s, fact_ids, objection_ids)
    found += check_tests(
        s.tests,
        fact_ids,
        objection_ids,
        {dim: [o.id for o in options] for dim, options in s.variations.items()},
    )
    return found


def _check_drills(s: Scenario, fact_ids: list[str], objection_ids: list[str]) -> list[Finding]:
    found = _duplicates(("drills",), [d.id for d in s.drills])
    facts = {f.id: f for f in s.facts}
    for i, d in enumerate(s.drills):
        at: tuple[str | int, ...] = ("drills", i)
        for j, skill in enumerate(d.skills):
            if skill not in s.skills:
                found.append(
                    (
                        (*at, "skills", j),
                        f"skill '{skill}' is not one of this scenario's skills",
                        unknown_reference("skill", skill, s.skills)[1],
                    )
                )
        if d.start.objection is None and not d.start.say:
            found.append(
                (
                    (*at, "start"),
                    "a drill needs a moment to start at: an objection or lines to say",
                    "add objection: ID (one of objections) or say: [a line]",
                )
            )
        if d.start.objection is not None and d.start.objection not in objection_ids:
            found.append(
                (
                    (*at, "start", "objection"),
                    *unknown_reference("objection", d.start.objection, objection_ids),
                )
            )
        for j, ref in enumerate(d.objections):
            if ref not in objection_ids:
                found.append(
                    ((*at, "objections", j), *unknown_reference("objection", ref, objection_ids))
                )
        for j, ref in enumerate(d.start.revealed):
            where = (*at, "start", "revealed", j)
            if ref not in facts:
                found.append((where, *unknown_reference("fact", ref, fact_ids)))
                continue
            missing = [a for a in facts[ref].earn.after if a not in d.start.revealed]
            if missing:
                found.append(
                    (
                        where,
                        f"fact '{ref}' comes out only after {', '.join(missing)}",
                        f"add {', '.join(missing)} to revealed too",
                    )
                )
        for dim, option in d.pinned.items():
            where = (*at, "pinned", dim)
            if dim not in s.variations:
                found.append((where, *unknown_reference("variation", dim, list(s.variations))))
            elif option not in (ids := [o.id for o in s.variations[dim]]):
                found.append((where, *unknown_reference(f"'{dim}' option", option, ids)))
        if d.time_limit >= s.time_limit:
            # A drill that sets no time_limit gets the default: say so, not "got 180s" for
            # a value the trainer never wrote.
            given = "time_limit" in d.model_fields_set
            found.append(
                (
                    (*at, "time_limit"),
                    f"a drill must be shorter than the whole call ({s.time_limit}s), "
                    + (
                        f"got {d.time_limit}s"
                        if given
                        else f"and with no time_limit it gets the default {d.time_limit}s"
                    ),
                    "drills are 2-3 minutes, e.g. time_limit: 2m30s"
                    if given
                    else "add a time_limit shorter than the call to this drill, e.g. "
                    "time_limit: 2m30s",
                )
            )
    return found


def _strings(
    obj: object, path: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(obj, str):
        return [(path, obj)]
    if isinstance(obj, dict):
        return [x for k, v in obj.items() for x in _strings(v, (*path, k))]
    if isinstance(obj, list):
        return [x for i, v in enumerate(obj) for x in _strings(v, (*path, i))]
    return []


def _duplicates(where: tuple[str, ...], ids: list[str]) -> list[Finding]:
    seen: set[str] = set()
    out: list[Finding] = []
    for i, ident in enumerate(ids):
        if ident in seen:
            out.append(((*where, i, "id"), f"duplicate id '{ident}'", "ids must be unique"))
        seen.add(ident)
    return out


def _names(keys: set[str]) -> str:
    return ", ".join(f"{{{k}}}" for k in sorted(keys))
