"""The daily habit of one rep: scheduler state, commitments, today's queue, progress.

The recordings are the source of truth. The rep's scheduler state (an FSRS card per skill, the
level estimate the queue orders by, and a summary of every scored session) is a cache kept
through the HabitStore port. Every read first *syncs* it: scored sessions not yet applied are
applied in the order they ended; anything that cannot be applied incrementally (a session
older than the last one applied, a session that was deleted, an unreadable or outdated state
file) rebuilds the state from scratch.
Rebuilding gives the same cards, because reviews are applied in the same order at the times the
sessions ended. A schedule built from scratch (the rep's first, or a rebuild) starts its level
estimate's pace from the other reps' judged sessions in the workspace (`_teammates`,
skill_level.team_prior); a rebuild after teammates practised more may weigh the paces a little
differently. Which skills a whole call exercised is read from its scenario file as it is now (a
drill's skills are saved with the session).

One Habit per rep lives as long as the process (composition.py keeps them): its synced state is
kept in memory and used again until a session's files change on disk (`records` tells, with a
version) or a session is saved through the services (`forget`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

from roleplay.domain import commitment as commitments
from roleplay.domain.commitment import Commitment
from roleplay.domain.habit import HabitState, PracticeEntry, skill_evidence
from roleplay.domain.habit_views import oldest_first, open_after, open_by_skill
from roleplay.domain.kpis import tracked
from roleplay.domain.schedule import SkillCard, retrievability, review, showing
from roleplay.domain.scorecard import CommitmentCheck, Scorecard
from roleplay.domain.session import SessionRecord
from roleplay.domain.skill_level import Levels, team_prior
from roleplay.errors import RoleplayError
from roleplay.services.ports import (
    BrokenRecording,
    Clock,
    HabitStore,
    SessionNotFound,
    SessionStore,
)
from roleplay.services.ports.sessions import Listed

if TYPE_CHECKING:
    from roleplay.services.catalog import Catalog
    from roleplay.services.catalog_summary import CatalogSummary

    # The read commands pass the summary (services/catalog_summary.py): the same skills.
    AnyCatalog = Catalog | CatalogSummary

log = logging.getLogger(__name__)


PROGRESS_FROM = 500  # applying this many sessions at once takes a second or more: say so
PROGRESS_EVERY = 250
WHOLE_LIST_FROM = 50  # new sessions from which every record is read in one go


# NamedTuples, not dataclasses: plain values that every read command defines at import, at
# a fifth of a dataclass's cost (it compiles its methods).


class HabitSettings(NamedTuple):
    """The rep's time zone and daily goal, from the settings."""

    tz: tzinfo
    tz_name: str
    goal_drills: int = 3
    goal_minutes: int = 0
    new_skills_per_day: int = 2


class Checked(NamedTuple):
    """The quick copy's note (`before_write`) and the name of the list it was checked on."""

    name: str
    note: dict[str, Any]


class OpenCommitment(NamedTuple):
    """A commitment the rep made that no later session has checked (kept or missed) yet."""

    commitment: Commitment
    made_in: str  # session id


class Reminder(NamedTuple):
    """An open commitment as a call's brief shows it."""

    skill: str
    text: str
    # The title of the scenario it was made in, when that is not the call's own: a
    # commitment is about a skill, so it follows the rep into every scenario that trains it,
    # and its words may speak of the other call ("ask how often line three stops").
    made_elsewhere: str | None = None


class NothingToCommit(RoleplayError, ValueError):
    """The session has no scored criterion to suggest a commitment from."""


