"""Run a scenario's conversation tests against a customer (scripted, or any model).

Each test is played N times (a model varies from run to run; every run draws the scenario's
variation from its own seed), every reply is checked against the invariants and each line's
expectations, and the result is a pass rate per test and per invariant, with the failing
replies quoted. The customer is reached only through the Customer port.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from roleplay.domain.scenario import Scenario
from roleplay.domain.scenario_tests import (
    INVARIANTS,
    ConversationTest,
    Secrets,
    check_expect,
    check_reply,
    fact_evidence,
    name_evidence,
    reveals,
)
from roleplay.domain.session import Turn
from roleplay.domain.signals import matches
from roleplay.domain.variation import ScenarioRun, draw
from roleplay.services.ports import (
    Customer,
    CustomerRequest,
    CustomerUnavailable,
    EndCall,
    Marker,
    Sentence,
)

# What else the customer was told, per run (an LLM customer's system prompt); never quoted.
PromptTexts = Callable[[ScenarioRun], Sequence[str]]


@dataclass(frozen=True)
class Miss:
    """One failed check in one run: where, what, and the reply that failed it."""

    run: int
    line: int  # 0: the opening; n: the reply to the rep's n-th line
    check: str
    message: str
    reply: str


@dataclass
class TestResult:
    scenario: str
    test: str
    runs: int = 0
    passed: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.passed / self.runs if self.runs else 0.0


@dataclass
class Report:
    customer: str
    tests: list[TestResult] = field(default_factory=list)
    # invariant -> [replies checked, replies that kept it]
    invariants: dict[str, list[int]] = field(
        default_factory=lambda: {name: [0, 0] for name in INVARIANTS}
    )

    def invariant_rate(self, name: str) -> float:
        n, ok = self.invariants[name]
        return ok / n if n else 0.0

    def below(self, min_pass: float) -> list[str]:
        """Tests and invariants whose pass rate is under `min_pass`."""
        low = [f"{t.scenario}/{t.test}" for t in self.tests if t.rate < min_pass]
        low += [
            k for k, (n, _) in self.invariants.items() if n and self.invariant_rate(k) < min_pass
        ]
        return low


def secrets_for(
    source: Scenario, run: ScenarioRun, prompt_texts: PromptTexts | None = None
) -> Secrets:
    """What the customer of this run must never say, from the raw and the resolved scenario."""
    s = run.scenario
    p = s.persona
    values = {
        k: v
        for dim, option in run.variation.choices.items()
        for o in source.variations.get(dim, [])
        if o.id == option
        for k, v in o.values.items()
    }
    public = [s.title, s.brief, p.name, p.role, p.company]
    lines = customer_lines(s)
    texts = [s.brief, s.context or "", p.personality, p.speaking_style, s.notes or "", *run.moods]
    for f in s.facts:
        texts += [f.fact, f.earn.how]
    for o in s.objections:
        texts += [o.trigger.when, o.handled.how if o.handled else ""]
    texts += [s.end.win.when, s.end.loss.when]
    if prompt_texts is not None:
        texts += list(prompt_texts(run))
    raw = {f.id: [f.fact, *f.reveal] for f in source.facts}
    open_lines = [*public, *lines_without_facts(s)]
    names = name_evidence({f.id: (f.fact, list(f.reveal)) for f in s.facts}, open_lines)
    return Secrets(
        texts=tuple(t for t in texts if t),
        # Introducing itself in full ("Victor Salas, Director of Logistics at Keystone...")
        # quotes the system prompt's first words, and is exactly what it should do.
        allowed=(*lines, f"I'm {p.name}, {p.role} at {p.company}."),
        evidence={
            k: tuple(dict.fromkeys(values_ + names.get(k, ())))
            for k, values_ in fact_evidence(raw, values, open_lines).items()
        },
        name=p.name,
        company=p.company,
    )


def customer_lines(s: Scenario) -> list[str]:
    """Every line the trainer wrote for the customer to say."""
    return [*lines_without_facts(s), *(line for f in s.facts for line in f.reveal)]


def lines_without_facts(s: Scenario) -> list[str]:
    out = [*s.opening, *s.end.win.lines, *s.end.loss.lines, *s.end.time.lines]
    for o in s.objections:
        out += o.phrasings + (o.handled.replies if o.handled else [])
    r, a = s.reactions, s.answers
    out += [*r.pushback, *r.neutral, *r.warm, *a.small_talk, *a.not_yet, *a.acknowledge, *a.odd]
    out += [line for topic in a.situation for line in topic.lines]
    return out


class ConversationTester:
    def __init__(self, customer: Customer, prompt_texts: PromptTexts | None = None) -> None:
        self.customer = customer
        self._prompt_texts = prompt_texts

    def run(
        self,
        scenarios: Sequence[Scenario],
        runs: int = 1,
        seed: int = 0,
        only: Sequence[str] | None = None,
    ) -> Report:
        """Play every test (or those named in `only`) `runs` times, run n on seed+n-1."""
        report = Report(self.customer.name)
        for s in scenarios:
            for test in (t for t in s.tests if not only or t.id in only):
                result = TestResult(s.id, test.id)
                for n in range(runs):
                    result.runs += 1
                    misses = self._play(s, test, seed + n, n + 1, report)
                    result.passed += not misses
                    result.misses += misses
                report.tests.append(result)
        return report

    def _play(
        self, source: Scenario, test: ConversationTest, seed: int, run_no: int, report: Report
    ) -> list[Miss]:
        run = draw(source, seed, test.pinned)
        s = run.scenario
        lines = next(t for t in s.tests if t.id == test.id).lines  # placeholders filled
        secrets = secrets_for(source, run, self._prompt_texts)
        turns: list[Turn] = []
        misses: list[Miss] = []
        revealed: set[str] = set()
        raised: set[str] = set()
        earned: set[str] = set()
        ended: str | None = None
        for k in range(len(lines) + 1):
            if k > 0:
                if ended is not None:
                    misses.append(
                        Miss(run_no, k, "call-ended", f"the call had already ended ({ended})", "")
                    )
                    break
                rep = lines[k - 1].rep
                earned |= {f.id for f in s.facts if matches(f.earn.signals, rep, s.language)}
                turns.append(Turn(index=len(turns), speaker="rep", text=rep, start=0, end=0))
            try:
                reply, tags, ending = self._reply(run, turns)
            except CustomerUnavailable as exc:
                misses.append(Miss(run_no, k, "customer-failed", str(exc), ""))
                break
            turns.append(
                Turn(index=len(turns), speaker="customer", text=reply, start=0, end=0, tags=tags)
            )
            rep_said = " ".join(t.text for t in turns if t.speaker == "rep")
            failures = check_reply(reply, tags, secrets, earned, revealed, rep_said)
            failed = {f.check for f in failures}
            for name in INVARIANTS:
                report.invariants[name][0] += 1
                report.invariants[name][1] += name not in failed
            revealed |= {f.id for f in s.facts if reveals(f.id, reply, tags, secrets, rep_said)}
            raised |= {t.split(":", 1)[1] for t in tags if t.startswith("objection:")}
            ended = ending or ended
            expect = lines[k - 1].expect if k > 0 else None
            if expect is not None:
                failures += check_expect(expect, reply, revealed, raised, ended, s.language)
            misses += [Miss(run_no, k, f.check, f.message, reply) for f in failures]
        return misses

    def _reply(
        self, run: ScenarioRun, turns: list[Turn]
    ) -> tuple[str, tuple[str, ...], str | None]:
        said: list[str] = []
        tags: list[str] = []
        ending: str | None = None
        for event in self.customer.respond(CustomerRequest(run, tuple(turns))):
            if isinstance(event, Sentence):
                said.append(event.text)
            elif isinstance(event, Marker):
                tags.append(event.tag)
            elif isinstance(event, EndCall):
                ending = event.outcome
        return " ".join(said).strip(), tuple(tags), ending
