"""The judge port's offline implementation: the rule-based scorer of domain.scoring."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleplay.domain.rubric import Rubric
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import Transcript


class OfflineJudge:
    name = "offline"

    def score(self, rubric: Rubric, transcript: Transcript) -> Scorecard:
        # The scorer's phrase patterns load when a call is scored, not when the app starts.
        from roleplay.domain.scoring import score_offline

        return score_offline(rubric, transcript)
