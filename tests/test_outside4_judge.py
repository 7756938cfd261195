"""The offline judge's levels and the evidence it quotes for them (stop 32).

A real call was rated 2/5 for active listening ("never plays anything back") while the
scorecard quoted its play-back as the evidence. The rubric's phrases were shown as evidence
whether or not they counted, a line could be quoted as evidence and counter-evidence at once,
and a stock phrase said in the same breath as a pitch ("I hear you. Honestly, we're the
industry-leading platform") lifted a weak call's level.

tests/data/outside4_judge/ holds six calls written for this (three strong calls in plain
words, three weak calls sprinkled with the rubrics' stock phrases), split into a set the fix
was developed on (dev/) and a set held out until the end (heldout/), and two calls written
after the fix (fresh/): its stuffed call showed that a phrase alone, with nothing the rule saw,
needs both backings (a clean turn and the customer's words, yes or answer).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.domain.scorecard import Scorecard
from roleplay.domain.scoring import score_offline
from roleplay.services.gold import GoldEntry, gold_overall
from tests.helpers import gold_entries

REPO = Path(__file__).resolve().parents[1]
MINE = REPO / "tests" / "data" / "outside4_judge"


def _call(tmp_path: Path, scenario: str, transcript: str, levels: dict[str, int]) -> GoldEntry:
    folder = tmp_path / "gold" / scenario
    folder.mkdir(parents=True)
    lines = "\n".join(f"  {line}" for line in transcript.strip().split("\n"))
    wanted = "\n".join(f"  {k}: {{level: {v}, reason: why}}" for k, v in levels.items())
    (folder / "call.yaml").write_text(
        f"scenario: {scenario}\nkind: other\ntranscript: |\n{lines}\nlevels:\n{wanted}\n",
        encoding="utf-8",
    )
    (entry,) = gold_entries(tmp_path / "gold")
    return entry


def _score(entry: GoldEntry) -> Scorecard:
    return score_offline(entry.rubric, entry.transcript)


PARAPHRASED_PLAYBACK = "\n".join(
    [
        "Carla: You took the money twice. My wholesaler's payment got declined because of it.",
        "Rep: That's a horrible morning. So if I heard you right, the double debit left the "
        "account short and the wholesaler payment failed. Is that right?",
        "Carla: Yes, exactly.",
        "Rep: Thank you. I'm refunding the extra charge now.",
        "Carla: Good.",
    ]
)


def test_a_play_back_quoted_as_evidence_earns_the_level_it_shows(tmp_path: Path) -> None:
    """The rule, which counts the customer's own words, misses a play-back in other words;
    the rubric's phrase finds it, the customer confirms it, and the scorecard quotes it. It
    was 2/5, 'never plays anything back', beside that quote."""
    entry = _call(tmp_path, "angry-customer-wrong-charge", PARAPHRASED_PLAYBACK, {"ownership": 4})
    score = _score(entry).criterion("active-listening")
    quoted = [e.quote for e in score.evidence]
    assert quoted, score
    assert score.level is not None and score.level >= 3, (score.level, quoted, score.rationale)
    assert "never plays anything back" not in score.rationale, score.rationale
    # What earned it: the play-back with its check, not "Is that right?" alone.
    assert any(q.startswith("So if I heard you right") for q in quoted), quoted


def test_no_line_is_quoted_as_both_evidence_and_counter_evidence() -> None:
    """Across every bundled gold call and the six calls here, any criterion: "I'll pass it on
    to the team ... someone will get back to you" was quoted for and against ownership."""
    both = []
    for entry in gold_entries(REPO / "gold", MINE / "dev", MINE / "heldout"):
        for c in _score(entry).criteria:
            good = {(e.turn, e.quote) for e in c.evidence}
            bad = {(e.turn, e.quote) for e in c.counter_evidence}
            both += [(entry.name, c.id, quote) for _, quote in good & bad]
    assert not both, both


def test_a_stock_phrase_said_with_a_pitch_lifts_no_level() -> None:
    """The dev call's rep says "I hear you, and that's a fair concern" and pitches in the same
    breath: the rubric's phrases lifted acknowledgement from 2 to 3."""
    (entry,) = [e for e in gold_entries(MINE / "dev") if e.name == "price-objection/stuffed-weak"]
    score = _score(entry).criterion("acknowledge")
    assert score.level == 2, score
    assert "lift" not in score.rationale, score.rationale


@pytest.mark.parametrize("folder", ["dev", "heldout", "fresh"])
def test_stuffed_weak_calls_gain_nothing_from_the_phrases(folder: str) -> None:
    """On the weak calls sprinkled with stock phrases, no criterion is lifted by the rubric's
    phrases (before: three criteria, one per call, +1 each), and every one stays well below the
    pass threshold; the strong calls in plain words keep passing."""
    for entry in gold_entries(MINE / folder):
        card = _score(entry)
        lifted = [c.id for c in card.criteria if "lift" in c.rationale]
        if "stuffed" in entry.name:
            assert not lifted, (entry.name, lifted)
            assert card.overall is not None and card.overall < 2.0, (entry.name, card.overall)
        else:
            assert card.passed, (entry.name, card.overall)


def test_the_judge_is_within_one_level_of_the_trainer_on_the_held_out_calls() -> None:
    """Held out while the fix was written: 9 of 12 levels within one before, 11 of 12 after."""
    pairs = []
    for entry in gold_entries(MINE / "heldout"):
        card = _score(entry)
        pairs += [
            (want.level, card.criterion(cid).level) for cid, want in entry.call.levels.items()
        ]
    close = sum(1 for want, got in pairs if got is not None and abs(want - got) <= 1)
    assert close >= 11, pairs


def test_the_bundled_gold_calls_pass_or_fail_as_their_trainers_say() -> None:
    """Crediting the discovery mixed call's play-back phrases (active listening 2 -> 3, as its
    trainer gave) lifted it, and its gamed twin, to 3.1 and a pass (trainer: 2.8) through an
    open-questions 4 beside a pitch (trainer: 3)."""
    wrong = []
    for entry in gold_entries(REPO / "gold"):
        card = _score(entry)
        trainer = gold_overall(entry.call, entry.rubric) >= entry.rubric.pass_threshold
        if card.passed is not trainer:
            wrong.append((entry.name, card.overall))
    assert not wrong, wrong
    (mixed,) = [e for e in gold_entries(REPO / "gold") if e.name == "discovery-spin/mixed"]
    assert _score(mixed).criterion("open-questions").level == 3  # the trainer's; was 4
