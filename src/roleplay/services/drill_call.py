"""Start a call at a drill's moment, with any customer (scripted or LLM)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from roleplay.domain.drill import drill_run, opening_tags
from roleplay.domain.scenario import Scenario
from roleplay.domain.session import DrillRef
from roleplay.domain.suggest import unknown_reference
from roleplay.domain.variation import ScenarioRun, draw
from roleplay.services.catalog import UnknownScenario
from roleplay.services.ports import Customer, CustomerEvent, CustomerRequest, Marker


class UnknownDrill(UnknownScenario):
    """No such drill in the scenario (the message lists the ones there are)."""


class DrillOpening:
    """Wraps the customer so that the drill's opening turn carries the state of the call at
    that moment (an objection just raised, facts already shared) as tags; every later turn
    is the wrapped customer's own."""

    def __init__(self, inner: Customer, tags: tuple[str, ...]) -> None:
        self.inner = inner
        self._tags = tags

    @property
    def name(self) -> str:
        return self.inner.name

    def respond(self, request: CustomerRequest) -> Iterator[CustomerEvent]:
        if not request.turns:
            for tag in self._tags:
                yield Marker(tag)
        yield from self.inner.respond(request)


def start_drill(
    scenario: Scenario,
    drill_id: str,
    seed: int,
    pinned: Mapping[str, str] | None,
    customer: Customer,
) -> tuple[ScenarioRun, Customer, DrillRef]:
    """The run, customer and record of a drill; the drill's pinned options win over `pinned`."""
    try:
        drill = scenario.drill(drill_id)
    except KeyError:
        message, hint = unknown_reference("drill", drill_id, [d.id for d in scenario.drills])
        raise UnknownDrill(f"scenario '{scenario.id}': {message}; {hint}") from None
    run = draw(scenario, seed, {**(pinned or {}), **drill.pinned})
    return (
        drill_run(run, drill_id),
        DrillOpening(customer, opening_tags(drill)),
        DrillRef(id=drill.id, title=drill.title, skills=tuple(drill.skills)),
    )


def prepare_run(
    scenario: Scenario,
    seed: int,
    pinned: Mapping[str, str] | None,
    customer: Customer,
    drill: str | None,
) -> tuple[ScenarioRun, Customer, DrillRef | None]:
    """A whole call (`drill` None) or a drill: its run, its customer, the drill to record."""
    if drill is None:
        return draw(scenario, seed, dict(pinned or {})), customer, None
    return start_drill(scenario, drill, seed, pinned, customer)
