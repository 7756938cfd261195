"""The composition root: the one place that picks adapters from settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from roleplay.config import Workspace, data_dir, load_settings, resolve_workspace

# Adapters and services load where they are first used (issue 18): a read command pays only
# for what it runs, not for every adapter the app might need.
if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import tzinfo
    from types import TracebackType

    from roleplay.adapters.audio_sounddevice import AudioProbe, Device
    from roleplay.adapters.call_audio import CallTranscriber
    from roleplay.adapters.call_cache import CallCache
    from roleplay.adapters.index_peek import LocalIndex
    from roleplay.adapters.indexed_habit_store import OtherHomes
    from roleplay.adapters.openai_llm import LlmClient
    from roleplay.config import AnySettings
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import Transcript
    from roleplay.domain.shown_session import ShownCard, ShownTranscript
    from roleplay.services.assignments import Assignments
    from roleplay.services.call_drills import MadeDrill
    from roleplay.services.catalog import Catalog
    from roleplay.services.catalog_summary import CatalogSummary
    from roleplay.services.conversation_tests import PromptTexts
    from roleplay.services.daily_read import QuickHabit
    from roleplay.services.end_of_call import EndOfCall
    from roleplay.services.engine import Conversation
    from roleplay.services.habit import Habit, HabitSettings
    from roleplay.services.index import Indexer
    from roleplay.services.listening import ListenSettings
    from roleplay.services.outcomes import Outcomes
    from roleplay.services.ports import (
        Charts,
        Clock,
        Customer,
        IndexDamaged,
        Judge,
        Playback,
        SessionArchive,
        SpeechToText,
        Templates,
    )
    from roleplay.services.ports.sessions import Listed, TurnProblems
    from roleplay.services.practice import Practice, Profile
    from roleplay.services.report import Reports
    from roleplay.services.retention import Purger
    from roleplay.services.review import Reviews
    from roleplay.services.team import Team
    from roleplay.services.team_data import TeamData
    from roleplay.services.trainer_files import WatchedCatalog
    from roleplay.services.voice_call import Timeline, VoiceCall, VoiceParts
    from roleplay.services.voice_events import VoiceEvent

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: AnySettings
    workspace: Workspace
    practice: Practice
    store: SessionArchive
    offline: bool  # no LLM configured: scripted customer and rule-based judge
    indexer: Indexer  # the index database: opened and caught up on first use
    # reviews, reports, purger (below): built on first use by these, so a command that does
    # not use them does not load them.
    parts: dict[str, Callable[[], Any]] = field(repr=False)
    llm: LlmClient | None = None
    # One catalog, one records list and one Habit per rep for the process (issue 12): each
    # parsed or synced once and again only when files change.
    catalogs: WatchedCatalog | None = None
    records: Callable[[], tuple[object, Sequence[Listed]]] | None = None
    habits: dict[tuple[str, HabitSettings], Habit] = field(default_factory=dict, repr=False)
    # (done, total) while a schedule is built from many sessions (a terminal shows it).
    schedule_progress: Callable[[int, int], None] | None = None
    # (done, total) while a new schedule reads many teammates' sessions for its pace prior.
    team_progress: Callable[[int, int], None] | None = None

    def close(self) -> None:
        """End the services: the index database's connections and engines, and the LLM
        client's connections to its server, are closed now (not whenever the garbage
        collector gets to them). Idempotent; any use of the index afterwards raises
        IndexClosed, of the LLM LlmError. The CLI closes at the end of each command, the app
        when it exits; `with build(...) as services:` does it too."""
        try:
            self.indexer.close()
        finally:
            if self.llm is not None:
                self.llm.close()

    @property
    def closed(self) -> bool:
        return self.indexer.closed

    def __enter__(self) -> Services:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @cached_property
    def reviews(self) -> Reviews:
        """Find, open, comment, override, mark reviewed, play, export."""
        return cast("Reviews", self.parts["reviews"]())

    @cached_property
    def reports(self) -> Reports:
        return cast("Reports", self.parts["reports"]())

    @cached_property
    def purger(self) -> Purger:
        """Retention."""
        return cast("Purger", self.parts["purger"]())

    def secrets(self) -> list[str]:
        """What must never be shown or shared: the LLM key, the database password, any
        variable named like a key (for `domain.text.redact`, as the reviews and reports use)."""
        return known_secrets(self.settings)

    def session_to_show(self, ref: str) -> tuple[Transcript | ShownTranscript, TurnProblems]:
        """`store.load_readable` for printing: on the files, plain views of well-formed files
        (`show` without pydantic); anything unexpected is read by the models, as before."""
        from roleplay.adapters.file_store import FileSessionStore

        if isinstance(self.store, FileSessionStore):
            return self.store.load_shown(ref)
        return self.store.load_readable(ref)

    def scorecard_to_show(self, session_id: str) -> Scorecard | ShownCard | None:
        """`store.scorecard` for printing (see session_to_show)."""
        from roleplay.adapters.file_store import FileSessionStore

        if isinstance(self.store, FileSessionStore):
            return self.store.shown_scorecard(session_id)
        return self.store.scorecard(session_id)

    def catalog(self) -> Catalog:
        """The workspace's scenarios and rubrics as the files are now (shared: do not change)."""
        if self.catalogs is None:
            self.catalogs = watched_catalog(self.workspace)
        return self.catalogs()

    def catalog_summary(self) -> CatalogSummary:
        """What the read commands show of the catalog, without its models (read fresh)."""
        from roleplay.adapters.parsed_cache import ParsedFileCache
        from roleplay.config import cache_dir
        from roleplay.services.catalog_summary import load_summary

        ws = self.workspace
        kept = ParsedFileCache(cache_dir(), [ws.scenarios, ws.rubrics])
        return load_summary([ws.scenarios], [ws.rubrics], kept, kept)

    def end_of_call(self) -> EndOfCall:
        """Ending a call and re-scoring one, with everything the interfaces show."""
        from roleplay.adapters.file_store import TRANSCRIPT_FILE
        from roleplay.services.end_of_call import EndOfCall

        return EndOfCall(
            self.practice,
            self.habit,
            self.catalog,
            self._resolve,
            transcript_file=lambda sid: self.store.folder(sid) / TRANSCRIPT_FILE,
        )

    def make_drills(
        self, session_id: str, base: str | None = None, force: bool = False
    ) -> list[MadeDrill]:
        """Drills from a scored real call's weakest moments, written into the workspace's
        scenarios and dated by the services' one clock (the CLI and the app make the same).
        A drill file already there is replaced only with `force` (its copy kept as .bak)."""
        from roleplay.services.call_drills import make_drills

        ws, day = self.workspace, self.practice.clock.now().date()
        return make_drills(
            self.store, self.catalog(), ws.scenarios, ws.rubrics, session_id, day, base, force
        )

    def _resolve(self, ref: str) -> str:
        """`store.resolve` ('last': from the kept list, or the index's newest row)."""
        return self.store.resolve(ref)

    def judge(self, kind: JudgeKind = "auto", samples: int = 1) -> Judge:
        """The judge to score with: the LLM's (falling back offline) when one is configured."""
        return choose_judge(self.settings, self.llm, kind, samples)

    def audio_devices(self) -> list[Any]:
        """Sound devices, for the settings screen (raises when there is no audio stack)."""
        return sound_devices()

    def play_audio(self, path: Path) -> Playback:
        """Play a recorded turn (blocks until done); says why when it could not."""
        from roleplay.adapters.audio_player import SoundDevicePlayer

        return SoundDevicePlayer().play(path)

    def offline_customer(self) -> Customer:
        """The customer to continue with when the LLM fails mid-call."""
        from roleplay.adapters.scripted_customer import ScriptedCustomer

        return ScriptedCustomer()

    def profile(self, rep: str | None = None) -> Profile:
        from roleplay.services.practice import Profile

        return Profile(rep=rep or self.settings.rep_name, team=self.settings.team)

    def habit(self, rep: str | None = None) -> Habit:
        """The rep's daily habit: schedule, today's queue, commitments, progress."""
        return build_habit(self, rep)

    def quick_habit(self, rep: str | None = None) -> QuickHabit | None:
        """`habit(rep)` as `roleplay today` reads it while the schedule's quick copy holds
        every session: plain views, no pydantic (services/daily_read.py); else None."""
        import zoneinfo

        from roleplay.adapters.habit_copy import HabitCopies
        from roleplay.services.daily_read import QuickSettings, quick_habit

        settings = self.settings
        name = settings.timezone or local_zone_name()
        who = self.profile(rep).rep
        key = f"{who}\n{self.workspace.root}"  # as build_habit
        if other_homes(self.workspace).stale(key, who):
            return None  # another home changed a session of the rep's: the Habit rebuilds
        return quick_habit(
            rep=who,
            key=key,
            copies=HabitCopies(data_dir() / "habit"),
            settings=QuickSettings(
                tz=zoneinfo.ZoneInfo(name),
                tz_name=name,
                goal_drills=settings.daily_goal_drills,
                goal_minutes=settings.daily_goal_minutes,
                new_skills_per_day=settings.new_skills_per_day,
            ),
            clock=_PracticeClock(self.practice),
            steady=self.indexer.steady,
            records=self.records or (lambda: (None, self.practice.store.records())),
            scorecard=self.scorecard_to_show,
        )

    def team(self) -> Team:
        """Who is on a shared team index (the index itself holds the team's roles)."""
        from roleplay.services.team import Team, TeamIndex

        return Team(lambda: cast("TeamIndex", self.indexer.index()))

    def team_data(self) -> TeamData:
        """Assignments, outcomes and the team's practice, in the index database."""
        return team_data_of(self.indexer)

    def timezone(self) -> tzinfo:
        return zone(self.settings)

    def may_have_assignments(self) -> bool:
        """False when the index certainly holds none (a rep alone: no need to open it)."""
        from roleplay.adapters.index_open import database_url
        from roleplay.adapters.index_peek import may_hold_assignments

        return may_hold_assignments(database_url(self.settings))

    def assignments(self) -> Assignments:
        return assignments_of(self.indexer, self.practice.clock, self.settings, self.catalog)

    def outcomes(self) -> Outcomes:
        from roleplay.services.outcomes import Outcomes

        return Outcomes(self.team_data, self.practice.clock)


