"""The end of a call, and re-scoring one: one service call each, returning everything the
interfaces show (scorecard, when each skill comes back, the commitment to offer), so the CLI
and the app render the same result and sequence nothing themselves.

One catalog and one Habit serve the whole sequence: the session is loaded once, the catalog
is the process's (parsed once, again only when a file changed), and the schedule is synced
once after the scorecard is saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import Transcript
from roleplay.services.ports import BrokenRecording

if TYPE_CHECKING:  # types only: a re-score (`score last`) runs no call's machinery
    from roleplay.domain.commitment import Commitment
    from roleplay.services.catalog import Catalog
    from roleplay.services.engine import Conversation
    from roleplay.services.habit import Checked, Habit
    from roleplay.services.ports import Judge
    from roleplay.services.practice import Practice

log = logging.getLogger(__name__)

ONE_SAMPLE_NOTE = "The offline judge is deterministic: one sample is all it takes."


@dataclass(frozen=True)
class CallResult:
    """A scored session as the interfaces show it."""

    transcript: Transcript
    scorecard: Scorecard  # with the commitments this call checked
    rubric_title: str | None  # None: the rubric is gone from the workspace
    comes_back: dict[str, date] = field(default_factory=dict)  # skill -> day, rep's time zone
    suggestion: Commitment | None = None  # the commitment to offer (None: nothing scored)
    schedule_problem: str | None = None  # why the schedule could not be updated, if so
    # Skills Today keeps due although their day is later: the level is still below (or near)
    # the pass level (domain/queue.py), so "comes back Thu" would contradict Today.
    stays_today: frozenset[str] = frozenset()

    @property
    def session_id(self) -> str:
        return self.transcript.record.id


@dataclass(frozen=True)
class NothingSaid:
    """A call that ended before the rep said anything: not practice, so never scored (a
    scorecard of level 1 everywhere counted as a session practised: an assignment without a
    pass score was done by it, team views counted it)."""

    session_id: str
    # A spoken call's folder is kept: its audio may hold words the transcriber did not hear.
    # A typed call holds nothing of the rep's (the customer's opening line): it is removed.
    kept: bool


class EndOfCall:
    def __init__(
        self,
        practice: Practice,
        habit: Callable[[str], Habit],
        catalog: Callable[[], Catalog],
        resolve: Callable[[str], str] | None = None,
        transcript_file: Callable[[str], Path] | None = None,
    ) -> None:
        self._practice = practice
        self._habit = habit
        self._catalog = catalog
        # Where a session's transcript lives, to name it when it is missing or empty.
        self._transcript_file = transcript_file
        # A session reference (id, prefix, 'last') -> its id; the composition root answers
        # 'last' from the session list the schedule keeps anyway, instead of a second listing.
        self._resolve = resolve or (lambda ref: ref)  # else `store.load` resolves it

    def finish(self, call: Conversation) -> CallResult:
        """End the call (if still open), score it, apply it to the rep's schedule.
        Raises RubricMissing, JudgeUnavailable (the call itself is saved either way)."""
        call.end()
        return self._scored(call.record.id, judge=None, rebuild=False)

    def nothing_said(self, call: Conversation) -> NothingSaid | None:
        """End the call (if still open); when the rep said nothing in it, say so instead of
        scoring it (and remove a typed call's session). None: the rep spoke; `finish` it."""
        call.end()
        if any(t.speaker == "rep" for t in call.turns):
            return None
        record = call.record
        if record.mode == "voice":
            return NothingSaid(record.id, kept=True)
        self._practice.store.discard(record.id)
        return NothingSaid(record.id, kept=False)

    def rescore(self, session_ref: str, judge: Judge | None = None, samples: int = 1) -> CallResult:
        """Score a saved session again (`judge`: another than the practice judge) and
        rebuild the schedule, which replays scorecards: a changed level must reach the
        skill's card (a card that came out as it was saved needs no replay). Raises
        SessionNotFound, RubricMissing, JudgeUnavailable, and BrokenRecording when the
        transcript is missing or emptied since it was scored (the scorecard is kept)."""
        return self._scored(session_ref, judge=judge, rebuild=True, samples=samples)

    def _scored(
        self, session_ref: str, *, judge: Judge | None, rebuild: bool, samples: int = 1
    ) -> CallResult:
        transcript = self._practice.store.load(self._resolve(session_ref))
        saved = self._refuse_to_lose(transcript) if rebuild else None
        # Before the scorecard is written: whether the schedule's quick copy matches the
        # sessions now (then a re-score that gives the same card needs no sync at all).
        checked = self._checked(transcript.record.rep) if rebuild else None
        catalog = self._catalog()
        card = self._practice.score_transcript(transcript, catalog, judge)
        ended, transcript = transcript.finished, transcript.as_scored()  # as saved (practice.py)
        if samples > 1 and card.approximate:
            card = card.model_copy(update={"notes": (ONE_SAMPLE_NOTE, *card.notes)})
            self._practice.store.save_scorecard(transcript.record.id, card)
        entry = catalog.rubrics.get(card.rubric)
        result = CallResult(transcript, card, entry.rubric.title if entry else None)
        # The schedule is replayed from every scorecard when this one changed what it reads
        # (a level, a quote, a count); a re-score that gives the same card leaves it as it
        # is (replaying 20 sessions was ~10% of `score last`; 8,000, seconds).
        # (A call ended by this scoring is new to the schedule whatever its card.)
        same = rebuild and ended and _same_for_schedule(saved, card)
        rebuild = rebuild and not same
        try:
            return self._scheduled(
                result, catalog, rebuild=rebuild, checked=checked if same else None
            )
        except (BrokenRecording, OSError) as exc:
            # The scorecard is saved and matters more; the schedule catches up on next read.
            log.warning("schedule not updated: %s", exc)
            return CallResult(
                transcript, card, result.rubric_title, schedule_problem=str(exc).strip()
            )

    def _checked(self, rep: str) -> Checked | None:
        """`Habit.before_write`; None (the usual sync after the write) when it cannot be
        told: a shortcut, never a reason for the re-score to fail."""
        try:
            return self._habit(rep).before_write()
        except (BrokenRecording, OSError) as exc:
            log.info("schedule's quick copy not checked: %s", exc)
            return None

    def _refuse_to_lose(self, transcript: Transcript) -> Scorecard | None:
        """A re-score of a session whose transcript is gone, empty or cut short (a crash, a
        truncated copy) would replace a good scorecard with a worse one. Raises
        BrokenRecording (naming the file, the scorecard kept as it is) unless the call really
        had no turns: its transcript file is there, and the saved scorecard (if any) counted
        none either; or, with turns, unless the transcript holds at least what was scored.
        Returns the saved scorecard (None: none yet)."""
        if transcript.turns:
            return self._refuse_a_shorter(transcript)
        sid = transcript.record.id
        path = self._transcript_file(sid) if self._transcript_file else None
        missing = path is not None and not path.exists()
        saved = self._practice.store.scorecard(sid)
        said = saved is not None and (saved.kpis.rep_turns > 0 or saved.kpis.customer_words > 0)
        if not missing and not said:
            return saved  # an empty call scored again: nothing to lose
        where = str(path) if path is not None else f"the transcript of session {sid}"
        kept = (
            f"; its scorecard ({saved.kpis.rep_turns} rep turn(s), overall "
            f"{'-' if saved.overall is None else f'{saved.overall:.1f}'}) is kept as it is"
            if saved is not None
            else ""
        )
        raise BrokenRecording(
            f"{where} is {'missing' if missing else 'empty'}: session {sid} has no turns to "
            f"score{kept}",
            f"restore the file from a backup, then run `roleplay score {sid}`",
        )

    def _refuse_a_shorter(self, transcript: Transcript) -> Scorecard | None:
        """The transcript holds fewer rep turns, or fewer words on either side, than its
        saved scorecard counted when it was scored: lines were lost since. Raises
        BrokenRecording; the scorecard stays as it is. Returns the saved scorecard."""
        from roleplay.domain.kpis import compute

        sid = transcript.record.id
        saved = self._practice.store.scorecard(sid)
        if saved is None:
            return None
        now, then = compute(transcript.turns), saved.kpis
        # Every line of the rep's: a scorecard saved before backchannels stopped counting as
        # rep turns (kpis.floor) counted them, and is not "cut short" by that.
        lines = sum(1 for t in transcript.turns if t.speaker == "rep")
        if (
            lines >= then.rep_turns
            and now.rep_words >= then.rep_words
            and now.customer_words >= then.customer_words
        ):
            return saved
        path = self._transcript_file(sid) if self._transcript_file else None
        where = str(path) if path is not None else f"the transcript of session {sid}"
        overall = "-" if saved.overall is None else f"{saved.overall:.1f}"
        card = f" ({path.parent / 'scorecard.json'})" if path is not None else ""
        raise BrokenRecording(
            f"{where} was cut short since session {sid} was scored: it holds "
            f"{lines} rep turn(s) and {now.rep_words + now.customer_words} word(s), "
            f"its scorecard counted {then.rep_turns} and "
            f"{then.rep_words + then.customer_words}; the scorecard (overall {overall}) is "
            "kept as it is",
            f"restore the file from a backup, then run `roleplay score {sid}` (if you "
            f"shortened it on purpose, delete the scorecard{card} first)",
        )

    def _scheduled(
        self, result: CallResult, catalog: Catalog, *, rebuild: bool, checked: Checked | None = None
    ) -> CallResult:
        from roleplay.domain.habit import local_day
        from roleplay.domain.queue import needs

        record = result.transcript.record
        habit = self._habit(record.rep)
        habit.forget()  # a scorecard was just saved
        if rebuild:
            habit.rebuild(catalog)
        # Synced once: after_session's write into the scorecard changes nothing the schedule
        # reads, and a second sync lists the folder again (8,000 sessions: ~40% of `score`).
        # A re-score that changed nothing it reads, of a schedule whose quick copy matched the
        # sessions before the write: that copy (no list of 8,000 lines, no 8.5 MB schedule).
        state = (
            habit.state(catalog) if checked is None else habit.state_after_write(checked, catalog)
        )
        card = (
            habit.after_session(
                record.id, record=record, card=result.scorecard, catalog=catalog, state=state
            )
            or result.scorecard
        )
        cards = state.cards
        tz = habit.settings.tz
        comes_back = {
            c.skill: cards[c.skill].due_day(tz) for c in card.criteria if c.skill in cards
        }
        now = habit.clock.now()  # Today's own test of "due", on the state just updated
        due = needs(list(comes_back), cards, now, local_day(now, tz), tz, 0, state.levels)
        return CallResult(
            result.transcript,
            card,
            result.rubric_title,
            comes_back,
            habit.suggestion(record.id, record=record, card=card),
            stays_today=frozenset(n.skill for n in due),
        )


def _same_for_schedule(saved: Scorecard | None, card: Scorecard) -> bool:
    """Whether a re-score gave the scorecard that was saved before, apart from what the
    schedule itself writes into it (the commitments it tested, the drill's note): then the
    schedule, replayed from the same cards, would come out as it is."""
    if saved is None:
        return False
    own = {"commitments": card.commitments, "notes": card.notes}
    return saved.model_copy(update=own) == card
