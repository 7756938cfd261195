"""One commitment per session: turning the scorecard's advice into one behaviour to try.

At the end of a session the rep is offered one commitment, suggested from the tip of the
weakest scored criterion (lowest level; the heavier criterion among equals); they may accept
it, reword it or skip it. It is saved with that session. The next scored session that exercises
the commitment's skill shows it in the rep's brief and says whether it was kept.

How "kept" is judged, honestly: nobody parses the rep's own wording (they may have edited it).
The commitment is judged by the rubric criterion it came from, in the later session:

- kept      the criterion reached level 3 or better, and no lower than when the commitment was
            made, with at least one verified quote of the rep's as evidence (the quotes are
            shown);
- not kept  it was scored below that, or without verified evidence;
- unjudged  the criterion could not be scored in that session (e.g. the offline judge has no
            signals for it); the commitment stays open for the next session.

So a commitment is only as precise as the judge that scores its criterion: with the offline
judge that means phrase counting, and the scorecard says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from roleplay.domain import text as txt
from roleplay.domain.scorecard import CommitmentCheck, CriterionScore, Scorecard

KEPT_LEVEL = 3


class Commitment(BaseModel):
    """What the rep committed to at the end of a session (saved in that session.json)."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    # A byte typed in a non-UTF-8 terminal ('caf\xe9') failed the save with a traceback.
    text: Annotated[str, AfterValidator(txt.valid_text)] = Field(
        description="The rep's words: the suggestion, or their own version."
    )
    suggested: str = Field(description="What was suggested (from the criterion's tip).")
    skill: str
    criterion: str
    criterion_name: str
    rubric: str
    level: int | None = Field(description="The criterion's level when the commitment was made.")
    made_at: datetime


def suggest(card: Scorecard, at: datetime, skills: set[str] | None = None) -> Commitment | None:
    """The commitment to offer after `card`: the weakest scored criterion's tip, first sentence.

    `skills` limits the choice to what the session trained (a drill trains a few skills).
    """
    scored = [
        c for c in card.criteria if c.level is not None and (skills is None or c.skill in skills)
    ]
    if not scored:
        return None
    weakest = min(scored, key=lambda c: (c.level or 0, -c.weight, c.id))
    first = txt.sentences(weakest.tip)
    behaviour = first[0] if first else weakest.tip.strip()
    return Commitment(
        text=behaviour,
        suggested=behaviour,
        skill=weakest.skill,
        criterion=weakest.id,
        criterion_name=weakest.name,
        rubric=card.rubric,
        level=weakest.level,
        made_at=at,
    )


def judged_by(c: Commitment, card: Scorecard) -> CriterionScore | None:
    """The criterion of `card` that judges `c`: the same criterion when the rubric is the same,
    else the weakest criterion of another rubric that trains the same skill."""
    if card.rubric == c.rubric:
        same = [s for s in card.criteria if s.id == c.criterion]
        if same:
            return same[0]
    trains = [s for s in card.criteria if s.skill == c.skill]
    if not trains:
        return None
    scored = [s for s in trains if s.level is not None]
    return min(scored, key=lambda s: (s.level or 0, s.id)) if scored else trains[0]


def check(c: Commitment, made_in: str, card: Scorecard) -> CommitmentCheck | None:
    """Did the session scored by `card` keep `c`? None when `card` does not train its skill."""
    score = judged_by(c, card)
    if score is None:
        return None
    base = {
        "commitment": c.text,
        "made_in": made_in,
        "skill": c.skill,
        "criterion": score.id,
        "level_before": c.level,
        "level": score.level,
    }
    if score.level is None:
        return CommitmentCheck(
            **base,
            kept=None,
            reason=f"Not judged: '{score.name}' could not be scored in this session; "
            "the commitment stays open.",
        )
    target = max(KEPT_LEVEL, c.level or 1)
    evidence = () if score.unsupported else score.evidence
    if score.level >= target and evidence:
        lines = f"{len(evidence)} line{'s' if len(evidence) != 1 else ''} of yours show it"
        return CommitmentCheck(
            **base,
            kept=True,
            evidence=evidence,
            reason=f"Kept: '{score.name}' at level {score.level}"
            + (f" (was {c.level})" if c.level is not None else "")
            + f"; {lines}.",
        )
    if not evidence:
        why = f"no line of yours showed it (level {score.level})"
    else:
        why = f"'{score.name}' at level {score.level}, and keeping it needs {target}"
    return CommitmentCheck(**base, kept=False, evidence=evidence, reason=f"Not yet: {why}.")


# --- which skill a commitment in the rep's own words is about ------------------------------

_COMMON = {
    "the",
    "his",
    "her",
    "him",
    "she",
    "he",
    "hers",
    "us",
    "a",
    "an",
    "and",
    "or",
    "but",
    "to",
    "of",
    "in",
    "on",
    "at",
    "for",
    "with",
    "about",
    "what",
    "when",
    "how",
    "why",
    "that",
    "this",
    "it",
    "its",
    "you",
    "your",
    "i",
    "i'm",
    "i'll",
    "me",
    "my",
    "we",
    "our",
    "they",
    "them",
    "their",
    "is",
    "are",
    "be",
    "was",
    "will",
    "would",
    "can",
    "could",
    "do",
    "does",
    "did",
    "not",
    "no",
    "yes",
    "so",
    "then",
    "than",
    "if",
    "as",
    "by",
    "from",
    "into",
    "more",
    "less",
    "next",
    "time",
    "first",
    "",
}


def _stems(text: str) -> set[str]:
    """Content words cut to five letters: "answer", "answering" and "answers" meet."""
    return {w[:5] for w in txt.words(txt.normalise(text)) if len(w) > 2 and w not in _COMMON}


def by_meaning(text: str, card: Scorecard, skills: set[str] | None = None) -> CriterionScore | None:
    """The scored criterion that `text` is about: the content words it shares with each
    criterion's name (counted twice) and its tip and example, each word weighed by how few
    criteria use it ("answer" is in many tips; "play back" in one). None: no word shared."""
    scored = [
        c for c in card.criteria if c.level is not None and (skills is None or c.skill in skills)
    ]
    mine = _stems(text)
    names = {c.id: _stems(c.name) for c in scored}
    texts = {c.id: names[c.id] | _stems(f"{c.tip} {c.example or ''}") for c in scored}
    used = {w: sum(w in t for t in texts.values()) for w in mine}
    best: tuple[float, CriterionScore] | None = None
    for c in scored:
        score = sum((2 if w in names[c.id] else 1) / used[w] for w in mine if w in texts[c.id])
        if score and (best is None or score > best[0]):
            best = (score, c)
    return best[1] if best else None


def for_criterion(c: CriterionScore, text: str, rubric: str, at: datetime) -> Commitment:
    """A commitment in the rep's words about criterion `c`."""
    first = txt.sentences(c.tip)
    return Commitment(
        text=text,
        suggested=first[0] if first else c.tip.strip(),
        skill=c.skill,
        criterion=c.id,
        criterion_name=c.name,
        rubric=rubric,
        level=c.level,
        made_at=at,
    )