def watched_catalog(ws: Workspace) -> WatchedCatalog:
    """The workspace's catalog, reusing what an earlier command parsed of unchanged files."""
    from roleplay.adapters.parsed_cache import ParsedFileCache
    from roleplay.config import cache_dir
    from roleplay.services.trainer_files import WatchedCatalog

    dirs = [ws.scenarios, ws.rubrics]
    parsed = ParsedFileCache(cache_dir(), dirs)

    def load(scenario_dirs: list[Path], rubric_dirs: list[Path]) -> Catalog:
        from roleplay.services.catalog import load_catalog  # on first use (not by `today`)

        return load_catalog(scenario_dirs, rubric_dirs, parsed=parsed)

    return WatchedCatalog([ws.scenarios], [ws.rubrics], load)


def team_data_of(indexer: Indexer) -> TeamData:
    from roleplay.adapters.sql_team_data import team_data

    return team_data(indexer.index())


def zone(settings: AnySettings) -> tzinfo:
    import zoneinfo

    return zoneinfo.ZoneInfo(settings.timezone or local_zone_name())


def assignments_of(
    indexer: Indexer, clock: Clock, settings: AnySettings, catalog: Callable[[], Catalog]
) -> Assignments:
    from roleplay.services.assignments import Assignments

    return Assignments(
        lambda: team_data_of(indexer),
        catalog,  # the process's one watched catalog
        clock,
        settings.rep_name,
        lambda: zone(settings),
    )


