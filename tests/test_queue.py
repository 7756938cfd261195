"""Today's queue: which skills, in which order, and which drill or call for each."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from roleplay.domain.queue import (
    NEW_LEVEL,
    Need,
    Option,
    Past,
    ahead,
    fresh_choices,
    needs,
    plan,
    seed_for,
)
from roleplay.domain.scenario import Scenario
from roleplay.domain.schedule import SkillCard, review
from roleplay.domain.variation import draw
from roleplay.services.catalog import load_catalog

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
TODAY = NOW.date()


def card(skill: str, level: int, days_ago: float) -> SkillCard:
    return review(None, skill, level, NOW - timedelta(days=days_ago))


# --- which skills ---------------------------------------------------------------------------


def test_new_skills_come_in_a_few_at_a_time_in_the_given_order() -> None:
    skills = ["a", "b", "c", "d", "e"]
    found = needs(skills, {}, NOW, TODAY, UTC, new_allowed=2)
    assert [(n.skill, n.kind) for n in found] == [("a", "new"), ("b", "new")]
    assert needs(skills, {}, NOW, TODAY, UTC, new_allowed=0) == []
    assert needs(skills, {}, NOW, TODAY, UTC, new_allowed=-3) == []  # cap already used today


def test_practised_skills_are_not_new_any_more() -> None:
    cards = {"a": card("a", 5, 0.1)}  # practised, not due
    found = needs(["a", "b", "c"], cards, NOW, TODAY, UTC, new_allowed=2)
    assert [n.skill for n in found] == ["b", "c"]


def test_only_due_skills_are_queued_and_the_weakest_comes_first() -> None:
    cards = {
        "slipping": card("slipping", 1, 2),  # failed two days ago: retrievability ~0.7
        "merely-due": card("merely-due", 4, 3),  # due today, retrievability ~0.9
        "fresh": card("fresh", 5, 1),  # easy yesterday: not due for a week
    }
    found = needs(["fresh", "merely-due", "slipping", "brand-new"], cards, NOW, TODAY, UTC, 1)
    assert [n.skill for n in found] == ["slipping", "brand-new", "merely-due"]
    slipping, new, due = found
    assert slipping.expected_level < NEW_LEVEL < due.expected_level
    assert new.kind == "new" and new.retrievability is None and new.weak


def test_a_shaky_skill_yesterday_comes_before_a_strong_one_that_is_due() -> None:
    strong = review(None, "strong", 5, NOW)
    strong = review(strong, "strong", 5, strong.due)  # level 5 twice
    now = strong.due + timedelta(days=1)
    shaky = review(None, "shaky", 3, now - timedelta(days=1))  # level 3 yesterday
    found = needs(["strong", "shaky"], {"shaky": shaky, "strong": strong}, now, now.date(), UTC, 0)
    assert [n.skill for n in found] == ["shaky", "strong"]
    r_shaky, r_strong = found[0].retrievability, found[1].retrievability
    assert r_shaky is not None and r_strong is not None
    assert r_strong < r_shaky  # ordering by retrievability alone would put `strong` first


def test_due_means_due_on_the_reps_local_day(monkeypatch) -> None:
    # Reviewed (level 1) at 20:00 UTC: due at 20:00 UTC the next day.
    c = review(None, "s", 1, datetime(2026, 1, 9, 20, 0, tzinfo=UTC))
    assert [n.skill for n in needs(["s"], {"s": c}, NOW, TODAY, UTC, 0)] == ["s"]
    assert needs(["s"], {"s": c}, NOW, TODAY - timedelta(days=1), UTC, 0) == []


def test_practice_ahead_offers_the_least_secure_skill_first() -> None:
    cards = {"solid": card("solid", 5, 0.5), "shaky": card("shaky", 4, 0.5)}  # neither is due
    found = ahead(["solid", "shaky"], cards, NOW, TODAY, UTC)
    assert [n.skill for n in found] == ["shaky", "solid"]
    assert {n.kind for n in found} == {"ahead"}


# --- which drill or call -------------------------------------------------------------------


def opt(scenario: str, skills: tuple[str, ...], drill: str | None = None, **kw) -> Option:
    minutes = kw.pop("minutes", 2.5 if drill else 6.0)
    return Option(
        scenario, scenario.title(), drill, drill, skills, minutes, kw.pop("difficulty", 3), **kw
    )


def need(skill: str, kind: str = "due") -> Need:
    c = None if kind == "new" else card(skill, 3, 2)
    return Need(skill, kind, None if c is None else 0.8, c)  # type: ignore[arg-type]


PRICE = ("acknowledge", "clarify", "reframe", "next-steps")
OPTIONS = {
    "clarify": [opt("price", PRICE), opt("price", ("acknowledge", "clarify"), "too-high")],
    "acknowledge": [
        opt("price", PRICE),
        opt("price", ("acknowledge", "clarify"), "too-high"),
        opt("rival", PRICE),
        opt("rival", ("acknowledge",), "done-deal"),
    ],
    "reframe": [opt("price", PRICE), opt("rival", PRICE)],
    "next-steps": [opt("price", PRICE), opt("rival", PRICE), opt("discovery", ("next-steps",))],
}


def test_a_drill_when_only_that_skill_needs_work() -> None:
    [pick] = plan([need("clarify")], OPTIONS, recent=[])
    assert (pick.option.scenario, pick.option.drill) == ("price", "too-high")


def test_a_whole_call_when_it_also_exercises_other_skills_that_are_due() -> None:
    wanted = [need("clarify"), need("reframe"), need("next-steps")]
    picks = plan(wanted, OPTIONS, recent=[])
    assert len(picks) == 1  # one call practises all three
    [pick] = picks
    assert pick.option.drill is None and pick.option.scenario == "price"
    assert set(pick.also) == {"reframe", "next-steps"}


def test_skills_are_interleaved_across_scenarios_not_one_scenario_repeated() -> None:
    picks = plan([need("clarify"), need("acknowledge")], OPTIONS, recent=[])
    # The drill on price covers both skills at once...
    assert len(picks) == 1 and picks[0].also == ("acknowledge",)
    # ...but when no one option trains both, the second skill goes to another scenario.
    options = {
        "clarify": [opt("price", ("clarify",), "when-you-say")],
        "acknowledge": [
            opt("price", ("acknowledge",), "too-high"),
            opt("rival", ("acknowledge",), "done-deal"),
        ],
    }
    picks = plan([need("clarify"), need("acknowledge")], options, recent=[])
    assert [p.option.scenario for p in picks] == ["price", "rival"]


def test_the_scenario_of_the_last_sessions_is_avoided() -> None:
    [pick] = plan([need("acknowledge")], OPTIONS, recent=[Past("price", "too-high")])
    assert pick.option.scenario == "rival"
    # With no other scenario, the same one is still offered: practice beats variety.
    [pick] = plan([need("clarify")], OPTIONS, recent=[Past("price", "too-high")])
    assert pick.option.scenario == "price"


def test_new_and_weak_skills_start_on_easier_scenarios() -> None:
    options = {
        "s": [opt("hard", ("s",), difficulty=5), opt("easy", ("s",), difficulty=1)],
    }
    assert plan([need("s", "new")], options, [])[0].option.scenario == "easy"


def test_the_reps_usual_language_is_preferred() -> None:
    options = {"s": [opt("norsk", ("s",), language="nb"), opt("english", ("s",), language="en")]}
    recent = [Past("x", None, "nb"), Past("y", None, "nb")]
    assert plan([need("s")], options, recent)[0].option.scenario == "norsk"
    assert plan([need("s")], options, [Past("x", None, "en")])[0].option.scenario == "english"


def test_skills_no_scenario_trains_are_left_out() -> None:
    assert plan([need("orphan")], OPTIONS, []) == []


# --- which variation ---------------------------------------------------------------------


def price_objection() -> Scenario:
    catalog = load_catalog([REPO / "scenarios"], [REPO / "rubrics"])
    return catalog.scenarios["price-objection"].scenario


def test_the_variation_the_rep_has_not_seen_recently_is_chosen() -> None:
    s = price_objection()
    seen = [  # newest first
        {
            "mood": "testing",
            "competitor": "dispatchly",
            "numbers": "smaller",
            "order": "quote-first",
        },
        {
            "mood": "squeezed",
            "competitor": "trackroute",
            "numbers": "larger",
            "order": "quote-first",
        },
    ]
    wanted = fresh_choices(s, seen, pinned={})
    assert wanted == {
        "mood": "tired",  # never seen
        "competitor": "trackroute",  # seen longer ago than dispatchly
        "numbers": "larger",
        "order": "squeeze-first",  # never seen
    }
    seed, choices = seed_for(s, wanted, {}, start=0)
    assert choices == wanted
    assert draw(s, seed).variation.choices == wanted  # the seed replays exactly that draw


def test_a_drills_pinned_options_are_kept() -> None:
    s = price_objection()
    pinned = dict(s.drill("discount-squeeze").pinned)
    wanted = fresh_choices(s, [{"mood": "squeezed"}], pinned)
    assert wanted["mood"] == pinned["mood"]
    seed, choices = seed_for(s, wanted, pinned, start=123)
    assert choices == wanted == draw(s, seed, pinned).variation.choices


def test_repeated_practice_rotates_through_every_option() -> None:
    s = price_objection()
    seen: list[dict[str, str]] = []
    for _ in range(3):
        wanted = fresh_choices(s, seen, {})
        seen.insert(0, seed_for(s, wanted, {}, start=len(seen))[1])
    assert {c["mood"] for c in seen} == {o.id for o in s.variations["mood"]}
    assert date.today()  # the search needs no clock