class Habit:
    def __init__(
        self,
        rep: str,
        key: str,
        store: SessionStore,
        catalog: Callable[[], Catalog],
        states: HabitStore,
        clock: Clock,
        settings: HabitSettings,
        records: Callable[[], tuple[object, Sequence[Listed]]] | None = None,
        progress: Callable[[int, int], None] | None = None,
        team_progress: Callable[[int, int], None] | None = None,
        steady: Callable[[], str | None] = lambda: None,
        renamed: Callable[[Callable[[str, str], None]], None] = lambda told: None,
    ) -> None:
        self.rep = rep
        self._key = key
        self._store = store
        self._catalog = catalog
        self._states = states
        self.clock = clock
        self.settings = settings
        # (version, sessions): the same version means no session changed on disk since. Without
        # it every read lists the folder again and nothing is kept. The sessions may be the
        # index's columns only (a long folder): whole records are read for new ones only.
        self._records = records or (lambda: (None, self._store.records()))
        # (done, total) while many sessions are applied at once (a first run, a rebuild).
        self._progress = progress
        # (done, total) while a new schedule reads its teammates' sessions for the pace prior:
        # 3-4 s in an 8,000-session team (bench/team_prior_bench.py).
        self._team_progress = team_progress
        self._lock = threading.RLock()  # the app's workers share this object
        self._kept: tuple[object, HabitState] | None = None  # (records version, state)
        # A name of the list `records` gives now, the same in every process while the list is
        # (None: unknown). The quick copy checked against a list of that name is noted, with
        # the real calls in it, so the next process need not read the list (8,000 lines).
        self._steady = steady
        # Tells (old name, new name) once a write of this process renamed that list without
        # changing it otherwise (services/index/in_step.py `when_renamed`).
        self._renamed = renamed

    # --- state --------------------------------------------------------------------------

    def state(self, catalog: AnyCatalog | None = None) -> HabitState:
        """The rep's state, synced with the recordings (and saved when it changed)."""
        return self._sync(catalog or self._catalog(), rebuild=False)

    def state_to_read(self, catalog: AnyCatalog | None = None) -> HabitState:
        """The rep's state for reading only (`roleplay today`): the store's quick copy
        (without what only progress plots) when the recordings hold exactly the sessions it
        applied; else the whole synced state (`state`). Never changed nor saved back."""
        with self._lock:
            # One look at the index for both (each is a peek at its file): before the list,
            # so a change after it renames the list.
            name = self._steady()
            if self._kept is None and self._noted(name) is not None:
                copy = self._states.load_to_read(self._key)
                if copy is not None and copy.rep == self.rep:
                    return copy  # checked against this very list before
            version, listed = self._records()
            kept = self._kept
            if kept is not None and version is not None and kept[0] == version:
                return kept[1]
            copy = self._states.load_to_read(self._key)
            if copy is not None and self._holds(copy, listed):
                if name is not None:
                    self._note(name, listed)
                return copy  # exactly the sessions it applied: nothing to sync
        return self.state(catalog)

    def _holds(self, copy: HabitState | None, listed: Sequence[Listed]) -> bool:
        """Whether the quick copy applied exactly the rep's scored sessions in `listed`."""
        return (
            copy is not None
            and copy.rep == self.rep
            and {e.id for e in copy.sessions} == {r.id for r in self._scheduled(listed)}
        )

    def _note(self, name: str, listed: Sequence[Listed]) -> None:
        calls = [[r.id, r.started_at.isoformat()] for r in self._real(listed)]
        self._states.keep_note(self._key, {"list": name, "real_calls": calls})

    def before_write(self) -> Checked | None:
        """Before a re-score writes: the list the quick copy was checked against, while it is
        the list now (None: not known). After a re-score that changed nothing the schedule
        reads, `state_after_write` then needs neither the list nor the whole schedule."""
        with self._lock:
            name = self._steady()
            note = self._noted(name)
            if name is not None and note is None and self._kept is None:
                # Not noted (the last re-score rebuilt the schedule or synced it whole): checked
                # now, as `today` checks it, so that neither this re-score nor the next reads
                # the list and the whole schedule after its write (at 8,000 sessions every
                # `score last` in a row did, until a `today`).
                _version, listed = self._records()
                if self._holds(self._states.load_to_read(self._key), listed):
                    self._note(name, listed)
                    note = self._noted(name)
            return None if name is None or note is None else Checked(name, note)

    def state_after_write(self, checked: Checked | None, catalog: AnyCatalog) -> HabitState:
        """The state after a write that changed nothing the schedule reads (a re-score that
        gave the same levels and quotes): the quick copy, when `checked` (`before_write`)
        holds and the copy is still the one it was checked as; else `state` (synced). The
        check is carried over to the list's name after the write (the same sessions)."""
        with self._lock:
            if checked is not None and self._kept is None:
                copy = self._states.load_to_read(self._key)
                if copy is not None and copy.rep == self.rep and self._copy_still(checked):
                    self._renamed(lambda old, new: self._carry_note(checked, old, new))
                    return copy
        return self.state(catalog)

    def _copy_still(self, checked: Checked) -> bool:
        return self._states.note(self._key) == checked.note

    def _carry_note(self, checked: Checked, old: str, new: str) -> None:
        if old == checked.name and self._copy_still(checked):
            self._states.keep_note(
                self._key, {"list": new, "real_calls": checked.note["real_calls"]}
            )

    def _noted(self, name: str | None) -> dict[str, Any] | None:
        """The note about the quick copy, while the list it was checked against is the list
        now (named `name`, from `steady`); else None."""
        if name is None:
            return None
        note = self._states.note(self._key)
        if note is None or note.get("list") != name or not isinstance(note.get("real_calls"), list):
            return None
        return note

    def rebuild(self, catalog: AnyCatalog | None = None) -> HabitState:
        """Forget the saved state and rebuild it from the recordings."""
        return self._sync(catalog or self._catalog(), rebuild=True)

    def forget(self) -> None:
        """A session was saved: sync with the recordings on next use."""
        with self._lock:
            self._kept = None

    def _sync(self, catalog: AnyCatalog, *, rebuild: bool) -> HabitState:
        with self._lock:
            version, listed = self._records()
            kept = self._kept
            if not rebuild and kept is not None and version is not None and kept[0] == version:
                return kept[1]
            state = self._synced(catalog, listed, rebuild=rebuild)
            self._kept = (version, state)
            return state

    def _synced(
        self, catalog: AnyCatalog, listed: Sequence[Listed], *, rebuild: bool
    ) -> HabitState:
        saved = None if rebuild else self._states.load(self._key)
        records = sorted(self._scheduled(listed), key=_order)
        on_disk = {r.id for r in records}
        state = saved if saved is not None and saved.rep == self.rep else None
        if state is not None and not {e.id for e in state.sessions} <= on_disk:
            state = None  # a session was deleted: its reviews must be undone
        applied = {e.id for e in state.sessions} if state else set()
        fresh = [
            (r, card)
            for r in records
            if r.id not in applied and (card := self._readable_card(r.id)) is not None
        ]
        if state is not None and fresh and state.sessions:
            last = state.sessions[-1]
            if _order(fresh[0][0]) < (last.ended_at, last.id):
                state = None  # an older session turned up: replay everything in order
        if state is None:
            state = HabitState(rep=self.rep)
            if applied:  # dropped after `fresh` was read: every session, each card read once
                fresh = [(r, c) for r in records if (c := self._readable_card(r.id)) is not None]
        elif not fresh:
            return state
        if not state.cards and fresh:  # nothing shown yet: its pace prior from the teammates
            prior = team_prior(self._teammates(listed, catalog))
            if prior is not None:  # a rep alone keeps today's flat prior
                state.levels.set_prior(prior)
        total = len(fresh)
        tell = self._progress if total >= PROGRESS_FROM else None
        opened = open_by_skill(state.sessions, OpenCommitment)
        whole = self._whole([r for r, _ in fresh])
        for done, (listed_as, card) in enumerate(fresh, 1):
            record = whole.get(listed_as.id)
            if record is None:  # unreadable since it was listed: left out, as a damaged card
                continue
            _apply(state, record, card, self._exercised(record, card, catalog), opened)
            if tell is not None and (done % PROGRESS_EVERY == 0 or done == total):
                tell(done, total)
        self._states.save(self._key, state)
        return state

    def _teammates(self, listed: Sequence[Listed], catalog: AnyCatalog) -> list[Levels]:
        """The level estimate of every other rep with practice in this workspace, from their
        judged sessions only (levels and evidence, as their own schedules apply them): a new
        schedule's pace prior (skill_level.team_prior). Read when a schedule is built from
        scratch, never on `today`'s read."""
        theirs: dict[str, list[Listed]] = {}
        for r in listed:
            if r.rep != self.rep and r.ended_at is not None and r.mode != "transcript":
                theirs.setdefault(r.rep, []).append(r)
        if not theirs:
            return []
        whole = self._whole([r for rs in theirs.values() for r in rs])
        total = sum(len(rs) for rs in theirs.values())
        tell = self._team_progress if total >= PROGRESS_FROM else None
        done = 0
        found = []
        for sessions in theirs.values():
            levels = Levels()
            for listed_as in sorted(sessions, key=_order):
                done += 1
                if tell is not None and (done % PROGRESS_EVERY == 0 or done == total):
                    tell(done, total)
                record, card = whole.get(listed_as.id), self._readable_card(listed_as.id)
                if record is None or card is None or card.kpis.rep_turns == 0:
                    continue
                shown = skill_levels(card, self._exercised(record, card, catalog))
                evidence = skill_evidence(card, shown)
                for skill, level in shown.items():
                    assert record.ended_at is not None
                    levels.observe(skill, showing(level, evidence.get(skill)), record.ended_at)
            found.append(levels)
        return found

    def _scheduled(self, listed: Iterable[Listed]) -> Iterable[Listed]:
        """The rep's scored sessions. Real calls scored from a transcript or recording are
        work, not practice: they are shown beside practice (real_calls), never scheduled."""
        return (
            r
            for r in listed
            if r.rep == self.rep and r.ended_at is not None and r.mode != "transcript"
        )

    def _whole(self, listed: Sequence[Listed]) -> dict[str, SessionRecord]:
        """The records of these sessions (a long list holds the index's columns only): read
        one by one when few are new, else the store's whole list at once (from the index)."""
        found = {r.id: r for r in listed if isinstance(r, SessionRecord)}
        lines = [r.id for r in listed if r.id not in found]
        if len(lines) > WHOLE_LIST_FROM:
            wanted = set(lines)
            found |= {r.id: r for r in self._store.records() if r.id in wanted}
            return found
        for id_ in lines:
            try:
                found[id_] = self._store.load(id_).record
            except (BrokenRecording, SessionNotFound) as exc:  # changed since it was listed
                log.warning("%s", exc)
        return found

    def _readable_card(self, session_id: str) -> Scorecard | None:
        """The scorecard, or None when it is damaged (`roleplay sessions` names it): one bad
        file must not hide the rest of the schedule."""
        try:
            return self._store.scorecard(session_id)
        except BrokenRecording as exc:
            log.warning("%s", exc)
            return None

    def _exercised(self, record: SessionRecord, card: Scorecard, catalog: AnyCatalog) -> list[str]:
        if record.drill is not None:
            return list(record.drill.skills)
        entry = catalog.scenarios.get(record.scenario.id)
        if entry is not None:
            return list(entry.scenario.skills)
        return sorted({c.skill for c in card.criteria})  # scenario gone: what its rubric scored

    def real_calls(self) -> list[tuple[str, datetime, Scorecard]]:
        """The rep's scored real calls (score --transcript --save), oldest first."""
        found = []
        note = self._noted(self._steady()) if self._kept is None else None
        if note is not None:  # the list is the one the note was made of
            calls = [(str(i), datetime.fromisoformat(at)) for i, at in note["real_calls"]]
        else:
            _version, listed = self._records()  # the list the schedule keeps: no second listing
            calls = [(r.id, r.started_at) for r in self._real(listed)]
        for id_, at in calls:
            card = self._store.scorecard(id_)
            if card is not None:
                found.append((id_, at, card))
        return found

    def _real(self, listed: Iterable[Listed]) -> list[Listed]:
        """The rep's real calls in `listed`, oldest first."""
        mine = [r for r in listed if r.rep == self.rep and r.mode == "transcript"]
        return sorted(mine, key=lambda r: (r.started_at, r.id))  # few of thousands

    # --- commitments ----------------------------------------------------------------------

    def open_commitments(
        self, skills: Iterable[str] | None = None, state: HabitState | None = None
    ) -> list[OpenCommitment]:
        """Commitments not judged yet (optionally only those about `skills`), oldest first."""
        wanted = set(skills) if skills is not None else None
        found = _open(state or self.state())
        return [o for o in found if wanted is None or o.commitment.skill in wanted]

    def reminders(self, skills: Iterable[str], scenario: str) -> list[Reminder]:
        """The open commitments about `skills` for the brief of a call on `scenario`, each
        with where it was made when that was another scenario."""
        state = self.state()
        where = {e.id: (e.scenario, e.scenario_title) for e in state.sessions}
        found = []
        for o in self.open_commitments(skills, state):
            made_on, title = where.get(o.made_in, (scenario, None))
            other = None if made_on == scenario else (title or made_on)
            found.append(Reminder(o.commitment.skill, o.commitment.text, other))
        return found

    def suggestion(
        self,
        session_id: str,
        *,
        record: SessionRecord | None = None,
        card: Scorecard | None = None,
    ) -> Commitment | None:
        """The commitment to offer at the end of a session (None: nothing was scored).
        `record` and `card`: the session's, when the caller has them (saves reading them)."""
        record = record or self._store.load(session_id).record
        card = card or self._store.scorecard(record.id)
        if card is None or card.kpis.rep_turns == 0:
            return None
        skills = set(record.drill.skills) if record.drill else None
        return commitments.suggest(card, self.clock.now(), skills)

    def commit(
        self, session_id: str, text: str | None = None, skill: str | None = None
    ) -> Commitment:
        """Save the rep's commitment with the session (`text`: their own words, else the
        suggestion). A second commitment for the same session replaces the first.

        The skill it is about: `skill` when given; else, for the rep's own words, the scored
        criterion those words are about (`commitments.by_meaning`); else the suggestion's."""
        suggested = self.suggestion(session_id)
        if suggested is None:
            raise NothingToCommit(
                f"session {session_id} has no scored criterion to commit to; "
                "practise a call and try again"
            )
        words = " ".join((text if text is not None else suggested.text).split())
        if not words:
            raise NothingToCommit("a commitment needs some words; say what you will do")
        made = suggested.model_copy(update={"text": words, "made_at": self.clock.now()})
        record = self._store.load(session_id).record
        card = self._store.scorecard(session_id)
        assert card is not None  # there is a suggestion
        if skill is not None:
            scored = [c for c in card.criteria if c.level is not None]
            chosen = next((c for c in scored if skill in {c.skill, c.id}), None)
            if chosen is None:
                known = ", ".join(sorted({c.skill for c in scored}))
                raise NothingToCommit(
                    f"session {session_id} did not score the skill '{skill}'; "
                    f"choose one of: {known}"
                )
            made = commitments.for_criterion(chosen, words, card.rubric, self.clock.now())
        elif text is not None:
            skills = set(record.drill.skills) if record.drill else None
            found = commitments.by_meaning(words, card, skills)
            if found is not None:
                made = commitments.for_criterion(found, words, card.rubric, self.clock.now())
        self._store.update(record.model_copy(update={"commitment": made}))
        state = self.state()
        if state.sessions and state.sessions[-1].id == record.id:
            state.sessions[-1] = state.sessions[-1].model_copy(update={"commitment": made})
            self._states.save(self._key, state)
        else:  # an older session: later sessions may have judged it, so replay them
            self.rebuild()
        return made

    def after_session(
        self,
        session_id: str,
        *,
        record: SessionRecord | None = None,
        card: Scorecard | None = None,
        catalog: AnyCatalog | None = None,
        state: HabitState | None = None,
    ) -> Scorecard | None:
        """Apply a just-scored session and write into its scorecard the commitments it tested.
        `record` and `card`: the session's as just saved, when the caller has them; `state`:
        the state synced since it was saved (what the scorecard gets written here changes
        nothing the schedule reads: the checks come from the state itself)."""
        state = state or self.state(catalog)
        card = card or self._store.scorecard(session_id)
        entry = next((e for e in state.sessions if e.id == session_id), None)
        if card is None or entry is None:
            return card
        update: dict[str, object] = {}
        if card.commitments != entry.checks:
            update["commitments"] = entry.checks
        drill = (record or self._store.load(session_id).record).drill
        if drill is not None:
            note = (
                f"A drill ({drill.title or drill.id}): it trains "
                f"{', '.join(drill.skills)}, so only those go to your practice schedule; the "
                "other criteria are scored for the record."
            )
            if note not in card.notes:
                update["notes"] = (*card.notes, note)
        if update:
            card = card.model_copy(update=update)
            self._store.save_scorecard(session_id, card)
        return card


