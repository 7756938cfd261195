"""The composition root: the one place that picks adapters from settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from roleplay.adapters.audio_player import SoundDevicePlayer
from roleplay.adapters.clock import ManualClock, SystemClock
from roleplay.adapters.file_store import FileSessionStore
from roleplay.adapters.habit_store import HabitFileStore
from roleplay.adapters.index_login import shared_login
from roleplay.adapters.index_open import known_secrets, open_index
from roleplay.adapters.indexed_file_store import IndexedFileStore
from roleplay.adapters.indexed_habit_store import IndexedHabitStore
from roleplay.adapters.llm_customer import LlmCustomer
from roleplay.adapters.llm_judge import LlmJudge
from roleplay.adapters.offline_judge import OfflineJudge
from roleplay.adapters.openai_llm import LlmClient, LlmConfig
from roleplay.adapters.recording_files import FileRecordings
from roleplay.adapters.scripted_customer import ScriptedCustomer
from roleplay.config import Settings, Workspace, data_dir, load_settings, resolve_workspace
from roleplay.services.catalog import Catalog, load_catalog
from roleplay.services.habit import Habit, HabitSettings
from roleplay.services.index import Indexer
from roleplay.services.ports import Clock, Customer, Judge, JudgeUnavailable, Playback
from roleplay.services.practice import Practice, Profile
from roleplay.services.report import Reports
from roleplay.services.retention import Purger
from roleplay.services.review import Reviews
from roleplay.services.scoring import FallbackJudge
from roleplay.services.team import Team, TeamIndex

if TYPE_CHECKING:
    from roleplay.services.listening import ListenSettings
    from roleplay.services.ports import SpeechToText
    from roleplay.services.voice_call import VoiceParts

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    workspace: Workspace
    practice: Practice
    store: FileSessionStore
    offline: bool  # no LLM configured: scripted customer and rule-based judge
    indexer: Indexer  # the index database: opened and caught up on first use
    reviews: Reviews  # find, open, comment, override, mark reviewed, play, export
    reports: Reports
    purger: Purger  # retention
    llm: LlmClient | None = None

    def catalog(self) -> Catalog:
        return load_catalog([self.workspace.scenarios], [self.workspace.rubrics])

    def judge(self, kind: JudgeKind = "auto", samples: int = 1) -> Judge:
        """The judge to score with: the LLM's (falling back offline) when one is configured."""
        return choose_judge(self.settings, self.llm, kind, samples)

    def audio_devices(self) -> list[Any]:
        """Sound devices, for the settings screen (raises when there is no audio stack)."""
        from roleplay.adapters.audio_sounddevice import list_devices

        return list(list_devices())

    def play_audio(self, path: Path) -> Playback:
        """Play a recorded turn (blocks until done); says why when it could not."""
        from roleplay.adapters.audio_player import SoundDevicePlayer

        return SoundDevicePlayer().play(path)

    def offline_customer(self) -> Customer:
        """The customer to continue with when the LLM fails mid-call."""
        return ScriptedCustomer()

    def profile(self, rep: str | None = None) -> Profile:
        return Profile(rep=rep or self.settings.rep_name, team=self.settings.team)

    def habit(self, rep: str | None = None) -> Habit:
        """The rep's daily habit: schedule, today's queue, commitments, progress."""
        return build_habit(self, rep)

    def team(self) -> Team:
        """Who is on a shared team index (the index itself holds the team's roles)."""
        return Team(lambda: cast("TeamIndex", self.indexer.index()))


JudgeKind = Literal["auto", "llm", "offline"]


