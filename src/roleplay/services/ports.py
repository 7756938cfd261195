"""The small interfaces through which services reach the outside world.

Each port has a real adapter and an offline one; contract tests run against every one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from roleplay.domain.habit import HabitState
from roleplay.domain.history import (
    HumanLevel,
    RepSkillCard,
    Retention,
    ScoredSession,
    SessionFiles,
    SessionFilter,
    SessionSummary,
    SessionView,
)
from roleplay.domain.kpis import Kpis
from roleplay.domain.review import Review
from roleplay.domain.roles import Identity
from roleplay.domain.rubric import Rubric
from roleplay.domain.scenario import Voice
from roleplay.domain.schedule import SkillCard
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.session import SessionRecord, Transcript, Turn
from roleplay.domain.trends import Series
from roleplay.domain.variation import ScenarioRun
from roleplay.errors import RoleplayError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# --- the customer (chat model) ------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One complete sentence the customer says; delivered as soon as it is ready."""

    text: str


@dataclass(frozen=True)
class Marker:
    """What a customer turn did in the scenario (revealed a fact, raised an objection...).

    Never spoken; saved as a tag on the turn so the call can be understood and resumed.
    """

    tag: str


@dataclass(frozen=True)
class EndCall:
    """The customer ends the call; structured, never spoken aloud."""

    outcome: Literal["win", "loss", "time"]
    reason: str


@dataclass(frozen=True)
class FirstToken:
    """The customer model has started answering (its first token), before a sentence is ready.

    Optional: a customer that yields it gets its time to first token measured per turn."""


CustomerEvent = Sentence | Marker | EndCall | FirstToken


@dataclass(frozen=True)
class CustomerRequest:
    run: ScenarioRun
    turns: tuple[Turn, ...]  # the conversation so far; empty for the opening line
    time_up: bool = False


class CustomerUnavailable(RoleplayError):
    """The customer model cannot answer (server down, key rejected...). The message says
    what to do; it never contains a secret."""


class JudgeUnavailable(RoleplayError):
    """The judge cannot score right now (LLM down...). The message says what to do; the
    session is already saved and can be re-scored later with `roleplay score`."""


class Customer(Protocol):
    """Plays the customer. `respond` streams the reply: sentences, markers, maybe an EndCall."""

    @property
    def name(self) -> str:
        """What produced the turns (recorded per turn): 'scripted', or a model name."""
        ...

    def respond(self, request: CustomerRequest) -> Iterator[CustomerEvent]: ...


class ChatServer(Protocol):
    """An OpenAI-compatible chat server, as far as diagnostics need it."""

    @property
    def where(self) -> str: ...

    @property
    def model(self) -> str: ...

    def list_models(self) -> list[str]: ...

    def complete(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int | None = None
    ) -> str: ...


# --- the judge ----------------------------------------------------------------------------


class Judge(Protocol):
    @property
    def name(self) -> str: ...

    def score(self, rubric: Rubric, transcript: Transcript) -> Scorecard: ...


# --- time -------------------------------------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC wall time."""
        ...

    def monotonic(self) -> float:
        """Seconds for measuring durations; only differences are meaningful."""
        ...


# --- storage ------------------------------------------------------------------------------


class SessionNotFound(RoleplayError):
    """No session matches the reference; the message lists close matches."""

    title = "No such session"


class SessionStore(Protocol):
    """Sessions on disk are the source of truth. Writes are durable when the call returns."""

    def create(self, record: SessionRecord) -> None: ...

    def append_turn(self, session_id: str, turn: Turn) -> None: ...

    def update(self, record: SessionRecord) -> None: ...

    def save_scorecard(self, session_id: str, scorecard: Scorecard) -> None: ...

    def load(self, session_id: str) -> Transcript:
        """Raises SessionNotFound (with close matches in the message) for unknown ids."""
        ...

    def scorecard(self, session_id: str) -> Scorecard | None: ...

    def records(self) -> Sequence[SessionRecord]:
        """Newest first; half-finished sessions included."""
        ...


