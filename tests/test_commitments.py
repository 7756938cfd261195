"""One commitment per session: suggested from the weakest criterion, judged next time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from roleplay.adapters.clock import ManualClock
from roleplay.composition import Services, build
from roleplay.config import Settings
from roleplay.domain import kpis as kpi
from roleplay.domain.commitment import check, suggest
from roleplay.domain.scorecard import CriterionScore, Evidence, Scorecard
from tests.helpers import play

T = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
DAY = 24 * 3600
ASK = [
    "How does a typical morning look for your dispatch team?",
    "What happens when late orders come in?",
]
PITCH = ["We have a great route planner that saves a lot of time.", "It is really good."]


def score(cid: str, skill: str, level: int | None, quotes: int = 0, **kw) -> CriterionScore:
    return CriterionScore(
        id=cid,
        name=cid.replace("-", " ").title(),
        skill=skill,
        weight=kw.pop("weight", 1.0),
        level=level,
        rationale="",
        evidence=tuple(Evidence(quote=f"line {n}", turn=2 * n + 1) for n in range(quotes)),
        tip=kw.pop("tip", f"Do {cid} better. Try: something."),
        **kw,
    )


def card(*criteria: CriterionScore, rubric: str = "r") -> Scorecard:
    return Scorecard(
        rubric=rubric,
        rubric_version=1,
        judge="offline",
        approximate=True,
        criteria=criteria,
        overall=None,
        pass_threshold=3,
        passed=None,
        kpis=kpi.compute([]),
    )


def test_the_suggestion_is_the_first_sentence_of_the_weakest_criterions_tip() -> None:
    c = card(
        score("rapport", "rapport", 3),
        score("open-questions", "discovery", 2, tip="Ask two open questions first. Try: ..."),
        score("close", "closing", 2, weight=0.5),
        score("unscored", "x", None),
    )
    s = suggest(c, T)
    assert s is not None
    assert (s.text, s.criterion, s.skill, s.level) == (
        "Ask two open questions first.",
        "open-questions",  # level 2 like `close`, but heavier
        "discovery",
        2,
    )
    assert s.made_at == T and s.suggested == s.text


def test_a_drill_suggests_only_from_the_skills_it_trained() -> None:
    c = card(score("a", "skill-a", 1), score("b", "skill-b", 3))
    s = suggest(c, T, skills={"skill-b"})
    assert s is not None and s.criterion == "b"
    assert suggest(card(score("a", "skill-a", None)), T) is None  # nothing scored


def test_kept_needs_the_level_and_the_rep_s_own_lines_as_evidence() -> None:
    made = suggest(card(score("oq", "discovery", 2)), T)
    assert made is not None
    kept = check(made, "s1", card(score("oq", "discovery", 3, quotes=2)))
    assert kept is not None and kept.kept is True
    assert len(kept.evidence) == 2 and "Kept" in kept.reason and "(was 2)" in kept.reason
    low = check(made, "s1", card(score("oq", "discovery", 2, quotes=1)))
    assert low is not None and low.kept is False and "needs 3" in low.reason
    silent = check(made, "s1", card(score("oq", "discovery", 3, quotes=0)))
    assert silent is not None and silent.kept is False and "no line of yours" in silent.reason
    unsupported = check(made, "s1", card(score("oq", "discovery", 4, quotes=1, unsupported=True)))
    assert unsupported is not None and unsupported.kept is False


def test_a_strong_rep_keeps_it_only_by_not_slipping() -> None:
    made = suggest(card(score("oq", "discovery", 4)), T)
    assert made is not None
    slipped = check(made, "s1", card(score("oq", "discovery", 3, quotes=1)))
    held = check(made, "s1", card(score("oq", "discovery", 4, quotes=1)))
    assert slipped is not None and slipped.kept is False
    assert held is not None and held.kept is True


def test_unjudged_when_the_criterion_was_not_scored_and_none_when_not_trained() -> None:
    made = suggest(card(score("oq", "discovery", 2)), T)
    assert made is not None
    open_ = check(made, "s1", card(score("oq", "discovery", None)))
    assert open_ is not None and open_.kept is None and "stays open" in open_.reason
    assert check(made, "s1", card(score("close", "closing", 2))) is None


def test_another_rubric_judges_it_by_the_criterion_training_the_same_skill() -> None:
    made = suggest(card(score("oq", "discovery", 2), rubric="mini"), T)
    assert made is not None
    other = card(score("questions", "discovery", 4, quotes=1), rubric="discovery")
    judged = check(made, "s1", other)
    assert judged is not None and judged.kept is True and judged.criterion == "questions"


# --- across sessions, through the services -------------------------------------------------


def session(s: Services, clock: ManualClock, lines: list[str], drill: str | None = None) -> str:
    call = s.practice.begin("mini", s.profile(), seed=7, drill=drill)
    play(call, lines, clock)
    s.practice.finish(call)
    s.habit().after_session(call.record.id)
    return call.record.id


def make(ws: Path, clock: ManualClock) -> Services:
    return build(ws, settings=Settings(rep="tester", timezone="Europe/Oslo"), clock=clock)


def test_a_commitment_is_shown_next_time_and_judged_with_evidence(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    first = session(s, clock, PITCH)
    offered = s.habit().suggestion(first)
    assert offered is not None and offered.text == "Ask two open questions before you pitch."
    made = s.habit().commit(first, "Ask two open questions before I mention the planner")
    assert made.text == "Ask two open questions before I mention the planner"
    assert s.store.load(first).record.commitment == made  # saved with the session

    clock.advance(DAY)
    [reminder] = s.habit().open_commitments(["discovery-questions"])
    assert reminder.commitment.text == made.text and reminder.made_in == first
    second = session(s, clock, ASK)
    checked = s.store.scorecard(second)
    assert checked is not None
    [result] = checked.commitments
    assert result.kept is True and result.made_in == first and result.level == 3
    assert [e.quote for e in result.evidence] == ASK
    assert s.habit().open_commitments() == []


def test_a_broken_commitment_is_judged_not_kept(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    s.habit().commit(session(s, clock, PITCH))
    clock.advance(DAY)
    second = session(s, clock, PITCH)
    result = s.store.scorecard(second)
    assert result is not None
    [judged] = result.commitments
    assert judged.kept is False and judged.evidence == ()


def test_a_session_that_does_not_train_the_skill_leaves_it_open(mini_workspace: Path) -> None:
    path = mini_workspace / "scenarios" / "mini.yaml"
    path.write_text(
        path.read_text() + "drills:\n  - id: close\n    title: Close\n    skills: [next-steps]\n"
        '    time_limit: 1m\n    start: {say: ["So, what now?"]}\n'
    )
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    first = session(s, clock, PITCH)
    s.habit().commit(first)
    clock.advance(DAY)
    other = session(s, clock, ["Shall I send an invite for next week?"], drill="close")
    card = s.store.scorecard(other)
    assert card is not None and card.commitments == ()
    assert [o.made_in for o in s.habit().open_commitments()] == [first]


def test_a_newer_commitment_on_the_same_skill_replaces_the_open_one(mini_workspace: Path) -> None:
    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    s.habit().commit(session(s, clock, PITCH), "first words")
    clock.advance(3600)
    second = session(s, clock, PITCH)
    # The second session judged the first commitment (not kept) and offers a new one.
    s.habit().commit(second, "second words")
    assert [o.commitment.text for o in s.habit().open_commitments()] == ["second words"]


def test_commitments_kept_over_time_is_a_kpi(mini_workspace: Path) -> None:
    from roleplay.services.daily import progress

    clock = ManualClock(T)
    s = make(mini_workspace, clock)
    s.habit().commit(session(s, clock, PITCH))
    for lines in (ASK, PITCH, ASK):
        clock.advance(DAY)
        sid = session(s, clock, lines)
        s.habit().commit(sid, "Ask two open questions before you pitch.")
    stats = progress(s.habit(), s.catalog()).commitments
    assert (stats.made, stats.judged, stats.kept) == (4, 3, 2)
    assert [p.kept for p in stats.points] == [True, False, True]
    assert stats.rate == 2 / 3