JudgeKind = Literal["auto", "llm", "offline"]


def choose_judge(
    settings: AnySettings, llm: LlmClient | None, kind: JudgeKind = "auto", samples: int = 1
) -> Judge:
    """The one judge choice (practice and re-scoring alike): the LLM's, falling back to the
    offline judge when it fails, when an LLM is configured; the offline judge otherwise."""
    from roleplay.adapters.offline_judge import OfflineJudge

    if kind == "offline" or (kind == "auto" and llm is None):
        return OfflineJudge()
    from roleplay.services.ports import JudgeUnavailable
    from roleplay.services.scoring import FallbackJudge  # only beside an LLM's judge

    if llm is None:
        raise JudgeUnavailable(
            "no LLM is configured for the LLM judge: export OPENAI_API_KEY, or set "
            "base_url under [llm] in the config file (`roleplay doctor` checks it)"
        )
    judge = llm_judge(settings, llm, samples)
    return judge if kind == "llm" else FallbackJudge(judge, OfflineJudge())


def llm_judge(settings: AnySettings, llm: LlmClient, samples: int = 1) -> Judge:
    """The LLM judge on the judge model (default: the customer model), temperature low."""
    from roleplay.adapters.llm_judge import LlmJudge  # loaded when an LLM judge is chosen

    return LlmJudge(llm, model=settings.llm.judge_model, samples=samples)