@dataclass(frozen=True)
class Damaged:
    """A session folder that cannot be read whole: its id and why."""

    id: str
    reason: str


class TurnProblems(Protocol):
    """What could not be read of a transcript. A torn last line from a crash is not damage
    (the turns before it are intact) but is said, never skipped silently."""

    @property
    def torn_tail(self) -> str | None:
        """The half-written last line of a crash, if any."""
        ...

    def problem(self) -> str | None:
        """One line about the damaged lines; None when there are none."""
        ...


class SessionArchive(SessionStore, Protocol):
    """The sessions as the interfaces list, find and show them: the store, plus a session by
    reference, the listing with its damaged folders, what can still be read of a damaged
    session, and where a session's files are (shown to the rep; a turn's audio is played
    from there)."""

    def resolve(self, ref: str) -> str:
        """A full id, a unique prefix of one, or 'last' -> the id. Raises SessionNotFound."""
        ...

    def folder(self, session_id: str) -> Path: ...

    def overall(self, session_id: str) -> float | None:
        """The overall score for a listing: None when not scored or the scorecard is damaged."""
        ...

    def survey(self) -> tuple[list[SessionRecord], list[Damaged]]:
        """Every readable session (newest first) and every folder that cannot be read."""
        ...

    def scores(
        self, records: Sequence[SessionRecord]
    ) -> tuple[dict[str, float | None], dict[str, str]]:
        """The overall score of each listed session (None: not scored), and why a scorecard
        could not be read (the session stays listed; its scorecard is the problem)."""
        ...

    def load_readable(self, session_id: str) -> tuple[Transcript, TurnProblems]:
        """What can be read of a session, and the transcript lines that could not be."""
        ...


class HabitStore(Protocol):
    """The rep's scheduler state (a cache of the recordings; rebuildable from them)."""

    def load(self, key: str) -> HabitState | None:
        """None when there is none yet, or it cannot be read (the caller rebuilds it)."""
        ...

    def save(self, key: str, state: HabitState) -> None:
        """Durable and atomic when the call returns."""
        ...


# --- the index database, the recordings folder beyond the store, playback (teams) ---------


class IndexUnavailable(RoleplayError):
    """The index database cannot be used right now (unreachable, refused, locked too long).
    The message says what to do and never contains the database password. Nothing is lost:
    the recordings folder is the source of truth and the index catches up later."""


class IndexTooNew(IndexUnavailable):
    """The database was upgraded by a newer roleplay; this one leaves it untouched."""


class BrokenRecording(RoleplayError):
    """A file in the recordings folder cannot be read; the message names it and the fix."""


class SessionIndex(Protocol):
    """The searchable copy of every session, scorecard and review, shared by a team.

    Every row remembers the recordings folder (`origin`) it came from, so rebuilding the index
    from one machine's recordings never removes another machine's sessions. Every method raises
    IndexUnavailable when the database cannot be reached.
    """

    def describe(self) -> str:
        """Where the index lives, with any password hidden."""
        ...

    def save(self, folders: Sequence[SessionFiles]) -> list[str]:
        """Make the index hold what each folder holds (its session; the review items written
        in that folder are added, never replaced). Returns what the login may not write and
        so was left out, one line each (a shared index checks rights, see domain/roles.py)."""
        ...

    def forget(self, origin: str, session_ids: Sequence[str]) -> None:
        """These folders of `origin` are gone: drop their sessions (reviews are history and
        stay)."""
        ...

    def identity(self) -> Identity:
        """Who the index sees: the database login and its role (single-user on SQLite)."""
        ...

    def known(self, origin: str) -> set[str]:
        """Ids of the sessions and reviews indexed from the recordings folder `origin`."""
        ...

    def save_cards(self, origin: str, rep: str, cards: Sequence[SkillCard]) -> None:
        """Replace the scheduler cards of `rep` that came from the recordings folder `origin`."""
        ...

    def cards(self, rep: str | None = None) -> list[RepSkillCard]:
        """Scheduler cards (of one rep, or everyone's), by rep and skill."""
        ...

    def refresh_statistics(self) -> None:
        """After many rows changed at once: let the database plan queries on fresh figures."""
        ...

    def sessions(
        self, where: SessionFilter, limit: int = 50, offset: int = 0
    ) -> list[SessionSummary]:
        """Newest first."""
        ...

    def records(self, origin: str) -> list[tuple[SessionRecord, float | None]]:
        """Every session indexed from the recordings folder `origin`, with its overall score
        (None: not scored), in no particular order: a rep's lists without reading the folders."""
        ...

    def session(self, session_id: str) -> SessionView | None: ...

    def matching(self, prefix: str, limit: int = 5) -> list[str]:
        """Session ids starting with `prefix` (the full id matches itself)."""
        ...

    def human_levels(self, rubric: str | None = None) -> list[HumanLevel]: ...

    def scored(self, where: SessionFilter) -> list[ScoredSession]:
        """Finished, scored sessions, oldest first, for reports."""
        ...