def _order(r: Listed) -> tuple[object, str]:
    return (r.ended_at, r.id)


def _open(state: HabitState) -> list[OpenCommitment]:
    return oldest_first(open_by_skill(state.sessions, OpenCommitment))


def skill_levels(card: Scorecard, skills: Iterable[str]) -> dict[str, int]:
    """Skill -> the lowest level among the scored criteria that train it."""
    levels: dict[str, int] = {}
    for skill in skills:
        scored = [c.level for c in card.criteria if c.skill == skill and c.level is not None]
        if scored:
            levels[skill] = min(scored)
    return levels


def _apply(
    state: HabitState,
    record: SessionRecord,
    card: Scorecard,
    skills: list[str],
    opened: dict[str, OpenCommitment],
) -> None:
    """Apply one scored session to `state`. `opened`: the open commitments before it (kept
    up to date here, so a schedule built from thousands of sessions does not rescan every
    earlier session for each one: that was quadratic, 5 s at 7,200 sessions)."""
    assert record.ended_at is not None
    practised = card.kpis.rep_turns > 0
    levels = skill_levels(card, skills) if practised else {}
    evidence = skill_evidence(card, levels)
    before: dict[str, float] = {}
    cards: dict[str, SkillCard] = state.cards
    for skill, level in levels.items():
        before[skill] = round(retrievability(cards.get(skill), record.ended_at), 4)
        cards[skill] = review(cards.get(skill), skill, level, record.ended_at, evidence.get(skill))
        state.reviewed(skill, cards[skill])
        # The same showing feeds the level estimate the queue orders by (domain/skill_level.py).
        state.levels.observe(skill, showing(level, evidence.get(skill)), record.ended_at)
    checks: list[CommitmentCheck] = []
    if practised:
        for o in oldest_first(opened):
            if o.commitment.skill in skills:
                judged = commitments.check(o.commitment, o.made_in, card)
                if judged is not None:
                    checks.append(judged)
    state.sessions.append(
        PracticeEntry(
            id=record.id,
            scenario=record.scenario.id,
            scenario_title=record.scenario.title,
            drill=record.drill.id if record.drill else None,
            language=record.language,
            variation=dict(record.variation.choices),
            started_at=record.started_at,
            ended_at=record.ended_at,
            minutes=round((record.ended_at - record.started_at).total_seconds() / 60, 2),
            practised=practised,
            levels=levels,
            retrievability=before,
            evidence=evidence,
            overall=card.overall,
            kpis={"overall": card.overall, **{k.key: k.value(card.kpis) for k in tracked()}},
            commitment=record.commitment,
            checks=tuple(checks),
        )
    )
    open_after(opened, state.sessions[-1], OpenCommitment)