def llm_client(settings: AnySettings) -> LlmClient | None:
    """The configured chat server, or None when no LLM is configured."""
    cfg = settings.llm
    if not cfg.configured:
        return None
    from roleplay.adapters.openai_llm import LlmClient, LlmConfig

    return LlmClient(
        LlmConfig(
            base_url=cfg.base_url,
            api_key=cfg.api_key.get_secret_value() if cfg.api_key else None,
            model=cfg.model,
            timeout=cfg.timeout,
            max_retries=cfg.max_retries,
            temperature=cfg.temperature,
        )
    )


# Told how a long job goes: ("indexing" | "scheduling" | "team pace", done, total). One
# reporter for the whole build: the index catching up with copied-in sessions, a schedule
# built from many, a new schedule reading its teammates' sessions for its pace prior.
Progress = Callable[[str, int, int], None]


def build(
    workspace: Path | None = None,
    settings: AnySettings | None = None,
    clock: Clock | None = None,
    *,
    offline: bool = False,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
) -> Services:
    """`offline=True` uses the scripted customer even when an LLM is configured. `notice`
    tells the person once what is wrong with the index (damaged, read-only) and what is done."""
    from roleplay.adapters.change_log import SeenChanges
    from roleplay.adapters.clock import SwitchableClock
    from roleplay.adapters.index_open import database_url, open_index
    from roleplay.adapters.indexed_file_store import IndexedFileStore
    from roleplay.adapters.recording_files import FileRecordings
    from roleplay.services.index import Indexer
    from roleplay.services.practice import Practice

    settings = settings or load_settings()
    ws = resolve_workspace(settings, workspace)
    recordings = FileRecordings(ws.recordings, writer=home_key())
    url = database_url(settings)
    indexer = Indexer(
        recordings,
        lambda: open_index(url),
        # Bound late: `services` exists by the time the index first asks for a rebuild.
        refresh_cards=lambda rep: services.habit(rep).rebuild(),
        progress=_told(progress, "indexing"),
        peek=lambda: _peek(url),  # a local index in step: read without opening it
        marks=recordings,  # and whether it still is, from a few stat calls
        set_aside=_set_aside,  # a damaged local index: moved aside, built again
        notice=notice or (lambda message: None),
        # How far this index read the workspace's change log: another home's (another
        # rep's) writes to sessions this index holds are read again (change_log.py).
        seen=SeenChanges(data_dir() / "index.changes", _index_key(url)),
    )
    store = IndexedFileStore(
        ws.recordings,
        pending=recordings.mark_pending,
        making=recordings.making,  # held while a new session's folder has no session.json
        written=indexer.sync,
        indexed=indexer.records,  # a long list is read from the index, caught up
        newest=indexer.newest,  # and 'last' from its newest row
        lines=indexer.lines,  # and a list's columns, no record parsed
        lines_in_step=indexer.lines_in_step,  # a small folder's too, when the index is in step
    )
    llm = None if offline else llm_client(settings)

    def customer() -> Customer:  # the customers load when a call starts, not at start-up
        from roleplay.adapters.llm_customer import LlmCustomer
        from roleplay.adapters.scripted_customer import ScriptedCustomer

        return ScriptedCustomer() if llm is None else LlmCustomer(llm)

    catalogs = watched_catalog(ws)
    practice = Practice(
        catalog=catalogs,
        customer=customer,
        judge=choose_judge(settings, llm),
        store=store,
        clock=clock or SwitchableClock(),  # a recording read fast switches it (audio_timeline)
        hidden=lambda: known_secrets(settings),
    )
    services = Services(
        settings, ws, practice, store, offline=llm is None, indexer=indexer,
        parts=_parts(settings, url, indexer, practice, store, catalogs), llm=llm,
        catalogs=catalogs, records=store.current_lines,  # the index's list from INDEX_FROM on
        schedule_progress=_told(progress, "scheduling"),
        team_progress=_told(progress, "team pace"),
    )  # fmt: skip
    return services


