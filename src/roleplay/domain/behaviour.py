"""Behaviour rules: a level per skill, read from the call's structure (domain/conversation.py).

Each rule follows the rubrics' own level ladders (what a level-3 or a level-5 call does) and
returns the lines it relied on, good and bad, so the scorecard quotes what went right and what
went wrong. Skills without a rule are left to the rubric's signals.
"""

from __future__ import annotations

from collections.abc import Callable

from roleplay.domain.behaviour_base import Reading
from roleplay.domain.behaviour_care import de_escalation, listening, next_steps, ownership
from roleplay.domain.behaviour_sales import (
    acknowledge,
    ask,
    clarify,
    opening,
    pain,
    questions,
    reframe,
    trades,
)
from roleplay.domain.conversation import Call

__all__ = ["RULES", "Reading", "Rule"]

Rule = Callable[[Call], Reading]
RULES: dict[str, Rule] = {
    "active-listening": listening,
    "de-escalation": de_escalation,
    "ownership": ownership,
    "next-steps": next_steps,
    "discovery-questions": questions,
    "pain-quantification": pain,
    "rapport-opening": opening,
    "objection-acknowledge": acknowledge,
    "objection-clarify": clarify,
    "value-reframe": reframe,
    "negotiation-trades": trades,
    "ask-for-commitment": ask,
}
