"""The judge port's offline implementation: the rule-based scorer of domain.scoring."""

from __future__ import annotations

from roleplay.domain.rubric import Rubric
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.scoring import score_offline
from roleplay.domain.session import Transcript


class OfflineJudge:
    name = "offline"

    def score(self, rubric: Rubric, transcript: Transcript) -> Scorecard:
        return score_offline(rubric, transcript)