def home_key() -> str:
    """Which home (ROLEPLAY_HOME's data folder) writes: named on the workspace's change log,
    so that each home's schedules skip their own writes (they reach them through the
    services) and see everyone else's."""
    import hashlib

    return hashlib.sha256(str(data_dir().resolve()).encode()).hexdigest()[:16]


def other_homes(ws: Workspace) -> OtherHomes:
    """Another home's changes to a rep's sessions, for the rep's schedule here."""
    from roleplay.adapters.indexed_habit_store import OtherHomes
    from roleplay.adapters.recording_files import FileRecordings

    recordings = FileRecordings(ws.recordings, writer=home_key())
    return OtherHomes(recordings, data_dir() / "index.changes")


def _index_key(url: str) -> str:
    """Which index database a note is about (a hash: the URL may hold a password)."""
    import hashlib

    return hashlib.sha256(url.encode()).hexdigest()[:16]


def _set_aside(damaged: IndexDamaged) -> str:
    from roleplay.adapters.index_open import move_aside

    assert damaged.path is not None  # the Indexer moves only a file
    return str(move_aside(damaged.path, damaged))


def _peek(url: str) -> LocalIndex | None:
    """The local index, read-only (sqlite3 loads only for a command that reads it)."""
    from roleplay.adapters.index_peek import LocalIndex

    return LocalIndex.open(url)


def known_secrets(settings: AnySettings) -> list[str]:
    from roleplay.adapters.index_open import known_secrets as found

    return found(settings)


def _parts(
    settings: AnySettings,
    url: str,
    indexer: Indexer,
    practice: Practice,
    store: SessionArchive,
    catalogs: WatchedCatalog,
) -> dict[str, Callable[[], Any]]:
    """How to build the reviews, reports and retention services (on first use)."""

    def secrets() -> list[str]:
        return known_secrets(settings)

    @cache
    def documents() -> tuple[Charts, Templates]:  # one pair, shared by reviews and reports
        from roleplay.adapters.charts import MatplotlibCharts
        from roleplay.adapters.html_templates import JinjaTemplates

        return MatplotlibCharts(), JinjaTemplates()

    def reviews() -> Reviews:
        from roleplay.adapters.audio_player import SoundDevicePlayer
        from roleplay.adapters.index_login import shared_login
        from roleplay.services.review import Reviews

        charts, templates = documents()
        return Reviews(
            indexer, SoundDevicePlayer, practice.clock, settings.rep_name, secrets,
            lambda: shared_login(url), charts=charts, templates=templates,
        )  # fmt: skip

    def reports() -> Reports:
        from roleplay.services.report import Reports

        charts, templates = documents()
        return Reports(
            indexer, practice.clock, secrets, charts=charts, templates=templates,
            team_data=lambda: team_data_of(indexer),
            statuses=lambda rep: assignments_of(
                indexer, practice.clock, settings, catalogs
            ).status(rep),
            tz=lambda: zone(settings),
        )  # fmt: skip

    def purger() -> Purger:
        from roleplay.services.retention import Purger

        return Purger(store, indexer, practice.clock)

    return {"reviews": reviews, "reports": reports, "purger": purger}


