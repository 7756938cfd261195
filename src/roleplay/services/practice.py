"""Practice sessions: start a call on a scenario, finish it, score it, re-score it later."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from roleplay.errors import RoleplayError

# The scenario and rubric models load with the catalog, when it is read; the ports only name
# types here (every command builds a Practice, few start a call: the customer's port waits).
if TYPE_CHECKING:
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import Transcript
    from roleplay.services.catalog import Catalog
    from roleplay.services.engine import Conversation
    from roleplay.services.ports import Clock, Customer, Judge, SessionStore


@dataclass(frozen=True)
class Profile:
    """Who is practising, and the settings worth keeping with a session (never secrets)."""

    rep: str
    team: str | None = None


class RubricMissing(RoleplayError):
    """The rubric a session was scored against is gone from the workspace."""

    title = "Cannot score this call"


class Practice:
    def __init__(
        self,
        catalog: Callable[[], Catalog],
        customer: Callable[[], Customer],
        judge: Judge,
        store: SessionStore,
        clock: Clock,
        hidden: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        self._catalog = catalog
        self._customer = customer
        self.judge = judge
        self.store = store
        self.clock = clock
        # Keys and passwords the rep might say or type (a key pasted into the wrong window):
        # hidden in the saved turn, so never in the transcript, scorecard or index.
        self._hidden = hidden

    def begin(
        self,
        scenario_ref: str,
        profile: Profile,
        *,
        mode: Literal["text", "voice"] = "text",
        seed: int | None = None,
        pinned: dict[str, str] | None = None,
        drill: str | None = None,
    ) -> Conversation:
        """Prepare a call (nothing is written until `Conversation.start`); `drill` starts it
        at that drill's moment (raises UnknownDrill)."""
        # A call's machinery loads when a call starts: a read command builds Practice too.
        from roleplay.domain.session import FileRef, SessionRecord, VariationRecord
        from roleplay.services.drill_call import prepare_run
        from roleplay.services.engine import Conversation

        catalog = self._catalog()
        entry = catalog.scenario(scenario_ref)
        rubric = catalog.rubric_for(entry.scenario)
        seed = secrets.randbits(32) if seed is None else seed
        run, customer, drilled = prepare_run(entry.scenario, seed, pinned, self._customer(), drill)
        now = self.clock.now()
        record = SessionRecord(
            id=f"{now:%Y%m%d-%H%M%S}-{entry.scenario.id}-{secrets.token_hex(4)}",
            scenario=FileRef(
                id=entry.scenario.id,
                version=entry.scenario.version,
                sha256=entry.sha256,
                title=entry.scenario.title,
            ),
            rubric=FileRef(
                id=rubric.rubric.id,
                version=rubric.rubric.version,
                sha256=rubric.sha256,
                title=rubric.rubric.title,
            ),
            variation=VariationRecord(seed=seed, choices=run.variation.choices),
            language=entry.scenario.language,
            rep=profile.rep,
            team=profile.team,
            mode=mode,
            settings={"customer": customer.name, "judge": self.judge.name},
            started_at=now,
            drill=drilled,
        )
        return Conversation(
            record, run, customer, self.store, self.clock, secrets=tuple(self._hidden())
        )

    def finish(self, call: Conversation) -> Scorecard:
        """End the call if still open, score it against its rubric and save the scorecard.
        (The scoring step only: interfaces use `EndOfCall.finish`, which also updates the
        schedule and says what comes next.)"""
        call.end()
        return self.score(call.record.id)

    def score(self, session_ref: str, judge: Judge | None = None) -> Scorecard:
        """Score a saved session again and save the scorecard (the scoring step only: see
        `EndOfCall.rescore`)."""
        transcript = self.store.load(session_ref)
        return self.score_transcript(transcript, self._catalog(), judge)

    def score_transcript(
        self, transcript: Transcript, catalog: Catalog, judge: Judge | None = None
    ) -> Scorecard:
        """Score a loaded session against its rubric as the workspace has it now, with the
        scenario's coaching, and save the scorecard. A rubric changed since the call is said
        in the scorecard's notes; a call left unfinished is ended as it is scored
        (`Transcript.as_scored`). Raises RubricMissing, JudgeUnavailable."""
        rubric_id = transcript.record.rubric.id
        if rubric_id in catalog.broken_rubrics:
            # Edited during the call and now fails validation: this said "is not in the
            # workspace any more; restore rubrics/X.yaml" of a file that was right there.
            from roleplay.services.catalog import UnknownRubric

            try:
                catalog.rubric(rubric_id)
            except UnknownRubric as exc:  # names the file, line and problem, and the fix
                again = f"`roleplay score {transcript.record.id}`"
                raise RubricMissing(
                    exc.message,
                    f"{exc.hint}; then score it again with {again} (the call itself is saved)",
                ) from None
        if rubric_id not in catalog.rubrics:
            raise RubricMissing(
                f"rubric '{rubric_id}' of session {transcript.record.id} is not in the "
                "workspace any more",
                f"restore rubrics/{rubric_id}.yaml and score it again with "
                f"`roleplay score {transcript.record.id}`; the call itself is saved",
            )
        rubric = catalog.rubrics[rubric_id].rubric
        scorecard = (judge or self.judge).score(rubric, transcript)
        scenario = catalog.scenarios.get(transcript.record.scenario.id)
        if scenario is not None:  # the scenario's own tips and example lines (domain/coaching)
            from roleplay.domain.coaching import coach

            scorecard = coach(scorecard, rubric, scenario.scenario.coaching)
        practised = transcript.record.rubric.version
        if rubric.version != practised:
            note = (
                f"Scored with rubric version {rubric.version}; the session was practised "
                f"under version {practised}."
            )
            scorecard = scorecard.model_copy(update={"notes": (note, *scorecard.notes)})
        if not transcript.finished:
            # Scored, a call left unfinished counts as practice (Transcript.as_scored). Ended
            # after the judge, before its scorecard: a judge that fails leaves it as it was,
            # and a scorecard that cannot be written leaves it ended and unscored, as a call
            # whose scoring failed, which History and `roleplay score` offer to score again.
            self.store.update(transcript.as_scored().record)
        self.store.save_scorecard(transcript.record.id, scorecard)
        return scorecard
