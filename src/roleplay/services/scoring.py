"""Scoring sessions and outside calls: judge choice, fallback, samples, calibration data."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from roleplay.services.ports import Judge, JudgeUnavailable

if TYPE_CHECKING:  # named in annotations only: building the judge loads no model (issue 18)
    from roleplay.domain.rubric import Rubric
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import Transcript

log = logging.getLogger(__name__)


@dataclass
class FallbackJudge:
    """The LLM judge, and the offline judge when it fails, so a finished call always gets a
    scorecard. The scorecard says which judge scored it and why."""

    primary: Judge
    fallback: Judge

    @property
    def name(self) -> str:
        return self.primary.name

    def score(self, rubric: Rubric, transcript: Transcript) -> Scorecard:
        try:
            return self.primary.score(rubric, transcript)
        except JudgeUnavailable as exc:
            log.warning("judge %s failed, scoring offline: %s", self.primary.name, exc)
            card = self.fallback.score(rubric, transcript)
            note = (
                f"The LLM judge could not score this call ({exc}). This scorecard is from "
                "the offline judge; re-score later with `roleplay score "
                f"{transcript.record.id} --judge llm`."
            )
            return card.model_copy(update={"notes": (note, *card.notes)})
