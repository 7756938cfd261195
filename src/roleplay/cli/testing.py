"""`roleplay test`: does this customer (scripted, or your model) play the scenarios faithfully?"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from roleplay.cli.app import JsonOpt, app, build_services, emit_json, fail

if TYPE_CHECKING:
    from roleplay.services.conversation_tests import Report

SHOWN_MISSES = 3  # failing replies quoted per test in the text output (--json has them all)


class CustomerKind(StrEnum):
    auto = "auto"
    scripted = "scripted"
    llm = "llm"


@app.command("test")
def test_command(
    scenarios: Annotated[
        list[str] | None, typer.Argument(help="Scenario ids or files; default: every scenario.")
    ] = None,
    customer: Annotated[
        CustomerKind,
        typer.Option(help="scripted, llm (the configured model), or auto (llm when configured)."),
    ] = CustomerKind.auto,
    runs: Annotated[
        int, typer.Option(min=1, max=100, help="Runs per test (models vary; so do variations).")
    ] = 3,
    min_pass: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Pass rate every test and invariant must reach."),
    ] = 1.0,
    only: Annotated[
        list[str] | None, typer.Option("--test", help="Run only the tests with this id.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the first run (run n uses seed+n-1).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Run the scenarios' conversation tests against the customer; exit 1 below --min-pass."""
    from roleplay.services.catalog import UnknownScenario
    from roleplay.services.conversation_tests import ConversationTester, PromptTexts
    from roleplay.services.ports import Customer

    services = build_services()
    catalog = services.catalog()
    if scenarios:
        try:
            chosen = [catalog.scenario(ref).scenario for ref in scenarios]
        except UnknownScenario as exc:
            raise fail(str(exc)) from None
    else:
        chosen = sorted((e.scenario for e in catalog.scenarios.values()), key=lambda s: s.id)
    chosen = [s for s in chosen if s.tests]
    if not chosen:
        raise fail(
            "no scenario here has tests: add a `tests:` block (see README, Check your model)"
        )
    prompt: PromptTexts | None = None
    who: Customer
    if customer is CustomerKind.scripted or (customer is CustomerKind.auto and not services.llm):
        from roleplay.composition import scripted_customer

        who = scripted_customer()
    else:
        if services.llm is None:
            raise fail(
                "no LLM is configured: export OPENAI_API_KEY, or set base_url and model under "
                "[llm] in the config file (`roleplay doctor` checks it)"
            )
        from roleplay.composition import llm_customer

        who, prompt = llm_customer(services.llm)
    report = ConversationTester(who, prompt).run(chosen, runs=runs, seed=seed, only=only)
    if not report.tests:
        raise fail(f"no test called {', '.join(only or [])} in these scenarios")
    low = report.below(min_pass)
    if as_json:
        emit_json(_as_json(report, min_pass, low))
    else:
        _print(report, runs, min_pass, low)
    raise typer.Exit(1 if low else 0)


def _pct(rate: float) -> str:
    return f"{round(rate * 100):>3}%"


def _print(report: Report, runs: int, min_pass: float, low: list[str]) -> None:
    scenarios = sorted({t.scenario for t in report.tests})
    typer.echo(
        f"Testing {len(report.tests)} test(s) in {len(scenarios)} scenario(s) against "
        f"{report.customer}, {runs} run(s) each.\n"
    )
    for sid in scenarios:
        typer.echo(sid)
        for t in (t for t in report.tests if t.scenario == sid):
            mark = "ok  " if t.rate >= min_pass else "FAIL"
            typer.echo(f"  {mark} {_pct(t.rate)}  {t.test:<28} ({t.passed}/{t.runs} runs)")
            for m in t.misses[:SHOWN_MISSES]:
                where = "the opening" if m.line == 0 else f"the reply to line {m.line}"
                typer.echo(f"         run {m.run}, {where}: {m.check}: {m.message}")
                if m.reply:
                    typer.echo(f'           "{_clip(m.reply)}"')
            if len(t.misses) > SHOWN_MISSES:
                typer.echo(f"         ... and {len(t.misses) - SHOWN_MISSES} more (--json)")
    typer.echo("\nInvariants, over every reply:")
    for name, (n, _) in report.invariants.items():
        typer.echo(f"  {_pct(report.invariant_rate(name))}  {name:<20} (n={n})")
    passing = sum(t.rate >= min_pass for t in report.tests)
    typer.echo(
        f"\n{passing}/{len(report.tests)} tests at or above {_pct(min_pass).strip()}."
        + (f" Below: {', '.join(low)}." if low else "")
    )


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _as_json(report: Report, min_pass: float, low: list[str]) -> dict[str, object]:
    return {
        "customer": report.customer,
        "min_pass": min_pass,
        "ok": not low,
        "below": low,
        "tests": [
            {
                "scenario": t.scenario,
                "test": t.test,
                "runs": t.runs,
                "passed": t.passed,
                "rate": t.rate,
                "misses": [
                    {
                        "run": m.run,
                        "line": m.line,
                        "check": m.check,
                        "message": m.message,
                        "reply": m.reply,
                    }
                    for m in t.misses
                ],
            }
            for t in report.tests
        ],
        "invariants": {
            name: {"n": n, "kept": ok, "rate": report.invariant_rate(name)}
            for name, (n, ok) in report.invariants.items()
        },
    }