class RecordingFiles(Protocol):
    """The recordings folder beyond the session store: reviews, audio, retention, bookkeeping.
    Files are written atomically and readable by the owner only."""

    @property
    def origin(self) -> str:
        """A stable id of this recordings folder (created on first use)."""
        ...

    def folders(self, prefix: str = "") -> list[str]:
        """Ids (starting with `prefix`) of the folders holding a session or a review."""
        ...

    def has_session(self, session_id: str) -> bool: ...

    def reps(self) -> set[str]:
        """The reps who recorded sessions in this folder."""
        ...

    def read(self, session_id: str) -> SessionFiles: ...

    def review(self, session_id: str) -> Review: ...

    def save_review(self, review: Review) -> None: ...

    def save_retention(self, session_id: str, retention: Retention) -> None: ...

    def lock(self, session_id: str) -> AbstractContextManager[None]:
        """Held while a folder is read and indexed, or its review changed (across processes)."""
        ...

    def audio_file(self, session_id: str, name: str) -> Path | None:
        """The turn audio file `name` of a local session, if it is still there."""
        ...

    def purgeable(self, session_id: str, *, transcript: bool) -> list[tuple[Path, int]]:
        """Audio files (and the transcript) that purging this session would delete, with
        their sizes in bytes."""
        ...

    def delete(self, paths: Sequence[Path]) -> None: ...

    def pending(self) -> list[str]:
        """Sessions written since their last successful indexing."""
        ...

    def mark_pending(self, session_id: str) -> None: ...

    def clear_pending(self, session_id: str) -> None: ...


@dataclass(frozen=True)
class Playback:
    path: Path
    played: bool
    reason: str | None = None  # why it was not played (no output device...)


class AudioPlayer(Protocol):
    def play(self, path: Path) -> Playback:
        """Play a WAV file to the end, or say why it cannot be played here."""
        ...


# --- voice: microphone, speaker, speech-to-text, text-to-speech ----------------------------

SAMPLE_RATE = 16_000  # what audio sources deliver and speech-to-text takes: mono float32


@dataclass(frozen=True)
class AudioBlock:
    """A short block of the rep's audio: mono float32 in -1..1 at SAMPLE_RATE."""

    samples: NDArray[np.float32]
    start: float  # seconds since the source started (samples counted: exact, drift-free)

    @property
    def end(self) -> float:
        return self.start + len(self.samples) / SAMPLE_RATE


class AudioUnavailable(RoleplayError):
    """No microphone or speaker, or an unreadable audio file. The message says what to do."""


