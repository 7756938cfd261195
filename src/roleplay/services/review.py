"""Reviewing sessions across reps: find, open, comment, override a level, mark reviewed, listen.

What a reviewer writes goes to recordings/<session>/review.json first (the source of truth),
then to the index. On a shared database a reviewer may comment on a session recorded on
another machine: their review.json then lives in a review-only folder of their own recordings.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from roleplay.domain import review as review_notes
from roleplay.domain.history import (
    HumanLevel,
    RepSkillCard,
    SessionFiles,
    SessionFilter,
    SessionSummary,
    SessionView,
)
from roleplay.domain.review import Comment, Override, Review, ReviewedMark
from roleplay.domain.roles import Action, Identity
from roleplay.domain.suggest import did_you_mean
from roleplay.errors import RoleplayError
from roleplay.services import session_ref
from roleplay.services.export import Format, export, redact
from roleplay.services.index import Indexer
from roleplay.services.ports import (
    AudioPlayer,
    Charts,
    Clock,
    IndexUnavailable,
    Playback,
    SessionNotFound,
    Templates,
)


class ReviewError(RoleplayError, ValueError):
    """A review action that cannot be done as asked; the message says what would work."""


class Reviews:
    def __init__(
        self,
        indexer: Indexer,
        player: Callable[[], AudioPlayer],
        clock: Clock,
        author: str,
        secrets: Callable[[], Sequence[str]] = tuple,
        login: Callable[[], str | None] = lambda: None,
        *,
        charts: Charts,
        templates: Templates,
    ) -> None:
        self.indexer = indexer
        self._charts = charts
        self._templates = templates
        self._login = login  # the shared index's login from its URL; None: single-user
        self._secrets = secrets
        self.files = indexer.files
        self._player = player
        self.clock = clock
        self.author = author

    # --- finding and opening ----------------------------------------------------------------

    def find(self, where: SessionFilter, limit: int = 50, offset: int = 0) -> list[SessionSummary]:
        """Sessions across reps, newest first. Raises IndexUnavailable."""
        return self.indexer.index().sessions(where, limit=limit, offset=offset)

    def resolve(self, ref: str) -> str:
        """A full id, a unique prefix of one, or 'last' -> the session id (the same rules as
        every command: services/session_ref.py), over the index and this recordings folder."""
        session_ref.check_ref(ref)  # before the index is opened: a path is never a session
        try:
            index = self.indexer.index()
        except IndexUnavailable:
            index = None

        def newest() -> str | None:
            rows = index.sessions(SessionFilter(), limit=1) if index else []
            if rows:
                return rows[0].id
            local = [f for f in self.files.folders() if self.files.has_session(f)]
            return max(local) if local else None  # ids start with the start time

        return session_ref.resolve(
            ref,
            prefixed=lambda p: [
                *self.files.folders(p),
                *(index.matching(p, limit=6) if index else []),
            ],
            newest=newest,
            every=self.files.folders,
            listing="`roleplay review list` shows them",
        )

    def open(self, ref: str) -> SessionView:
        """A session with its scorecard and every reviewer's notes.

        From the index when it can be reached (it holds the whole team's sessions and notes);
        otherwise from this machine's recordings folder.
        """
        session_id = self.resolve(ref)
        try:
            view = self.indexer.index().session(session_id)
        except IndexUnavailable:
            view = None
        if view is None:
            if not self.files.has_session(session_id):
                raise SessionNotFound(
                    f"session {session_id} is neither in the index nor in this recordings folder"
                )
            view = view_from_files(self.files.read(session_id))
        return view

    def export(self, ref: str, fmt: Format) -> str:
        """The session as one HTML, Markdown or JSON document, secrets redacted."""
        return export(
            self.open(ref), fmt, self._secrets(), charts=self._charts, templates=self._templates
        )

    def redact(self, text: str) -> str:
        """`text` with every known secret replaced by ***, for anything shown or shared."""
        return redact(text, self._secrets())

    # --- who writes -------------------------------------------------------------------------

    def identity(self) -> Identity:
        """Who writes: the database login and its role on a shared index. When the shared
        index cannot be reached, the login from its URL with rights unknown (notes go to the
        recordings folder, and the database checks them when it is back)."""
        try:
            return self.indexer.identity()
        except IndexUnavailable:
            login = self._login()
            return Identity(role="single") if login is None else Identity("unchecked", login)

    def _author(self, action: Action, author: str | None) -> str:
        """The author to record for `action`, or NotAllowed with one line saying who can."""
        who = self.identity()
        who.require(action)
        return who.check_author(author) or self.author

    # --- writing --------------------------------------------------------------------------

    def comment(
        self, ref: str, text: str, *, turn: int | None = None, author: str | None = None
    ) -> Comment:
        writer = self._author("comment", author)
        view = self.open(ref)
        if not text.strip():
            raise ReviewError("the comment is empty; write what the rep should hear")
        if turn is not None and not any(t.index == turn for t in view.turns):
            raise ReviewError(_turn_help(view, turn))
        comment = Comment(
            id=uuid.uuid4().hex,
            author=writer,
            at=self.clock.now(),
            turn=turn,
            text=text.strip(),
        )
        self._change(view.id, lambda r: r.model_copy(update={"comments": (*r.comments, comment)}))
        return comment

    def override(
        self, ref: str, criterion: str, level: int, reason: str, *, author: str | None = None
    ) -> Override:
        """A human level beside the judge's (which stays as it is), with a reason. Earlier
        overrides stay: the newest one counts, the history shows each change."""
        writer = self._author("override", author)
        view = self.open(ref)
        if view.scorecard is None:
            raise ReviewError(f"session {view.id} has no scorecard yet; score it first")
        ids = [c.id for c in view.scorecard.criteria]
        if criterion not in ids:
            hint = did_you_mean(criterion, ids)
            raise ReviewError(
                f"the scorecard of {view.id} has no criterion '{criterion}'"
                + (f"; did you mean '{hint}'?" if hint else f" (it has: {', '.join(ids)})")
            )
        if not 1 <= level <= 5:
            raise ReviewError(f"level {level} is not a level; levels go from 1 to 5")
        if not reason.strip():
            raise ReviewError("an override needs a reason (what in the call justifies it)")
        override = Override(
            id=uuid.uuid4().hex,
            author=writer,
            at=_after(self.clock.now(), [o.at for o in view.overrides]),
            criterion=criterion,
            level=level,
            reason=reason.strip(),
        )
        self._change(
            view.id, lambda r: r.model_copy(update={"overrides": (*r.overrides, override)})
        )
        return override

    def mark_reviewed(
        self, ref: str, *, reviewed: bool = True, author: str | None = None
    ) -> ReviewedMark:
        """Mark the session reviewed, or (`reviewed` False) withdraw your mark; either way a
        new mark is added to the history."""
        writer = self._author("mark_reviewed", author)
        view = self.open(ref)
        at = _after(self.clock.now(), [m.at for m in view.marks])
        mark = ReviewedMark(id=uuid.uuid4().hex, author=writer, at=at, reviewed=reviewed)
        self._change(view.id, lambda r: r.model_copy(update={"marks": (*r.marks, mark)}))
        return mark

    def _change(self, session_id: str, change: Callable[[Review], Review]) -> None:
        files = self.files
        with files.lock(session_id):  # two reviewers on one machine: neither loses a note
            files.mark_pending(session_id)
            files.save_review(change(files.review(session_id)))
        self.indexer.sync(session_id)

    # --- listening ------------------------------------------------------------------------

    def turn_audio(self, ref: str, turn: int) -> Path:
        """The audio file of one turn, or ReviewError saying why there is none here."""
        view = self.open(ref)
        if not any(t.index == turn for t in view.turns):
            raise ReviewError(_turn_help(view, turn))
        local = self.files.has_session(view.id)
        name = (self.files.read(view.id).audio if local else view.audio).get(turn)
        path = self.files.audio_file(view.id, name) if local and name else None
        if path is not None:
            return path
        if view.retention.audio_purged_at:
            raise ReviewError(
                f"the audio of {view.id} was deleted by `roleplay purge` on "
                f"{view.retention.audio_purged_at:%Y-%m-%d}"
            )
        if not local:
            raise ReviewError(
                f"session {view.id} was recorded on another machine (rep {view.record.rep}); "
                "its audio stays there"
            )
        return _no_audio(view, turn)

    def play(self, ref: str, turn: int) -> Playback:
        return self._player().play(self.turn_audio(ref, turn))

    def skill_cards(self, rep: str | None = None) -> list[RepSkillCard]:
        """The scheduler's cards across the team (or of one rep): which skills are due, how
        stable, the last level. Raises IndexUnavailable."""
        return self.indexer.index().cards(rep)

    # --- for calibration -------------------------------------------------------------------

    def human_levels(self, rubric: str | None = None) -> list[HumanLevel]:
        """(session id, criterion id, level) for every criterion a reviewer overrode; the
        latest override counts. What `roleplay calibrate` compares with the judge.

        From the index (every reviewer's levels); when it cannot be reached, from the reviews
        in this recordings folder.
        """
        try:
            return self.indexer.index().human_levels(rubric)
        except IndexUnavailable:
            return self._local_human_levels(rubric)

    def _local_human_levels(self, rubric: str | None) -> list[HumanLevel]:
        rows = []
        for session_id in self.files.folders():
            folder = self.files.read(session_id)
            if folder.transcript is None or folder.review is None:
                continue
            if rubric is not None and folder.transcript.record.rubric.id != rubric:
                continue
            for criterion, o in review_notes.human_levels(folder.review.overrides).items():
                rows.append(HumanLevel(session_id, criterion, o.level))
        return sorted(rows)


def view_from_files(files: SessionFiles) -> SessionView:
    """A session as one recordings folder holds it (only this machine's review)."""
    if files.transcript is None:
        raise SessionNotFound(f"{files.session_id}: only a review is saved here, no session")
    review = files.review or Review(session=files.session_id)
    return SessionView(
        record=files.transcript.record,
        turns=files.transcript.turns,
        scorecard=files.scorecard,
        comments=review.comments,
        overrides=review.overrides,
        reviewed=review_notes.marks_in_force(review.marks),
        marks=review.marks,
        retention=files.retention,
        audio=files.audio,
        origin=files.origin,
    )


def _after(now: datetime, earlier: Sequence[datetime]) -> datetime:
    """`now`, or just after the newest earlier entry: the history is ordered by time, and a
    change made in the same instant as the one before (a stopped clock) still comes after."""
    newest = max(earlier, default=None)
    return now if newest is None or now > newest else newest + timedelta(microseconds=1)


def _turn_help(view: SessionView, turn: int) -> str:
    if not view.turns:
        if view.retention.transcript_purged_at:
            return f"the transcript of {view.id} was deleted by `roleplay purge`"
        return f"session {view.id} has no turns"
    return f"session {view.id} has turns 0-{view.turns[-1].index}; turn {turn} is not one of them"


def _no_audio(view: SessionView, turn: int) -> Path:
    kind = "typed" if view.record.mode == "text" else "voice"
    raise ReviewError(f"turn {turn} of {view.id} has no audio file (a {kind} session)")


class HasReviews(Protocol):
    """What `human_levels` needs of the composed services."""

    @property
    def reviews(self) -> Reviews: ...


def human_levels(services: HasReviews, rubric: str | None = None) -> list[HumanLevel]:
    """Reviewers' levels as (session id, criterion id, level) rows, for `roleplay calibrate`."""
    return services.reviews.human_levels(rubric)