def _told(progress: Progress | None, what: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(what, done, total)


def build_habit(services: Services, rep: str | None = None) -> Habit:
    """The habit service of `rep` (default: the configured rep) on this workspace: one per rep
    and settings for the process, so its synced state is kept between uses."""
    import zoneinfo

    from roleplay.adapters.habit_store import HabitFileStore
    from roleplay.adapters.indexed_habit_store import IndexedHabitStore
    from roleplay.services.habit import Habit, HabitSettings

    settings = services.settings
    name = settings.timezone or local_zone_name()
    who = services.profile(rep).rep
    habit_settings = HabitSettings(
        tz=zoneinfo.ZoneInfo(name),
        tz_name=name,
        goal_drills=settings.daily_goal_drills,
        goal_minutes=settings.daily_goal_minutes,
        new_skills_per_day=settings.new_skills_per_day,
    )
    kept = services.habits.get((who, habit_settings))
    if kept is not None:
        return kept
    habit = Habit(
        rep=who,
        key=f"{who}\n{services.workspace.root}",
        store=services.practice.store,  # writes go through the index too
        catalog=services.catalog,
        states=IndexedHabitStore(
            HabitFileStore(data_dir() / "habit"),
            services.indexer.save_cards,
            other_homes(services.workspace),  # another home's commitment, re-score...
        ),
        clock=_PracticeClock(services.practice),
        settings=habit_settings,
        records=services.records,
        progress=services.schedule_progress,
        team_progress=services.team_progress,
        steady=services.indexer.steady,  # names that list while the index is in step
        renamed=services.indexer.when_renamed,  # and again after a re-score wrote it
    )
    services.habits[(who, habit_settings)] = habit
    return habit


class _PracticeClock:
    """The practice clock as it is at each reading: a fast --audio-in call swaps it
    (audio_timeline) after the rep's Habit may have been built."""

    def __init__(self, practice: Practice) -> None:
        self._practice = practice

    def now(self) -> datetime:
        return self._practice.clock.now()

    def monotonic(self) -> float:
        return self._practice.clock.monotonic()


def local_zone_name() -> str:
    """This computer's IANA time zone (honours TZ); UTC when it cannot be told."""
    import zoneinfo

    import tzlocal

    try:
        name = tzlocal.get_localzone_name()
        zoneinfo.ZoneInfo(name)
    except (LookupError, ValueError, OSError) as exc:
        log.warning(
            "cannot tell this computer's time zone (%s); using UTC. Set `timezone` "
            'in the config file, e.g. timezone = "Europe/Oslo"',
            exc,
        )
        return "UTC"
    return name


# --- voice ----------------------------------------------------------------------------------


def speech_to_text(
    settings: AnySettings, model: str | None = None, *, live: bool = False
) -> SpeechToText:
    """`live`: a call, where the speaker and the listener need CPU too: one thread (measured
    on 2 cores: as fast per utterance under load, and fewer audio dropouts)."""
    from roleplay.adapters.stt_whisper import WhisperSpeech

    return WhisperSpeech(
        model or settings.voice.stt_model,
        models_dir=data_dir() / "models",
        compute_type=settings.voice.compute_type,
        cpu_threads=1 if live else 2,
    )


def build_voice(
    services: Services,
    *,
    audio_in: Path | None = None,
    realtime: bool = True,
    speaker: Literal["device", "none"] = "device",
    tts: Literal["espeak", "silent"] = "espeak",
    stt: SpeechToText | None = None,
) -> VoiceParts:
    """The voice adapters: microphone or a file, speaker or none, speech both ways."""
    from roleplay.adapters.audio_file import FileAudioSource, NullSpeaker, WavRecorder
    from roleplay.adapters.audio_sounddevice import Microphone
    from roleplay.adapters.audio_speaker import SoundDeviceSpeaker
    from roleplay.adapters.tts_pyttsx3 import Pyttsx3Speech
    from roleplay.adapters.tts_silent import SilentSpeech
    from roleplay.adapters.vad import EnergyVad, SileroVad
    from roleplay.services.voice_call import VoiceParts

    v = services.settings.voice
    return VoiceParts(
        source=FileAudioSource(audio_in, realtime=realtime)
        if audio_in is not None
        else Microphone(v.input_device, v.sample_rate),
        speaker=SoundDeviceSpeaker(v.output_device)
        if speaker == "device"
        else NullSpeaker(realtime=realtime),
        stt=stt or speech_to_text(services.settings),
        tts=Pyttsx3Speech() if tts == "espeak" else SilentSpeech(),
        vad=SileroVad() if v.vad == "silero" else EnergyVad(),
        recorder=WavRecorder(services.workspace.recordings),
    )


def listen_settings(settings: AnySettings) -> ListenSettings:
    from roleplay.domain.turn_taking import TurnEndPolicy
    from roleplay.services.listening import ListenSettings

    v = settings.voice
    policy = TurnEndPolicy(
        silence=v.silence_ms / 1000,
        question=v.question_ms / 1000,
        trailing=v.trailing_ms / 1000,
        statement=v.statement_ms / 1000,
    )
    return ListenSettings(policy=policy, push_to_talk=v.push_to_talk)


def audio_timeline(services: Services) -> Timeline:
    """A recording read faster than real time runs the call on the audio's clock, so turn
    times, talk ratio and pace come out as if it had been spoken: the services' one clock
    switches to a manual clock the call moves (one process runs one such call at a time)."""
    from roleplay.adapters.clock import ManualClock, SwitchableClock

    current = services.practice.clock
    if isinstance(current, ManualClock):  # already manual (tests, simulations)
        return current
    if isinstance(current, SwitchableClock):
        return current.follow_audio()
    raise TypeError(f"a call cannot move {type(current).__name__}: build with a ManualClock")


def voice_call(
    services: Services,
    call: Conversation,
    sink: Callable[[VoiceEvent], None],
    *,
    audio_in: Path | None = None,
    realtime: bool = True,
    speaker: Literal["device", "none"] = "device",
    stt: SpeechToText | None = None,
    timeline: Timeline | None = None,
    fallback: Callable[[], Customer] | None = None,
) -> VoiceCall:
    """A spoken call on `call` (the CLI's and the app's): the voice parts, the listening
    settings, the persona's voice or the one configured for it; events go to `sink`."""
    from roleplay.services.voice_call import VoiceCall

    parts = build_voice(services, audio_in=audio_in, realtime=realtime, speaker=speaker, stt=stt)
    v = services.settings.voice
    s = call.run.scenario
    override = v.voices.get(s.id) or v.voices.get(s.persona.name)
    return VoiceCall(
        call,
        parts,
        listen_settings(services.settings),
        sink,
        timeline=timeline,
        fallback=fallback,
        speculate=v.speculate,
        voice=s.persona.voice.model_copy(update={"accent": override}) if override else None,
    )


# --- the sound system and audio files, asked from the interfaces --------------------------


def microphone_problem(settings: AnySettings) -> str | None:
    """None when the configured microphone can be used; else why not and what to do (asked
    in a child process with a timeout: a hung sound system must not freeze the caller)."""
    from roleplay.adapters.audio_sounddevice import microphone_problem as problem

    return problem(settings.voice.input_device)


def has_speaker(settings: AnySettings) -> bool:
    """The configured speaker can play (asked like `microphone_problem`)."""
    from roleplay.adapters.audio_sounddevice import has_speaker as speaker

    return speaker(settings.voice.output_device)


def sound_devices() -> list[Device]:
    """Microphones and speakers. Raises AudioUnavailable when there is no sound system."""
    from roleplay.adapters.audio_sounddevice import list_devices

    return list(list_devices())


def probe_audio() -> AudioProbe:
    """Ask the sound system afresh (`roleplay doctor`), in a child process with a timeout."""
    from roleplay.adapters.audio_sounddevice import probe

    return probe(fresh=True)


def check_audio_file(path: Path) -> None:
    """Read `path` as audio before a call starts. Raises AudioUnavailable naming the file."""
    from roleplay.adapters.audio_file import FileAudioSource

    FileAudioSource(path).check()


def call_transcriber(stt: SpeechToText) -> CallTranscriber:
    """Transcribes a recorded call with a speaker on every word (faster-whisper's own)."""
    from roleplay.adapters.call_audio import CallTranscriber
    from roleplay.adapters.stt_whisper import WhisperSpeech

    return CallTranscriber(cast("WhisperSpeech", stt))


def call_cache() -> CallCache:
    """Recorded calls' words, kept in the user's cache folder so that a rerun (the rep's
    side named) does not read the call again."""
    from roleplay.adapters.call_cache import CallCache
    from roleplay.config import cache_dir

    return CallCache(cache_dir() / "calls")


# --- the customer, for conversation tests --------------------------------------------------


def scripted_customer() -> Customer:
    from roleplay.adapters.scripted_customer import ScriptedCustomer

    return ScriptedCustomer()


def llm_customer(llm: LlmClient) -> tuple[Customer, PromptTexts]:
    """The LLM customer, and the system prompt it is given for a run (the tests read it)."""
    from roleplay.adapters.llm_customer import LlmCustomer, build_system_prompt

    return LlmCustomer(llm), lambda run: [build_system_prompt(run)]
