"""A drill as played: the scenario cut down to one moment of the call.

A drill starts mid-conversation. Nothing is invented in the transcript: the rep's first turn is
really their first. Instead the drawn scenario run is reshaped so that

- the customer's opening line is the drill's moment (the objection's phrasings, or `say`);
- that opening turn carries the tags a real call would have left behind by then
  (`objection:ID` for the objection just raised, `fact:ID` for facts already shared), so the
  scripted customer, which reads the call's state back from those tags, behaves as it would at
  that point of a whole call, and the drill's win condition can be reached;
- only the drill's objections can come up, so the drill stays on its moment;
- the brief tells the rep where the call is (and the setup turns, if any), and the customer's
  hidden context says the same for an LLM customer;
- the time limit and the skills are the drill's.
"""

from __future__ import annotations

from dataclasses import replace

from roleplay.domain.scenario import Drill, Scenario
from roleplay.domain.variation import ScenarioRun


def drill_run(run: ScenarioRun, drill_id: str) -> ScenarioRun:
    """`run` (a drawn whole call) reshaped to start at the drill's moment."""
    s = run.scenario
    d = s.drill(drill_id)  # resolved: placeholders in the drill are filled too
    keep = set(d.objections) | ({d.start.objection} if d.start.objection else set())
    opening = list(d.start.say)
    if not opening and d.start.objection:
        opening = list(next(o.phrasings for o in s.objections if o.id == d.start.objection))
    shaped = s.model_copy(
        update={
            "title": f"{s.title} · drill: {d.title}",
            "skills": list(d.skills),
            "time_limit": d.time_limit,
            "brief": drill_brief(s, d),
            "context": _context(s, d, opening),
            "opening": opening,
            "objections": [o for o in s.objections if o.id in keep],
        }
    )
    order = tuple(i for i in run.objection_order if i in keep)
    return replace(run, scenario=shaped, objection_order=order)


def opening_tags(d: Drill) -> tuple[str, ...]:
    """Tags the drill's opening turn carries: the state of the call at that moment."""
    tags = [f"fact:{f}" for f in d.start.revealed]
    if d.start.objection:
        tags.append(f"objection:{d.start.objection}")
    return (*tags, "drill-start")


def drill_brief(s: Scenario, d: Drill) -> str:
    parts = [d.brief or s.brief]
    if d.start.setup:
        name = s.persona.name.split()[0]
        said = [f"{'You' if t.speaker == 'rep' else name}: {t.text}" for t in d.start.setup]
        parts.append("Earlier in the call: " + " / ".join(said))
    parts.append("The drill starts mid-call, at this moment; the customer speaks first.")
    return "\n\n".join(parts)


def _context(s: Scenario, d: Drill, opening: list[str]) -> str:
    lines = [s.context or ""]
    lines.append(
        "This is a short drill that starts in the middle of the call. You open it by saying "
        f"one of: {' | '.join(opening)}"
    )
    if d.start.setup:
        lines.append(
            "Earlier in the call: "
            + " / ".join(
                f"{'Rep' if t.speaker == 'rep' else 'You'}: {t.text}" for t in d.start.setup
            )
        )
    shared = [f.fact for f in s.facts if f.id in d.start.revealed]
    if shared:
        lines.append("You have already told the rep: " + " ".join(shared))
    return "\n".join(line for line in lines if line)