def choose_judge(
    settings: Settings, llm: LlmClient | None, kind: JudgeKind = "auto", samples: int = 1
) -> Judge:
    """The one judge choice (practice and re-scoring alike): the LLM's, falling back to the
    offline judge when it fails, when an LLM is configured; the offline judge otherwise."""
    if kind == "offline" or (kind == "auto" and llm is None):
        return OfflineJudge()
    if llm is None:
        raise JudgeUnavailable(
            "no LLM is configured for the LLM judge: export OPENAI_API_KEY, or set "
            "base_url under [llm] in the config file (`roleplay doctor` checks it)"
        )
    judge = llm_judge(settings, llm, samples)
    return judge if kind == "llm" else FallbackJudge(judge, OfflineJudge())


def llm_judge(settings: Settings, llm: LlmClient, samples: int = 1) -> Judge:
    """The LLM judge on the judge model (default: the customer model), temperature low."""
    return LlmJudge(llm, model=settings.llm.judge_model, samples=samples)


def llm_client(settings: Settings) -> LlmClient | None:
    """The configured chat server, or None when no LLM is configured."""
    cfg = settings.llm
    if not cfg.configured:
        return None
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


def build(
    workspace: Path | None = None,
    settings: Settings | None = None,
    clock: Clock | None = None,
    *,
    offline: bool = False,
) -> Services:
    """`offline=True` uses the scripted customer even when an LLM is configured."""
    settings = settings or load_settings()
    ws = resolve_workspace(settings, workspace)
    recordings = FileRecordings(ws.recordings)
    indexer = Indexer(recordings, open_index)
    store = IndexedFileStore(ws.recordings, pending=recordings.mark_pending, written=indexer.sync)
    llm = None if offline else llm_client(settings)

    def customer() -> Customer:
        return ScriptedCustomer() if llm is None else LlmCustomer(llm)

    practice = Practice(
        catalog=lambda: load_catalog([ws.scenarios], [ws.rubrics]),
        customer=customer,
        judge=choose_judge(settings, llm),
        store=store,
        clock=clock or SystemClock(),
    )
    secrets = lambda: known_secrets(settings)  # noqa: E731
    services = Services(
        settings, ws, practice, store, offline=llm is None, llm=llm, indexer=indexer,
        reviews=Reviews(
            indexer, SoundDevicePlayer, practice.clock, settings.rep_name, secrets, shared_login
        ),
        reports=Reports(indexer, practice.clock, secrets),
        purger=Purger(store, indexer, practice.clock),
    )  # fmt: skip
    indexer.refresh_cards = lambda rep: services.habit(rep).rebuild()
    return services


def build_habit(services: Services, rep: str | None = None) -> Habit:
    """The habit service of `rep` (default: the configured rep) on this workspace."""
    import zoneinfo

    settings = services.settings
    name = settings.timezone or local_zone_name()
    who = services.profile(rep).rep
    return Habit(
        rep=who,
        key=f"{who}\n{services.workspace.root}",
        store=services.practice.store,  # writes go through the index too
        catalog=services.catalog,
        states=IndexedHabitStore(HabitFileStore(data_dir() / "habit"), services.indexer.save_cards),
        clock=services.practice.clock,
        settings=HabitSettings(
            tz=zoneinfo.ZoneInfo(name),
            tz_name=name,
            goal_drills=settings.daily_goal_drills,
            goal_minutes=settings.daily_goal_minutes,
            new_skills_per_day=settings.new_skills_per_day,
        ),
    )


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
    settings: Settings, model: str | None = None, *, live: bool = False
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
    from roleplay.adapters.audio_sounddevice import Microphone, SoundDeviceSpeaker
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


def listen_settings(settings: Settings) -> ListenSettings:
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


def audio_timeline(services: Services) -> ManualClock:
    """A recording read faster than real time runs the call on the audio's clock, so turn
    times, talk ratio and pace come out as if it had been spoken. (A manual clock the call
    moves; it replaces the practice clock, since one process runs one such call at a time.)"""
    from roleplay.adapters.clock import ManualClock

    current = services.practice.clock
    if isinstance(current, ManualClock):
        return current
    clock = ManualClock(start=current.now())
    services.practice.clock = clock
    return clock