class AudioSource(Protocol):
    """The rep's side of the call: a microphone, or an audio file standing in for one."""

    @property
    def realtime(self) -> bool:
        """True when blocks arrive as they are spoken; False when read as fast as possible."""
        ...

    @property
    def description(self) -> str: ...

    def blocks(self) -> Iterator[AudioBlock]:
        """Blocks in order until the audio ends or `close` is called (AudioUnavailable)."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Clip:
    """Synthesised speech: mono float32 in -1..1."""

    samples: NDArray[np.float32]
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


class ClipPlayback(Protocol):
    """One clip queued on a speaker."""

    @property
    def started(self) -> float | None:
        """Monotonic time its first sample reached the speaker, None until then."""
        ...

    @property
    def played(self) -> float:
        """Seconds of it that were played (all of it, unless the speaker was stopped)."""
        ...

    def wait(self, timeout: float | None = None) -> bool:
        """Block until it has played to the end or was stopped; False on timeout."""
        ...


class Speaker(Protocol):
    """Where the customer's voice goes: a sound device, or nowhere (files, tests)."""

    @property
    def realtime(self) -> bool:
        """True when playing takes as long as the audio lasts."""
        ...

    def play(self, clip: Clip) -> ClipPlayback:
        """Queue `clip` after what is still playing; returns at once."""
        ...

    def stop(self) -> None:
        """Silence now and drop everything queued (the rep barged in)."""
        ...

    def close(self) -> None: ...


class AudioTrack(Protocol):
    """One audio file of a session, written while it is recorded."""

    @property
    def path(self) -> str:
        """Relative to the session folder."""
        ...

    def write(self, samples: NDArray[np.float32]) -> None:
        """Append; what was written survives the process being killed."""
        ...

    def close(self) -> None: ...

    def discard(self) -> None:
        """Close and delete (noise that held no words)."""
        ...


class AudioRecorder(Protocol):
    def open(self, session_id: str, name: str, rate: int) -> AudioTrack: ...


class VoiceActivity(Protocol):
    """Speech probability of consecutive blocks of `block_size` samples (stateful)."""

    @property
    def block_size(self) -> int: ...

    def probability(self, samples: NDArray[np.float32]) -> float: ...

    def reset(self) -> None: ...


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcription:
    """A whole recording transcribed, with segment and word times in seconds."""

    language: str
    duration: float
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())


class SpeechUnavailable(RoleplayError):
    """The speech model cannot be used (missing, corrupt, wrong language). Says what to do."""


class SpeechToText(Protocol):
    @property
    def name(self) -> str: ...

    def check_language(self, language: str) -> None:
        """Raise SpeechUnavailable, naming a model that can, if `language` is not understood."""
        ...

    def load(self, progress: Callable[[str], None] | None = None) -> None:
        """Load the model (slow the first time; call off the UI thread). Idempotent."""
        ...

    def transcribe(self, samples: NDArray[np.float32], language: str, prompt: str = "") -> str:
        """One stretch of live speech at SAMPLE_RATE, fast; `prompt` is the text before it."""
        ...

    def transcribe_file(
        self,
        path: Path,
        language: str | None = None,
        progress: Callable[[float, float], None] | None = None,
    ) -> Transcription:
        """A recording of any length, with word times; language None detects it.
        `progress(seconds_done, seconds_total)` is called as it goes."""
        ...


class TextToSpeech(Protocol):
    @property
    def name(self) -> str: ...

    def synthesise(self, text: str, voice: Voice, language: str) -> Clip: ...


# --- documents: HTML exports and reports ---------------------------------------------------


class Charts(Protocol):
    """Charts as inline SVG for HTML documents (each `salt` keeps ids apart on one page).
    Raises MissingExtra when the charting library is not installed."""

    def levels(
        self, rows: Sequence[tuple[str, int | None, int | None]], salt: str = "levels"
    ) -> str:
        """Bars: the judge's level per criterion (name, judge, reviewer)."""
        ...

    def kpis(self, k: Kpis, turns: Sequence[Turn], salt: str = "kpis") -> str:
        """Talk share, questions asked, and the words of each turn."""
        ...

    def trend(
        self,
        series: Sequence[Series],
        *,
        title: str,
        ylabel: str,
        ylim: tuple[float, float] | None = None,
        xlim: tuple[date, date] | None = None,
        salt: str,
    ) -> str:
        """One line per series over time."""
        ...


class Templates(Protocol):
    """HTML pages from roleplay's bundled templates, autoescaped: a transcript line like
    `<script>` is shown as text, never run."""

    def render(self, name: str, **context: Any) -> str: ...
