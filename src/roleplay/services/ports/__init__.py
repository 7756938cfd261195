"""The small interfaces through which services reach the outside world, one module per capability.

Each port has a real adapter and an offline one (see ARCHITECTURE.md); tests/contracts/ runs one
contract module per port against every implementation. Every name is re-exported here, so
`from roleplay.services.ports import X` works whichever module X lives in.
"""

from __future__ import annotations

from roleplay.services.ports.audio import (
    SAMPLE_RATE,
    AudioBlock,
    AudioPlayer,
    AudioRecorder,
    AudioSource,
    AudioTrack,
    AudioUnavailable,
    Clip,
    ClipPlayback,
    Playback,
    Speaker,
    VoiceActivity,
)
from roleplay.services.ports.clock import (
    Clock,
)
from roleplay.services.ports.customer import (
    ChatServer,
    Customer,
    CustomerEvent,
    CustomerRequest,
    CustomerUnavailable,
    EndCall,
    FirstToken,
    Marker,
    Sentence,
)
from roleplay.services.ports.documents import (
    Charts,
    Templates,
)
from roleplay.services.ports.index import (
    IndexTooNew,
    IndexUnavailable,
    SessionIndex,
)
from roleplay.services.ports.judge import (
    Judge,
    JudgeUnavailable,
)
from roleplay.services.ports.recordings import (
    BrokenRecording,
    RecordingFiles,
)
from roleplay.services.ports.sessions import (
    Damaged,
    HabitStore,
    SessionArchive,
    SessionNotFound,
    SessionStore,
    TurnProblems,
)
from roleplay.services.ports.speech import (
    Segment,
    SpeechToText,
    SpeechUnavailable,
    TextToSpeech,
    Transcription,
    Word,
)

__all__ = [
    "SAMPLE_RATE",
    "AudioBlock",
    "AudioPlayer",
    "AudioRecorder",
    "AudioSource",
    "AudioTrack",
    "AudioUnavailable",
    "BrokenRecording",
    "Charts",
    "ChatServer",
    "Clip",
    "ClipPlayback",
    "Clock",
    "Customer",
    "CustomerEvent",
    "CustomerRequest",
    "CustomerUnavailable",
    "Damaged",
    "EndCall",
    "FirstToken",
    "HabitStore",
    "IndexTooNew",
    "IndexUnavailable",
    "Judge",
    "JudgeUnavailable",
    "Marker",
    "Playback",
    "RecordingFiles",
    "Segment",
    "Sentence",
    "SessionArchive",
    "SessionIndex",
    "SessionNotFound",
    "SessionStore",
    "Speaker",
    "SpeechToText",
    "SpeechUnavailable",
    "Templates",
    "TextToSpeech",
    "Transcription",
    "TurnProblems",
    "VoiceActivity",
    "Word",
]
