"""The judge: scores a finished call against its rubric."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from roleplay.errors import RoleplayError

if TYPE_CHECKING:
    from roleplay.domain.rubric import Rubric
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import Transcript


class JudgeUnavailable(RoleplayError):
    """The judge cannot score right now (LLM down...). The message says what to do; the
    session is already saved and can be re-scored later with `roleplay score`."""


class Judge(Protocol):
    @property
    def name(self) -> str: ...

    def score(self, rubric: Rubric, transcript: Transcript) -> Scorecard: ...
